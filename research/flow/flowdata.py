"""export_flow.js's files read back: flowgen's start as float64 numpy layers, the training pixels
and the dequantized test split, with the exact forward pass (as aug_prior.py reads them)."""
import json
import math
import os

import numpy as np

D = 784


def load(d):
    meta = json.load(open(os.path.join(d, 'flow.json')))
    alpha = meta['negativeSlope']

    def load_layer(l):
        p = np.fromfile(os.path.join(d, f'layer{l}_packed.f64')).reshape(D, D)
        s = np.fromfile(os.path.join(d, f'layer{l}_sign.f64'))
        b = np.fromfile(os.path.join(d, f'layer{l}_bias.f64'))
        perm = np.fromfile(os.path.join(d, f'layer{l}_perm.i32'), dtype=np.int32)
        diag = s * np.exp(np.diag(p))
        off = p - np.diag(np.diag(p))
        if not off.any() and (perm == np.arange(D)).all():
            return ('diag', diag, b, np.diag(p).sum())
        u = np.triu(off) + np.diag(diag)
        lo = np.tril(off) + np.eye(D)
        return ('dense', (lo @ u)[perm], b, np.diag(p).sum())

    layers = [load_layer(l) for l in range(len(meta['activations']))]

    def forward(x):
        """z = f(x) and -log|det J| per row (float64), as flowForward.ts."""
        h = np.asarray(x, dtype=np.float64)
        nld = np.zeros(len(h))
        for (kind, w, b, logdet), act in zip(layers, meta['activations']):
            a = h * w + b if kind == 'diag' else h @ w.T + b
            nld -= logdet
            if act:
                neg = a < 0
                nld += -math.log(alpha) * neg.sum(1)
                a = np.where(neg, alpha * a, a)
            h = a
        return h, nld

    train_x = np.fromfile(os.path.join(d, 'train_x.f32'), dtype=np.float32).reshape(-1, D)
    test_x = np.fromfile(os.path.join(d, 'test_xd.f32'), dtype=np.float32).reshape(-1, D)
    return {
        'alpha': alpha,
        'forward': forward,
        'levels': np.clip(np.round(train_x.astype(np.float64) * 255), 0, 255),
        'train_y': np.fromfile(os.path.join(d, 'train_y.u8'), dtype=np.uint8),
        'test_x': test_x,
        'test_y': np.fromfile(os.path.join(d, 'test_y.u8'), dtype=np.uint8),
    }

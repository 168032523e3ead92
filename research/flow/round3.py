"""A third Gaussianization round on flowgen's start: does it bring the samples nearer real digits?

The full-covariance prior stops near 1.27x the real digits' nearest-digit distance at T = 1
(research/flow/README.md). This screens one more closed-form round of iterative
Gaussianization after round 2, inside the paper's family: a square rotation A (a dense layer)
then K kinks per coordinate (diagonal layers with LeakyReLU(slope)), fitted to the rotated
latents of two dequantization draws as gaussianizeFlow fits round 2 (512 cells, one pseudo-row),
then the full-covariance prior per class (27 draws, shrunk 5% toward its diagonal) on the new
latents. Rotations:
  none      A = I and no kinks: the preset's prior alone (the baseline: 1.4393 bits/dim)
  random    a random orthogonal A (numpy seed 11): generic RBIG
  pca       the eigenvectors of the pooled latents' covariance (directions ordered by variance)
  classpca  the eigenvectors of the between-class scatter completed by the within-class ones
Prints the exact test bits/dim (the 2,000 test digits, latents.js's fixed draw; log|det A| = 0 for
an orthogonal A) and writes 100 samples per class at T = 1 and 0.7 (numpy seed SEED) through round
3's inverse as <tag>_z.f64 + <tag>_y.u8 for sample_latents.js, which inverts them through the
start and prints how many read as asked and their distance.

Usage: node research/flow/export_flow.js /tmp/gen2-flow   (once)
       ROUND3="none,random,pca" SEED=0 /usr/bin/python3 research/flow/round3.py /tmp/gen2-flow
       node research/flow/sample_latents.js /tmp/gen2-flow r3-random-T1.0-s0 r3-random-T0.7-s0 ...
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from flowdata import load  # noqa: E402
from kinkfit import fit_kinks, to_layers, value_cells  # noqa: E402

D = 784
DRAWS = 27
SHRINK = 0.05
K3 = int(os.environ.get('K3', '8'))
d = sys.argv[1] if len(sys.argv) > 1 else '/tmp/gen2-flow'
data = load(d)
forward, alpha, levels, train_y, test_y = data['forward'], data['alpha'], data['levels'], data['train_y'], data['test_y']
zt, nt = forward(data['test_x'])


def dequantize(rng):
    return (levels + rng.uniform(size=levels.shape)) / 256


def kink_forward(layers, x):
    """x through diagonal kink layers; also -log|det| per row."""
    nld = np.zeros(len(x))
    for wt, b in layers:
        pre = x * wt + b
        nld -= np.log(np.abs(wt)).sum()
        neg = pre < 0
        nld += -math.log(alpha) * neg.sum(1)
        x = np.where(neg, alpha * pre, pre)
    return x, nld


def kink_inverse(layers, y):
    for wt, b in reversed(layers):
        pre = np.where(y < 0, y / alpha, y)
        y = (pre - b) / wt
    return y


def rotation(kind, z, y):
    if kind == 'random':
        q, r = np.linalg.qr(np.random.default_rng(11).standard_normal((D, D)))
        return q * np.sign(np.diag(r))
    if kind == 'pca':
        w, v = np.linalg.eigh(np.cov(z.T))
        return v[:, ::-1].T
    if kind == 'classpca':
        means = np.stack([z[y == a].mean(0) for a in range(10)])
        between = np.cov(means.T)
        within = np.cov((z - means[y]).T)
        w, v = np.linalg.eigh(between)
        top = v[:, ::-1][:, :9]
        rest = within - top @ (top.T @ within @ top) @ top.T
        p = np.eye(D) - top @ top.T
        w2, v2 = np.linalg.eigh(p @ rest @ p)
        basis = np.concatenate([top, v2[:, ::-1][:, : D - 9]], 1)
        q, _ = np.linalg.qr(basis)
        return q.T
    raise ValueError(kind)


def full_prior(z, y):
    out = []
    for a in range(10):
        za = z[y == a]
        mu = za.mean(0)
        s = np.cov(za.T, bias=True)
        cov = (1 - SHRINK) * s + SHRINK * np.diag(np.diag(s))
        out.append((mu, np.linalg.cholesky(cov)))
    return out


def prior_nll(prior, z, y):
    nll = np.zeros(len(z))
    for a, (mu, c) in enumerate(prior):
        rows = y == a
        u = np.linalg.solve(c, (z[rows] - mu).T).T
        nll[rows] = 0.5 * (u * u).sum(1) + np.log(np.diag(c)).sum() + 0.5 * D * math.log(2 * math.pi)
    return nll


def bpd(nll):
    return nll.mean() / (D * math.log(2)) + 8


seed = int(os.environ.get('SEED', '0'))
for kind in os.environ.get('ROUND3', 'none,random').split(','):
    rng = np.random.default_rng(7)
    draws = [forward(dequantize(rng))[0] for _ in range(2)]
    fit_set = np.concatenate(draws)
    fit_y = np.concatenate([train_y, train_y])
    if kind == 'none':
        a_mat, layers = np.eye(D), []
    else:
        a_mat = rotation(kind, fit_set, fit_y)
        edges, mass = value_cells(fit_set @ a_mat.T, 512, pseudo=1.0)
        layers = to_layers(fit_kinks(edges, mass, alpha, K3))
    lat = [kink_forward(layers, z @ a_mat.T)[0] for z in draws]
    for _ in range(DRAWS - 2):
        lat.append(kink_forward(layers, forward(dequantize(rng))[0] @ a_mat.T)[0])
    prior = full_prior(np.concatenate(lat), np.tile(train_y, DRAWS))
    z3, nld3 = kink_forward(layers, zt @ a_mat.T)
    test = bpd(prior_nll(prior, z3, test_y) + nt + nld3)
    print(f'{kind}: test bits/dim {test:.4f} (K3 = {K3}, {DRAWS} draws, shrink {SHRINK})', flush=True)
    labels = np.repeat(np.arange(10), 100).astype(np.uint8)
    for t in (1.0, 0.7):
        g = np.random.default_rng(seed)
        z = np.stack([prior[a][0] + t * prior[a][1] @ g.standard_normal(D) for a in labels])
        y = kink_inverse(layers, z) @ a_mat
        tag = f'r3-{kind}-T{t}-s{seed}'
        y.astype(np.float64).tofile(os.path.join(d, f'{tag}_z.f64'))
        labels.tofile(os.path.join(d, f'{tag}_y.u8'))
        print(f'  wrote {tag}', flush=True)

"""Data-dependent initializations of the LU flow (float64 numpy, closed form).

linear:   layer 1 whitens the data (inverse Cholesky factor of the residual
          covariance once the class structure is removed), the middle layers are
          the identity, the last layer places the class structure: for the paper's
          prior it reflects the whitened class direction onto 1 and stretches it by
          the likelihood-optimal factor s; for a learned prior the class means
          become the prior means. A bias shift keeps every pre-activation of the
          whitened data positive, so at init the network is the linear Gaussian.
marginal: the first K layers are diagonal: per pixel, a kink (LeakyReLU) placed
          at the image of a pixel-bin boundary, oriented and chosen greedily to make
          that pixel's marginal most Gaussian (the stretch of the kink is exactly
          1/α, so each stage can sharpen a density step by 1/α); the remaining
          layers get the linear init on the transformed features.
"""
import math

import numpy as np

from common import D, dequantize
from flowlib import set_diagonal, set_layer

BOUNDARIES = np.array([1, 2, 4, 8, 16, 32, 64, 96, 128, 160, 192, 224, 240, 248, 252, 254, 255]) / 256.0


def _leaky(v, a):
    return np.where(v < 0, a * v, v)


def _gauss_score(v):
    """Mean log-likelihood of the best 1-D Gaussian fit, per pixel."""
    return -0.5 * np.log(2 * math.pi * math.e * np.maximum(v.var(0), 1e-300))


def kink_stage(h, bounds, slope):
    """Best (threshold, orientation) per pixel; returns scale, bias and the new h and bounds."""
    n = h.shape[1]
    best = _gauss_score(h)
    scale = np.ones(n) / np.sqrt(h.var(0))
    thr = np.full(n, np.nan)
    orient = np.ones(n)
    for k in range(bounds.shape[1]):
        t = bounds[:, k]
        for o in (1.0, -1.0):
            pre = o * (h - t)
            score = _gauss_score(_leaky(pre, slope)) + math.log(slope) * (pre < 0).mean(0)
            better = score > best + 1e-3
            best = np.where(better, score, best)
            thr = np.where(better, t, thr)
            orient = np.where(better, o, orient)
    kinked = ~np.isnan(thr)
    # Pixels with no useful kink: identity-like stage, shifted positive so the LeakyReLU stays linear.
    t_eff = np.where(kinked, thr, h.min(0) - 1.0)
    pre = orient * (h - t_eff)
    c = 1.0 / np.sqrt(_leaky(pre, slope).var(0))
    w = c * orient
    b = -w * t_eff
    newh = _leaky(w * h + b, slope)
    newb = _leaky(w[:, None] * bounds + b[:, None], slope)
    return w, b, newh, newb, kinked.mean()


def class_structure(h, y, prior):
    """(center c, class offsets, residual covariance) of features h."""
    if prior == 'paper':
        a = np.stack([np.ones(len(h)), y.astype(np.float64)], 1)
        coef, *_ = np.linalg.lstsq(a, h, rcond=None)
        res = h - a @ coef
        return coef[0], coef[1], res.T @ res / len(h)
    means = np.stack([h[y == c].mean(0) for c in range(10)])
    res = h - means[y]
    c = means.mean(0)
    return c, means - c, res.T @ res / len(h)


def householder(u, v):
    """Orthogonal H with H u/|u| = v/|v|."""
    u = u / np.linalg.norm(u)
    v = v / np.linalg.norm(v)
    w = u - v
    if np.linalg.norm(w) < 1e-12:
        return np.eye(len(u))
    w /= np.linalg.norm(w)
    return np.eye(len(u)) - 2 * np.outer(w, w)


def optimal_stretch(k, var_label, target=56.0):
    """argmin_s ½(sk − target)²·Var(a) + ½s² − ln s (the paper-prior cost along 1)."""
    # Derivative: Var(a) k (s k − target) + s − 1/s = 0  ->  quadratic in s.
    qa = var_label * k * k + 1.0
    qb = -var_label * k * target
    return (-qb + math.sqrt(qb * qb + 4 * qa)) / (2 * qa)


def init_linear_tail(model, h, y, first, ridge=1e-6, margin=1.0):
    """Layers first..L-1: whiten h (layer `first`), identity, class placement (last layer)."""
    L = len(model.activations)
    c, offs, cov = class_structure(h, y, model.prior)
    cov += ridge * np.eye(D)
    chol = np.linalg.cholesky(cov)
    cinv = np.linalg.inv(chol)
    white = (h - c) @ cinv.T
    beta = np.maximum(0.0, -white.min(0)) + margin
    if model.prior == 'paper':
        v = cinv @ offs
        k = np.linalg.norm(v)
        e = np.ones(D) / math.sqrt(D)
        s = optimal_stretch(k, y.astype(np.float64).var(), 2 * math.sqrt(D))
        A = (np.eye(D) + (s - 1) * np.outer(e, e)) @ householder(v, e)
        tail_bias = (2 * math.sqrt(D) - s * k) * y.mean() * e
        info = {'k': k, 'stretch': s}
    else:
        A = np.eye(D)
        # A learned prior can absorb a shift, so with a LeakyReLU after the last layer the
        # whitened outputs are moved to where it is the identity.
        shift = np.maximum(0.0, -white.min(0)) + margin if model.activations[L - 1] else np.zeros(D)
        tail_bias = shift
        import torch
        with torch.no_grad():
            wm = offs @ cinv.T + shift
            model.prior_mean.copy_(torch.tensor(wm, dtype=torch.float32))
            model.prior_logstd.zero_()
        info = {}
    if first == L - 1:
        set_layer(model, first, A @ cinv, tail_bias - A @ cinv @ c)
        return info
    set_layer(model, first, cinv, -cinv @ c + beta)
    for l in range(first + 1, L - 1):
        set_layer(model, l, np.eye(D), np.zeros(D))
    set_layer(model, L - 1, A, tail_bias - A @ beta)
    return info


def init_default(model, seed=0):
    """PyTorch's nn.Linear default (uniform ±1/√n weights and biases), factored into LU."""
    rng = np.random.default_rng(seed)
    bound = 1 / math.sqrt(D)
    for l in range(len(model.activations)):
        set_layer(model, l, rng.uniform(-bound, bound, (D, D)), rng.uniform(-bound, bound, D))
    return {}


def init_identity(model):
    for l in range(len(model.activations)):
        set_layer(model, l, np.eye(D), np.zeros(D))
    return {}


def init_linear(model, xk, y, seed=0, ridge=1e-6):
    h = dequantize(xk, np.random.default_rng(seed + 1000))
    return init_linear_tail(model, h, y, 0, ridge)


def init_marginal(model, xk, y, kink_layers, seed=0, log=print, ridge=1e-6):
    h = dequantize(xk, np.random.default_rng(seed + 1000))
    bounds = np.tile(BOUNDARIES, (D, 1))
    for l in range(kink_layers):
        assert model.activations[l], 'kink layers need an activation'
        w, b, h, bounds, frac = kink_stage(h, bounds, model.slope)
        set_diagonal(model, l, w, b)
        log(f'kink layer {l + 1}: {100 * frac:.0f}% of pixels kinked')
    return init_linear_tail(model, h, y, kink_layers, ridge)

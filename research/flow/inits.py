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


def _gauss_score(v, w):
    """Mean log-likelihood of the best 1-D Gaussian fit, per pixel, rows weighted by w (sum 1); and that variance."""
    m = w @ v
    var = np.maximum(w @ (v - m) ** 2, 1e-300)
    return -0.5 * np.log(2 * math.pi * math.e * var), var


def kink_stage(h, bounds, slope, w=None):
    """Best (threshold, orientation) per pixel; returns scale, bias and the new h and bounds.

    Rows are weighted by w (default: equal), so pseudo-observations can be mixed in (see pseudo_rows)."""
    n = h.shape[1]
    w = np.full(len(h), 1.0 / len(h)) if w is None else w / w.sum()
    best, _ = _gauss_score(h, w)
    thr = np.full(n, np.nan)
    orient = np.ones(n)
    for k in range(bounds.shape[1]):
        t = bounds[:, k]
        for o in (1.0, -1.0):
            pre = o * (h - t)
            score = _gauss_score(_leaky(pre, slope), w)[0] + math.log(slope) * (w @ (pre < 0))
            better = score > best + 1e-3
            best = np.where(better, score, best)
            thr = np.where(better, t, thr)
            orient = np.where(better, o, orient)
    kinked = ~np.isnan(thr)
    # Pixels with no useful kink: identity-like stage, shifted positive so the LeakyReLU stays linear.
    t_eff = np.where(kinked, thr, h.min(0) - 1.0)
    pre = orient * (h - t_eff)
    c = 1.0 / np.sqrt(_gauss_score(_leaky(pre, slope), w)[1])
    wt = c * orient
    b = -wt * t_eff
    newh = _leaky(wt * h + b, slope)
    newb = _leaky(wt[:, None] * bounds + b[:, None], slope)
    return wt, b, newh, newb, kinked.mean()


def pseudo_rows(rng, levels=256):
    """One pseudo-observation per pixel level and pixel, uniform within its level: mixed into the kink fit
    with weight λ per row it is add-λ smoothing of every pixel's histogram, so a level never seen in
    training (ink in a pixel that is blank in all 8,000 digits) keeps a bounded cost."""
    return (np.arange(levels)[:, None] + rng.random((levels, D))) / levels


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


def init_linear_tail(model, h, y, first, ridge=1e-6, margin=1.0, noise_var=None, shift_rows=None):
    """Layers first..L-1: whiten h (layer `first`), identity, class placement (last layer).

    noise_var (D,): added to the residual covariance's diagonal; with h the features' means over the
    dequantization noise, this makes the covariance the average over all noise draws.
    shift_rows: the rows whose whitened values must stay on the linear side of the LeakyReLU (default h)."""
    L = len(model.activations)
    c, offs, cov = class_structure(h, y, model.prior)
    if noise_var is not None:
        cov += np.diag(noise_var)
    cov += ridge * np.eye(D)
    chol = np.linalg.cholesky(cov)
    cinv = np.linalg.inv(chol)
    white = ((h if shift_rows is None else shift_rows) - c) @ cinv.T
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


def init_marginal(model, xk, y, kink_layers, seed=0, log=print, ridge=1e-6, pseudo=0.0, boundaries=BOUNDARIES, fit='greedy',
                  cells_per_level=1, covariance='sample'):
    """pseudo > 0: the kink layers are fitted to the training values plus pseudo_rows of weight `pseudo`
    each (real rows weigh 1); the whitening and class placement see the real rows only.
    fit 'descent': kinkfit.fit_kinks (coordinate descent on the exact histograms with `pseudo` counts
    added to every level, kinks on `cells_per_level` points per level) instead of kink_stage's greedy layers."""
    h = dequantize(xk, np.random.default_rng(seed + 1000))
    if fit == 'descent':
        from kinkfit import apply_layers, cached_fit
        layers = cached_fit(xk, model.slope, kink_layers, pseudo, cells_per_level, log=log)
        for l, (wt, b) in enumerate(layers):
            assert model.activations[l], 'kink layers need an activation'
            set_diagonal(model, l, wt, b)
        feats = apply_layers(layers, h, model.slope)
        if covariance == 'expected':
            from kinkfit import expected_features
            mean_feats, noise_var = expected_features(layers, model.slope, cells_per_level, xk)
            return init_linear_tail(model, mean_feats, y, kink_layers, ridge, noise_var=noise_var, shift_rows=feats)
        return init_linear_tail(model, feats, y, kink_layers, ridge)
    w = None
    if pseudo > 0:
        h = np.concatenate([h, pseudo_rows(np.random.default_rng(seed + 2000))])
        w = np.concatenate([np.ones(len(xk)), np.full(len(h) - len(xk), pseudo)])
    bounds = np.tile(boundaries, (D, 1))
    for l in range(kink_layers):
        assert model.activations[l], 'kink layers need an activation'
        wt, b, h, bounds, frac = kink_stage(h, bounds, model.slope, w)
        set_diagonal(model, l, wt, b)
        log(f'kink layer {l + 1}: {100 * frac:.0f}% of pixels kinked')
    return init_linear_tail(model, h[:len(xk)], y, kink_layers, ridge)


def init_two_rounds(model, xk, y, k1, k2, seed=0, log=print, ridge=0.003, pseudo=1.0, cells_per_level=8,
                    pseudo2=1.0, cells2=512, draws=2, neutral=False):
    """Two rounds of marginal Gaussianization around one whitening (iterative Gaussianization):

    layers 0..k1-1   diagonal kinks per pixel (kinkfit.fit_kinks on the smoothed histograms);
    layer k1         dense: whitening with the noise-averaged covariance (inverse Cholesky factor),
                     its LeakyReLU the first kink of round 2;
    layers k1+1..    diagonal kinks 2..k2 of round 2, fitted to the whitened values of `draws`
                     dequantizations of the training images (fit_kinks on value_cells);
    last layer       the identity (no LeakyReLU); the class prior is the per-class mean and
                     standard deviation of the final values (the same draws).
    The Cholesky whitening makes coordinate j the standardized innovation of pixel j given
    pixels 1..j−1 (a linear autoregression in pixel order); round 2 shapes those innovations'
    marginals, which are far from Gaussian (ink or no ink given the pixels before).

    neutral: round 2 is not fitted; the whitening's LeakyReLU sits below the data and the diagonal
    layers come in pairs whose kinks share a threshold (at the 25/50/75/... % quantiles of each
    coordinate) with opposite negative sides, so each pair is linear (slope α, orientation flipped)
    and the flow equals round 1 + whitening, while every kink sits in the data, where the
    boundary surrogate gives it a gradient: gradient training has to learn round 2."""
    import torch
    from kinkfit import apply_layers, cached_fit, expected_features, fit_kinks, to_layers, value_cells
    L = len(model.activations)
    assert L == k1 + k2 + 1 and model.prior == 'class' and not model.activations[L - 1]
    slope = model.slope
    layers = cached_fit(xk, slope, k1, pseudo, cells_per_level, log=log)
    for l, (wt, b) in enumerate(layers):
        set_diagonal(model, l, wt, b)
    mean_feats, noise_var = expected_features(layers, slope, cells_per_level, xk)
    means = np.stack([mean_feats[y == c].mean(0) for c in range(10)])
    res = mean_feats - means[y]
    cov = res.T @ res / len(res) + np.diag(noise_var) + ridge * np.eye(D)
    cinv = np.linalg.inv(np.linalg.cholesky(cov))
    centre = mean_feats.mean(0)
    white = np.concatenate([(apply_layers(layers, dequantize(xk, np.random.default_rng(seed + 1000 + r)), slope) - centre) @ cinv.T
                            for r in range(draws)])
    labels = np.tile(y, draws)
    if neutral:
        round2 = neutral_pairs(white, slope, k2)
    else:
        round2 = to_layers(fit_kinks(*value_cells(white, cells2, pseudo2), slope, k2, log=log))
    w0, b0 = round2[0]
    set_layer(model, k1, w0[:, None] * cinv, -w0 * (cinv @ centre) + b0)
    for i in range(1, k2):
        set_diagonal(model, k1 + i, *round2[i])
    if L - 1 in model.diagonal:
        set_diagonal(model, L - 1, np.ones(D), np.zeros(D))
    else:
        set_layer(model, L - 1, np.eye(D), np.zeros(D))
    out = apply_layers(round2, white, slope)
    with torch.no_grad():
        model.prior_mean.copy_(torch.tensor(np.stack([out[labels == c].mean(0) for c in range(10)]), dtype=torch.float32))
        model.prior_logstd.copy_(torch.tensor(np.log(np.stack([out[labels == c].std(0) for c in range(10)])), dtype=torch.float32))
    return {}


def neutral_pairs(white, slope, k):
    """k diagonal (weight, bias) layers that compose to a linear map of `white`: the first puts its kink
    below every value; the others are pairs at quantiles of the values, sides opposite."""
    d = white.shape[1]
    layers = [(np.ones(d), -(white.min(0) - 1.0))]
    h = white - (white.min(0) - 1.0)
    pairs = (k - 1) // 2
    for p in range(pairs):
        t = np.quantile(h, (p + 1) / (pairs + 1), axis=0)
        layers.append((np.ones(d), -t))             # negative below t
        h = np.where(h - t < 0, slope * (h - t), h - t)
        layers.append((-np.ones(d), np.zeros(d)))   # negative above (the image of) t
        pre = -h
        h = np.where(pre < 0, slope * pre, pre)
    while len(layers) < k:
        layers.append((np.ones(d), -(h.min(0) - 1.0)))
        h = h - (h.min(0) - 1.0)
    return layers

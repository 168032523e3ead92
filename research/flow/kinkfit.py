"""Per-pixel kink maps fitted by coordinate descent, on the exact dequantized histograms.

A stack of K diagonal layers x -> LeakyReLU_α(w x + b) maps each pixel through a
monotone piecewise-linear f whose log-slope is c + ln α · m(x), where m(x) counts
the layers whose pre-activation is negative at x. Each layer's negative side is a
half-line of x (x < t or x > t), so f is fixed, up to an affine map, by K pairs
(threshold t_l in pixel units, side o_l), whatever their order; an affine map
does not change the score below. Adding a kink at t to f is the same as
applying a LeakyReLU at f(t) to the final feature, and removing one is its
inverse, so one kink can be moved with the others held: coordinate descent.

Data: pixel j's dequantized value x' = (k + u)/256 has the density of its
histogram, uniform within each level, with λ pseudo-counts added to every level
(add-λ smoothing: a level never seen in training, such as ink in a pixel that is
blank in all 8,000 digits, keeps a bounded cost). Kinks sit on a grid of S
points per level (cells of width 1/(256 S)); f is linear within each cell, so the
moments below are exact integrals, not samples.

Score of a pixel: the log-likelihood of the best Gaussian fit of f(X) plus
E[log f'(X)] = -½ log(2πe Var f(X)) + ln α · E[m(X)] + const, invariant to
scaling f. Candidates are every cell edge on both sides; the sums over either
side of a candidate come from prefix sums over the cells, so one sweep over all
candidates of all pixels costs a few cumulative sums.
"""
import math

import numpy as np

LEVELS = 256


def level_cells(counts, cells_per_level):
    """Cell edges (C + 1, D) and masses (C, D) of pixel histograms (D, 256): S cells per level, each
    holding an equal share of its level's probability (x' is uniform within a level)."""
    d = counts.shape[0]
    mass = np.repeat(counts / counts.sum(1, keepdims=True), cells_per_level, 1) / cells_per_level
    C = LEVELS * cells_per_level
    return np.tile((np.arange(C + 1) / C)[:, None], (1, d)), mass.T.copy()


def value_cells(values, cells, pseudo=0.0, pad=0.25):
    """Cell edges and masses of continuous values (N, D): `cells` equal cells per column spanning the
    values' range widened by `pad` of it on each side, each holding its share of the rows (treated as
    uniform within the cell) plus `pseudo` rows spread evenly over all cells."""
    n, d = values.shape
    lo, hi = values.min(0), values.max(0)
    span = hi - lo
    edges = lo - pad * span + np.arange(cells + 1)[:, None] / cells * (1 + 2 * pad) * span
    idx = np.clip(((values - edges[0]) / (edges[-1] - edges[0]) * cells).astype(np.int64), 0, cells - 1)
    mass = np.zeros((cells, d))
    for j in range(d):
        mass[:, j] = np.bincount(idx[:, j], minlength=cells)
    mass += pseudo / cells
    return edges, mass / mass.sum(0)


class PixelKinks:
    """Kinks of every column of a piecewise-uniform density: cell edges (C + 1, D), cell masses (C, D)."""

    def __init__(self, edges, mass, slope):
        self.slope = slope
        self.ls = math.log(slope)
        d = mass.shape[1]
        self.d = d
        self.mass = mass                                   # (C, D) probability of each cell
        self.edges = edges                                 # (C + 1, D), increasing
        self.f = edges.copy()                              # f at every cell edge, increasing
        self.kinks = []                                    # (edge index (D,), side (D,), active (D,))
        cw = np.vstack([np.zeros((1, d)), np.cumsum(self.mass, 0)])
        self.below = cw                                    # mass below each edge (C + 1, D)

    def _moments(self):
        """Per cell: mass·E[f], mass·E[f²] of a uniform x in the cell (f linear there)."""
        a, b = self.f[:-1], self.f[1:]
        return self.mass * (a + b) / 2, self.mass * (a * a + a * b + b * b) / 3

    def _apply(self, edge, side, active, inverse=False):
        cols = np.arange(self.d)
        t = self.f[edge, cols]
        a = self.slope if not inverse else 1.0 / self.slope
        neg = (side * (self.f - t)) < 0
        self.f = np.where(neg & active, t + a * (self.f - t), self.f)

    def add(self, edge, side, active):
        self._apply(edge, side, active)
        self.kinks.append((edge.copy(), side.copy(), active.copy()))

    def remove(self, l):
        edge, side, active = self.kinks.pop(l)
        self._apply(edge, side, active, inverse=True)
        return edge, side, active

    def counts_below(self):
        """E[m(X)] per pixel under the current kinks."""
        cols = np.arange(self.d)
        m = np.zeros(self.d)
        for edge, side, active in self.kinks:
            below = self.below[edge, cols]
            m += np.where(active, np.where(side > 0, below, 1 - below), 0)
        return m

    def score(self):
        m1, m2 = self._moments()
        mean = m1.sum(0)
        var = np.maximum(m2.sum(0) - mean * mean, 1e-300)
        return -0.5 * np.log(2 * math.pi * math.e * var) + self.ls * self.counts_below()

    def best_addition(self):
        """Score of the best single added kink per pixel, with its (edge index, side)."""
        d = self.d
        cols = np.arange(d)
        mu = self._moments()[0].sum(0)
        self.f -= mu                                       # centred, for accurate second moments
        m1, m2 = self._moments()
        self.f += mu
        z = np.zeros((1, d))
        c1 = np.vstack([z, np.cumsum(m1, 0)])
        c2 = np.vstack([z, np.cumsum(m2, 0)])
        cw = self.below
        W, S1, S2 = cw[-1], c1[-1], c2[-1]
        t = self.f - mu                                    # (C + 1, D) candidate images
        base = self.counts_below()
        a = self.slope
        best = np.full(d, -np.inf)
        best_e = np.zeros(d, dtype=np.int64)
        best_s = np.ones(d)
        for side in (1.0, -1.0):
            if side > 0:
                wn, s1n, s2n = cw, c1, c2                  # negative side: the cells below the edge
            else:
                wn, s1n, s2n = W - cw, S1 - c1, S2 - c2
            wp, s1p, s2p = W - wn, S1 - s1n, S2 - s2n
            # values t + a (f − t) on the negative side
            n1 = s1p + a * s1n + (1 - a) * t * wn
            n2 = s2p + a * a * s2n + 2 * a * (1 - a) * t * s1n + (1 - a) ** 2 * t * t * wn
            var = np.maximum(n2 - n1 * n1, 1e-300)
            sc = -0.5 * np.log(2 * math.pi * math.e * var) + self.ls * (base + wn)
            k = np.argmax(sc, 0)
            s = sc[k, cols]
            better = s > best
            best = np.where(better, s, best)
            best_e = np.where(better, k, best_e)
            best_s = np.where(better, side, best_s)
        return best, best_e, best_s


def fit_kinks(edges, mass, slope, K, tol=1e-5, passes=20, log=None, min_gain=1e-3):
    """K kinks per column: greedy (best first), then coordinate descent until a pass gains < tol nats/column."""
    pk = PixelKinks(edges, mass, slope)
    for _ in range(K):
        cur = pk.score()
        s, e, side = pk.best_addition()
        pk.add(e, side, s > cur + min_gain)
    if log:
        log(f'greedy: {pk.score().mean():.4f} nats/pixel')
    for p in range(passes):
        before = pk.score()
        for _ in range(K):
            pk.remove(0)                                   # the oldest kink out, the best one back
            cur = pk.score()
            s, e, side = pk.best_addition()
            pk.add(e, side, s > cur + min_gain)
        after = pk.score()
        if log:
            log(f'pass {p + 1}: {after.mean():.4f} nats/pixel (+{(after - before).mean():.5f})')
        if (after - before).mean() < tol:
            break
    return pk


def to_layers(pk):
    """Diagonal layers (weight, bias per pixel) realizing pk's kinks, in pk.kinks order.

    Each layer puts its kink at the image of its threshold and scales its output to unit
    variance under the histogram; a slot a pixel does not use gets its kink below 0 (linear)."""
    d = pk.d
    cols = np.arange(d)
    g = pk.edges.copy()                                 # cell edges mapped through the layers so far
    increasing = np.ones(d, dtype=bool)
    layers = []
    for edge, side, active in pk.kinks:
        t = g[edge, cols]
        sign = np.where(increasing == (side > 0), 1.0, -1.0)
        low = np.minimum(g[0], g[-1])
        t_eff = np.where(active, t, low - 1.0)
        sign = np.where(active, sign, 1.0)
        pre = sign * (g - t_eff)
        out = np.where(pre < 0, pk.slope * pre, pre)
        a, b = out[:-1], out[1:]
        m1 = (pk.mass * (a + b) / 2).sum(0)
        m2 = (pk.mass * (a * a + a * b + b * b) / 3).sum(0)
        c = 1.0 / np.sqrt(m2 - m1 * m1)
        wt = c * sign
        bias = -wt * t_eff
        layers.append((wt, bias))
        pre = wt * g + bias
        g = np.where(pre < 0, pk.slope * pre, pre)
        increasing = increasing == (wt > 0)
    return layers


def level_counts(k, pseudo=0.0):
    """(D, 256) counts of each pixel level in the rows of k (pixel integers), plus pseudo per level."""
    d = k.shape[1]
    counts = np.full((d, LEVELS), float(pseudo))
    for j in range(d):
        counts[j] += np.bincount(k[:, j], minlength=LEVELS)
    return counts


def apply_layers(layers, x, slope):
    """x through the diagonal layers (weight, bias) and their LeakyReLU."""
    for wt, b in layers:
        pre = wt * x + b
        x = np.where(pre < 0, slope * pre, pre)
    return x


def cached_fit(k, slope, K, pseudo, cells_per_level, log=None):
    """to_layers(fit_kinks(level_counts(k, pseudo), ...)), kept in $FLOW_CACHE (if set) under a hash of the inputs."""
    import hashlib
    import os
    import pickle
    folder = os.environ.get('FLOW_CACHE')
    key = hashlib.sha256(k.tobytes() + repr((slope, K, pseudo, cells_per_level, 'cells-v1')).encode()).hexdigest()[:20]
    path = os.path.join(folder, f'kinks-{key}.pkl') if folder else None
    if path and os.path.exists(path):
        with open(path, 'rb') as f:
            return pickle.load(f)
    layers = to_layers(fit_kinks(*level_cells(level_counts(k, pseudo), cells_per_level), slope, K, log=log))
    if path:
        os.makedirs(folder, exist_ok=True)
        with open(path, 'wb') as f:
            pickle.dump(layers, f)
    return layers


def level_moments(layers, slope, cells_per_level):
    """(mean, variance) of f(x') over each pixel level, (256, D) each: exact for x' uniform in the level,
    f the diagonal layers' piecewise-linear map (its kinks on cell edges, S cells per level)."""
    C = LEVELS * cells_per_level
    d = len(layers[0][0])
    g = apply_layers(layers, np.tile((np.arange(C + 1) / C)[:, None], (1, d)), slope)
    a, b = g[:-1], g[1:]
    m1 = ((a + b) / 2).reshape(LEVELS, cells_per_level, d).mean(1)
    m2 = ((a * a + a * b + b * b) / 3).reshape(LEVELS, cells_per_level, d).mean(1)
    return m1, m2 - m1 * m1


def expected_features(layers, slope, cells_per_level, k):
    """E over the dequantization noise of the features of images k (pixel levels), and the mean
    within-level variance per pixel: the covariance of the features averaged over all noise draws
    is Cov(E[h]) + diag(E[Var h]) (each pixel's noise is independent of the others)."""
    m1, var = level_moments(layers, slope, cells_per_level)
    cols = np.arange(k.shape[1])[None, :]
    return m1[k, cols], var[k, cols].mean(0)

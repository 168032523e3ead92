"""Priors fitted on the latents of shifted training digits (data augmentation).

export_flow.js writes flowgen's Gaussianizing init (seed 0) and the data; this script
pushes the training digits and their 8 copies shifted by one pixel (dx, dy in
{-1, 0, 1}, zeros shifted in) through that fixed flow in float64 numpy, fits priors per
class on (a) the unshifted latents, two dequantization draws (the like-for-like
baseline, as prior_fit.py) and (b) the 9 shifted copies, one draw each (72,000 latents),
and prints the exact test bits/dim of every prior on the UNshifted test split
(latents.js's fixed dequantization draw) and on one unshifted training draw.
Bits/dim as in common.py: NLL(x') / (784 ln 2) + 8.

Priors per class a (mean mu_a of the fit set):
  diag         N(mu_a, diag sd_a^2)
  ppca k       sd_a-standardized latents, PPCA with k directions (prior_fit.py's lowrank)
  shrink l     N(mu_a, (1 - l) S_a + l diag S_a): full covariance shrunk toward its diagonal
  full s       N(mu_a, S_a + s I)
  sk<k> l      the shrink-l covariance's k leading eigen-directions + the diagonal keeping its variances
  mix<c> l     c k-means components per class, each shrink-l
Sets: orig, aug, aug4 (unshifted + the 4 axis shifts), hyb (aug's covariance about orig's mean),
deq<N> (AUG_DEQ=N). AUG_TABLE="set:prior:param,..." prints those rows instead of the default grid.

Samples: AUG_SAMPLES="set:prior:param,..." with set in {orig, aug}, e.g. "aug:ppca:50",
with set also deq<N> when AUG_DEQ=N (N dequantization draws of the unshifted digits,
the control that separates the shifts from the number of latents), and AUG_SEEDS="0" (default) writes 100 latents per class at T = 1 and 0.7 for each as
<tag>_z.f64 + <tag>_y.u8 (tag = set-prior-param-T-seed) for sample_latents.js.
AUG_ONLY=1 skips the table (samples only). Usage: /usr/bin/python3 aug_prior.py [dir]
"""
import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from flowdata import load  # noqa: E402

D = 784
d = sys.argv[1] if len(sys.argv) > 1 else os.environ.get('FLOW_DATA', '/tmp/gen2-flow')
data = load(d)
alpha, forward = data['alpha'], data['forward']


def bpd(nll):
    return nll / (D * math.log(2)) + 8


def shift(img, dx, dy):
    out = np.zeros_like(img)
    src = img.reshape(-1, 28, 28)
    dst = out.reshape(-1, 28, 28)
    ys, yd = (slice(0, 28 - dy), slice(dy, 28)) if dy >= 0 else (slice(-dy, 28), slice(0, 28 + dy))
    xs, xd = (slice(0, 28 - dx), slice(dx, 28)) if dx >= 0 else (slice(-dx, 28), slice(0, 28 + dx))
    dst[:, yd, xd] = src[:, ys, xs]
    return out


def dequantize(levels, rng):
    return (levels + rng.uniform(size=levels.shape)) / 256


train_y, levels, test_y = data['train_y'], data['levels'], data['test_y']
zt, nt = forward(data['test_x'])
ref = '/tmp/invertscope-flow/test_z.f64'
if os.path.exists(ref):
    zr = np.fromfile(ref).reshape(-1, D)
    print(f'check: max |z - latents.js z| on the test split = {np.abs(zt - zr).max():.2e}')

rng = np.random.default_rng(7)
z_check, n_check = forward(dequantize(levels, rng))  # one unshifted draw: the "train" column
z_b, _ = forward(dequantize(levels, rng))
sets = {'orig': (np.concatenate([z_check, z_b]), np.concatenate([train_y, train_y]))}
shifts = [(dx, dy) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dx, dy) != (0, 0)]
za, ya = [z_check], [train_y]
for dx, dy in shifts:
    za.append(forward(dequantize(shift(levels, dx, dy), rng))[0])
    ya.append(train_y)
sets['aug'] = (np.concatenate(za), np.concatenate(ya))
# aug4: the unshifted draw and the 4 copies shifted along one axis only (no diagonal shifts)
axis = [0] + [1 + i for i, (dx, dy) in enumerate(shifts) if dx == 0 or dy == 0]
sets['aug4'] = (np.concatenate([za[i] for i in axis]), np.concatenate([ya[i] for i in axis]))
del za, z_b
if os.environ.get('AUG_DEQ'):  # control: AUG_DEQ (e.g. 9) dequantization draws of the UNshifted digits
    n_draws = int(os.environ['AUG_DEQ'])
    sets[f'deq{n_draws}'] = (np.concatenate([z_check] + [forward(dequantize(levels, rng))[0] for _ in range(n_draws - 1)]), np.tile(train_y, n_draws))
# hyb: the covariance of the shifted latents (about their own mean) around the unshifted mean
means_orig = [sets['orig'][0][sets['orig'][1] == a].mean(0) for a in range(10)]


def fit(name, prior, param):
    """Per class (mean, covariance) of the prior fitted to set `name`."""
    zs, ys = sets['aug' if name == 'hyb' else name]
    out = []
    for a in range(10):
        za_ = zs[ys == a]
        if prior.startswith('mix'):
            out.append(fit_mixture(za_, int(prior[3:]), param, a))
            continue
        r = za_ - za_.mean(0)
        mu = means_orig[a] if name == 'hyb' else za_.mean(0)
        if prior == 'diag':
            cov = np.diag(r.var(0))
        elif prior == 'ppca':
            sd = r.std(0)
            u = r / sd
            w, v = np.linalg.eigh(u.T @ u / len(u))
            w, v = w[::-1], v[:, ::-1]
            k = int(param)
            noise = w[k:].mean()
            corr = (v[:, :k] * (w[:k] - noise)) @ v[:, :k].T + noise * np.eye(D)
            cov = corr * np.outer(sd, sd)
        elif prior.startswith('sk'):
            # 'sk<k>': the shrunk covariance's k leading eigen-directions plus the diagonal
            # that keeps its variances (diag + low rank, the form flowPrior.ts stores)
            s = r.T @ r / len(r)
            cov = (1 - param) * s + param * np.diag(np.diag(s))
            w, v = np.linalg.eigh(cov)
            f = v[:, ::-1][:, : int(prior[2:])] * np.sqrt(w[::-1][: int(prior[2:])])
            cov = f @ f.T + np.diag(np.diag(cov) - (f * f).sum(1))
        else:
            s = r.T @ r / len(r)
            cov = (1 - param) * s + param * np.diag(np.diag(s)) if prior == 'shrink' else s + param * np.eye(D)
        out.append((mu, cov))
    return out


def fit_mixture(za_, c, lam, a):
    """'mix<c>': c components per class from 20 rounds of k-means (seeded by the class),
    each N(m, (1 - lam) S + lam diag S) of its members, weighted by their share."""
    rng = np.random.default_rng(100 + a)
    centers = za_[rng.choice(len(za_), c, replace=False)]
    for _ in range(20):
        dist = (za_ * za_).sum(1)[:, None] - 2 * za_ @ centers.T + (centers * centers).sum(1)[None]
        lab = dist.argmin(1)
        centers = np.stack([za_[lab == j].mean(0) if (lab == j).any() else centers[j] for j in range(c)])
    comps = []
    for j in range(c):
        m = za_[lab == j]
        if len(m) < 2:
            continue
        r = m - m.mean(0)
        s = r.T @ r / len(r)
        comps.append((len(m) / len(za_), m.mean(0), (1 - lam) * s + lam * np.diag(np.diag(s))))
    return comps


def nll(z, y, fitted):
    if isinstance(fitted[0], list):
        res = np.empty(len(z))
        for a, comps in enumerate(fitted):
            m = y == a
            parts = []
            for w, mu, cov in comps:
                c = np.linalg.cholesky(cov)
                r = np.linalg.solve(c, (z[m] - mu).T)
                parts.append(math.log(w) - 0.5 * (r * r).sum(0) - np.log(np.diag(c)).sum() - 0.5 * D * math.log(2 * math.pi))
            parts = np.stack(parts)
            top = parts.max(0)
            res[m] = -(top + np.log(np.exp(parts - top).sum(0)))
        return res
    return nll_gauss(z, y, fitted)


def nll_gauss(z, y, fitted):
    res = np.empty(len(z))
    for a, (mu, cov) in enumerate(fitted):
        m = y == a
        c = np.linalg.cholesky(cov)
        r = np.linalg.solve(c, (z[m] - mu).T)
        res[m] = 0.5 * (r * r).sum(0) + np.log(np.diag(c)).sum() + 0.5 * D * math.log(2 * math.pi)
    return res


configs = [('diag', 0)] + [('ppca', k) for k in (5, 20, 50, 100, 200)] + [('shrink', l) for l in (0.05, 0.1, 0.2, 0.4, 0.6, 0.8)] + [('full', s) for s in (0.1, 0.3, 1.0)]
if os.environ.get('AUG_TABLE'):  # "set:prior:param,..." instead of every set × configs
    rows = [(t.split(':')[0], t.split(':')[1], float(t.split(':')[2])) for t in os.environ['AUG_TABLE'].split(',')]
else:
    rows = [(name, prior, param) for name in ('orig', 'aug') for prior, param in configs]
if not os.environ.get('AUG_ONLY'):
    for name, prior, param in rows:
        zs = sets['aug' if name == 'hyb' else name][0]
        if True:
            try:
                f = fit(name, prior, param)
                te = bpd((nll(zt, test_y, f) + nt).mean())
                tr = bpd((nll(z_check, train_y, f) + n_check).mean())
                print(f'{name} ({len(zs)} latents) {prior} {param}: train {tr:.4f}, test {te:.4f} bits/dim', flush=True)
            except np.linalg.LinAlgError as e:
                print(f'{name} {prior} {param}: {e}', flush=True)

spec = os.environ.get('AUG_SAMPLES')
if spec:
    seeds = [int(s) for s in os.environ.get('AUG_SEEDS', '0').split(',')]
    for item in spec.split(','):
        name, prior, param = item.split(':')
        f = fit(name, prior, float(param))
        for seed in seeds:
            for temp in (1.0, 0.7):
                rng = np.random.default_rng(seed)
                if isinstance(f[0], list):  # mixture: a component per sample by weight, then its Gaussian
                    rows = []
                    for comps in f:
                        pick = rng.choice(len(comps), 100, p=np.array([w for w, _, _ in comps]) / sum(w for w, _, _ in comps))
                        for i in pick:
                            rows.append(comps[i][1] + temp * (np.linalg.cholesky(comps[i][2]) @ rng.standard_normal(D)))
                    out = np.stack(rows)
                else:
                    out = np.concatenate([mu + temp * (rng.standard_normal((100, D)) @ np.linalg.cholesky(cov).T) for mu, cov in f])
                tag = f'{name}-{prior}-{param}-T{temp}-s{seed}'
                out.tofile(os.path.join(d, f'{tag}_z.f64'))
                np.repeat(np.arange(10, dtype=np.uint8), 100).tofile(os.path.join(d, f'{tag}_y.u8'))
                print(f'wrote {tag}', flush=True)

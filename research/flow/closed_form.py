"""Closed-form flows of the paper's family, evaluated without training (numpy, float64).

Every model here is a stack the project can hold: diagonal kink layers (LeakyReLU after
a per-pixel affine map), one dense whitening layer, optionally more diagonal kink
layers, and a learned prior per class. Their likelihood has a closed form, so the
test bits/dim (research/flow/common.py's definition, test split dequantized with
seed 12345) is computed directly, in seconds instead of a training run.

  outliers    why flow11's initialization scores 1.925: the test images with ink where
              no training digit has any, per pixel and per image; and the pseudo-count fix
  marginals   a kink fit (inits.kink_stage greedy on 17 boundaries, or kinkfit coordinate
              descent on S points per level) followed by the independent-pixel Gaussian
              and the LDA Gaussian (whitening + class means), train and test
  rounds      iterative Gaussianization: pixel kinks, whitening with the covariance
              averaged over the dequantization noise, kinks on the whitened values,
              optionally a third round; test bits/dim and samples (project classifier)

Usage (from research/flow, FLOW_DATA and FLOW_CACHE as for run.py):
  /usr/bin/python3 closed_form.py outliers
  /usr/bin/python3 closed_form.py marginals --fit descent --slope 0.5 --kinks 16 --pseudo 1 --cells 8 --ridge 0.1
  /usr/bin/python3 closed_form.py rounds --kinks 16 --round2 8 --samples
"""
import argparse
import math
import os
import time

import numpy as np
import torch

from common import D, DATA_DIR, bpd_from_nll, dequantize, load_split, nearest_distances, project_classifier, save_grid, test_noise
from inits import BOUNDARIES, kink_stage, pseudo_rows
from kinkfit import cached_fit, expected_features, fit_kinks, to_layers, value_cells

LOG2PI = math.log(2 * math.pi)


def leaky(v, a):
    return np.where(v < 0, a * v, v)


def through(layers, x, slope):
    """x through diagonal layers; returns (h, log|det J| per row)."""
    ld = np.zeros(len(x))
    for wt, b in layers:
        pre = wt * x + b
        ld += np.log(np.abs(wt)).sum() + math.log(slope) * (pre < 0).sum(1)
        x = leaky(pre, slope)
    return x, ld


def back(layers, h, slope):
    for wt, b in reversed(layers):
        h = (np.where(h < 0, h / slope, h) - b) / wt
    return h


def greedy_layers(xk, slope, K, pseudo, seed=0):
    """inits.init_marginal's kink layers (17 boundaries), on one dequantization draw plus pseudo rows."""
    h = dequantize(xk, np.random.default_rng(seed + 1000))
    w = None
    if pseudo > 0:
        h = np.concatenate([h, pseudo_rows(np.random.default_rng(seed + 2000))])
        w = np.concatenate([np.ones(len(xk)), np.full(len(h) - len(xk), pseudo)])
    bounds = np.tile(BOUNDARIES, (D, 1))
    layers = []
    for _ in range(K):
        wt, b, h, bounds, _ = kink_stage(h, bounds, slope, w)
        layers.append((wt, b))
    return layers


def gauss_nll(h, y, means, chol):
    r = np.linalg.solve(chol, (h - means[y]).T)
    return 0.5 * (r ** 2).sum(0) + np.log(np.diag(chol)).sum() + 0.5 * D * LOG2PI


def lda(h, y, ridge, extra_diag=None):
    means = np.stack([h[y == c].mean(0) for c in range(10)])
    res = h - means[y]
    cov = res.T @ res / len(h) + ridge * np.eye(D)
    if extra_diag is not None:
        cov += np.diag(extra_diag)
    return means, np.linalg.cholesky(cov)


def summary(name, tr, te):
    q = bpd_from_nll
    return f'{name}: train {q(tr.mean()):.3f} test {q(te.mean()):.3f} (test median {q(np.median(te)):.3f}, worst image {q(te.max()):.1f})'


def cmd_outliers(args):
    trk, try_, tek, tey = load_split()
    xtr, xte = dequantize(trk, np.random.default_rng(1000)), test_noise(tek)
    blank = (trk == 0).all(0)
    print(f'{blank.sum()} pixels are level 0 in all {len(trk)} training digits; '
          f'{(tek[:, blank] > 0).any(1).sum()} of the {len(tek)} test digits have ink in one of them')
    counts = np.ones((D, 256))
    for j in range(D):
        counts[j] += np.bincount(trk[:, j], minlength=256)
    p = counts / counts.sum(1, keepdims=True)
    hist_te = -np.log(256 * p[np.arange(D)[None, :], tek])
    for pseudo in (0.0, 1.0):
        layers = greedy_layers(trk, 0.2, 10, pseudo)
        htr, ldtr = through(layers, xtr, 0.2)
        hte, ldte = through(layers, xte, 0.2)
        mu, sd = htr.mean(0), htr.std(0)
        per_pixel = lambda h: 0.5 * ((h - mu) / sd) ** 2 + np.log(sd) + 0.5 * LOG2PI
        pix_te = per_pixel(hte)
        # per-pixel log-determinant of the kink layers (diagonal, so it splits by pixel)
        ldp = np.zeros_like(xte)
        g = xte
        for wt, b in layers:
            pre = wt * g + b
            ldp += np.log(np.abs(wt)) + math.log(0.2) * (pre < 0)
            g = leaky(pre, 0.2)
        pix_te = pix_te - ldp
        means, chol = lda(htr, try_, 0.1)
        tr, te = gauss_nll(htr, try_, means, chol) - ldtr, gauss_nll(hte, tey, means, chol) - ldte
        print(f'flow11 kink layers (greedy, α = 0.2, 10 layers), pseudo-count {pseudo}:')
        print('  ' + summary('independent pixels', per_pixel(htr).sum(1) - ldtr, pix_te.sum(1)))
        print('  ' + summary('whitening + class means (flow11 at init)', tr, te))
        order = np.argsort(-te)[:5]
        print(f'  worst test images: {", ".join(f"#{i} {bpd_from_nll(te[i]):.1f}" for i in order)} bits/dim; '
              f'mean without the worst 3: {bpd_from_nll(np.sort(te)[:-3].mean()):.3f}')
        gap = pix_te.mean(0) - hist_te.mean(0)
        rare = (trk == 0).mean(0) > 0.999
        print(f'  independent pixels vs add-one histograms on the test split: {gap.sum() / D / math.log(2):.3f} bits/dim worse, '
              f'{gap[rare].sum() / D / math.log(2):.3f} of it from the {rare.sum()} pixels blank in > 99.9% of training digits')


def cmd_marginals(args):
    trk, try_, tek, tey = load_split()
    xtr, xte = dequantize(trk, np.random.default_rng(1000)), test_noise(tek)
    t0 = time.time()
    if args.fit == 'greedy':
        layers = greedy_layers(trk, args.slope, args.kinks, args.pseudo)
    else:
        layers = cached_fit(trk, args.slope, args.kinks, args.pseudo, args.cells)
    fit_s = time.time() - t0
    htr, ldtr = through(layers, xtr, args.slope)
    hte, ldte = through(layers, xte, args.slope)
    fresh, ldf = through(layers, dequantize(trk, np.random.default_rng(4242)), args.slope)
    mu, sd = htr.mean(0), htr.std(0)
    indep = lambda h, ld: (0.5 * ((h - mu) / sd) ** 2 + np.log(sd) + 0.5 * LOG2PI).sum(1) - ld
    name = f'{args.fit} α={args.slope} K={args.kinks} pseudo={args.pseudo}' + (f' S={args.cells}' if args.fit == 'descent' else '')
    print(f'{name} ({fit_s:.0f} s):')
    print('  ' + summary('independent pixels', indep(htr, ldtr), indep(hte, ldte)))
    for cov in args.covariance.split(','):
        if cov == 'sample':
            means, chol = lda(htr, try_, args.ridge)
        else:
            mean_feats, noise = expected_features(layers, args.slope, args.cells, trk)
            means, chol = lda(mean_feats, try_, args.ridge, noise)
        te = gauss_nll(hte, tey, means, chol) - ldte
        tr = gauss_nll(htr, try_, means, chol) - ldtr
        fr = gauss_nll(fresh, try_, means, chol) - ldf
        print(f'  whitening ({cov} covariance, ridge {args.ridge}) + class means: train {bpd_from_nll(tr.mean()):.3f} '
              f'(a fresh dequantization of the training digits: {bpd_from_nll(fr.mean()):.3f}) test {bpd_from_nll(te.mean()):.3f} '
              f'(median {bpd_from_nll(np.median(te)):.3f}, worst image {bpd_from_nll(te.max()):.1f})')


def cmd_rounds(args):
    trk, try_, tek, tey = load_split()
    xte = test_noise(tek)
    a = args.slope
    layers = cached_fit(trk, a, args.kinks, args.pseudo, args.cells)
    mean_feats, noise = expected_features(layers, a, args.cells, trk)
    means, chol = lda(mean_feats, try_, args.ridge, noise)
    cinv = np.linalg.inv(chol)
    centre = mean_feats.mean(0)
    logdet_w = -np.log(np.diag(chol)).sum()

    def whiten(x):
        h, ld = through(layers, x, a)
        return (h - centre) @ cinv.T, ld + logdet_w

    draws = [whiten(dequantize(trk, np.random.default_rng(args.seed + 1000 + r))) for r in range(args.draws)]
    wtr = np.concatenate([d[0] for d in draws])
    ytr = np.tile(try_, args.draws)
    wte, ldte = whiten(xte)
    wfr, ldfr = whiten(dequantize(trk, np.random.default_rng(4242)))

    def prior(u, y):
        mu = np.stack([u[y == c].mean(0) for c in range(10)])
        return mu, np.stack([u[y == c].std(0) for c in range(10)])

    def nll(u, y, ld, mu, sd):
        return (0.5 * ((u - mu[y]) / sd[y]) ** 2 + np.log(sd[y])).sum(1) + 0.5 * D * LOG2PI - ld

    mu, sd = prior(wtr, ytr)
    print(f'round 1 (α = {a}, {args.kinks} pixel kinks, pseudo {args.pseudo}, S = {args.cells}) + whitening: '
          f'test {bpd_from_nll(nll(wte, tey, ldte, mu, sd).mean()):.4f}')
    r2 = to_layers(fit_kinks(*value_cells(wtr, args.cells2, 1.0), a, args.round2))
    utr, _ = through(r2, wtr, a)
    ute, l2te = through(r2, wte, a)
    ufr, l2fr = through(r2, wfr, a)
    mu, sd = prior(utr, ytr)
    te = nll(ute, tey, ldte + l2te, mu, sd)
    print(f'round 2 ({args.round2} kinks on the whitened values): test {bpd_from_nll(te.mean()):.4f} (median {bpd_from_nll(np.median(te)):.4f}), '
          f'training digits freshly dequantized {bpd_from_nll(nll(ufr, try_, ldfr + l2fr, mu, sd).mean()):.4f}')
    final, decode = (ute, ldte + l2te), lambda q: back(r2, q, a)
    if args.round3:
        perm = np.arange(D)[::-1]
        res = utr - mu[ytr]
        cov = res.T @ res / len(res) + 0.01 * np.eye(D)
        c3 = np.linalg.cholesky(cov[np.ix_(perm, perm)])
        w3 = np.zeros((D, D))
        w3[np.ix_(perm, perm)] = np.linalg.inv(c3)
        l3 = -np.log(np.diag(c3)).sum()
        c = utr.mean(0)
        vtr, vte = (utr - c) @ w3.T, (ute - c) @ w3.T
        r3 = to_layers(fit_kinks(*value_cells(vtr, args.cells2, 1.0), a, args.round3))
        qtr, _ = through(r3, vtr, a)
        qte, l3te = through(r3, vte, a)
        mu, sd = prior(qtr, ytr)
        te = nll(qte, tey, ldte + l2te + l3 + l3te, mu, sd)
        print(f'round 3 (whitening in reverse pixel order, {args.round3} kinks): test {bpd_from_nll(te.mean()):.4f}')
        w3i = np.linalg.inv(w3)
        decode = lambda q: back(r2, back(r3, q, a) @ w3i.T + c, a)
    if args.samples:
        judge = project_classifier()
        ref = np.fromfile(os.path.join(DATA_DIR, 'train_x.f32'), dtype='<f4').reshape(-1, D)
        labels = np.repeat(np.arange(10), 100)
        for seed in range(args.sample_seeds):
            rng = np.random.default_rng(seed)
            for t in (1.0, 0.7):
                q = mu[labels] + t * sd[labels] * rng.standard_normal((len(labels), D))
                x = back(layers, decode(q) @ chol.T + centre, a)
                x = np.clip(np.nan_to_num(x, nan=0.5), 0, 1)
                acc = (judge(torch.tensor(x)).argmax(1).numpy() == labels).mean()
                print(f'  samples, seed {seed}, T = {t}: {acc:.3f} read as asked, median nearest-digit distance {np.median(nearest_distances(x, ref)):.2f}')
                if seed == 0:
                    save_grid(x[np.concatenate([np.arange(k * 100, k * 100 + 10) for k in range(10)])],
                              os.path.join(DATA_DIR, f'rounds-k{args.kinks}-r{args.round2}-T{t}.png'))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='cmd', required=True)
    sub.add_parser('outliers')
    m = sub.add_parser('marginals')
    m.add_argument('--fit', choices=['greedy', 'descent'], default='descent')
    m.add_argument('--slope', type=float, default=0.2)
    m.add_argument('--kinks', type=int, default=10)
    m.add_argument('--pseudo', type=float, default=1.0)
    m.add_argument('--cells', type=int, default=8)
    m.add_argument('--ridge', type=float, default=0.1)
    m.add_argument('--covariance', default='sample', help="'sample', 'expected' or both, comma-separated")
    r = sub.add_parser('rounds')
    r.add_argument('--slope', type=float, default=0.5)
    r.add_argument('--kinks', type=int, default=16)
    r.add_argument('--round2', type=int, default=8)
    r.add_argument('--round3', type=int, default=0)
    r.add_argument('--pseudo', type=float, default=1.0)
    r.add_argument('--cells', type=int, default=8)
    r.add_argument('--cells2', type=int, default=512)
    r.add_argument('--draws', type=int, default=2)
    r.add_argument('--ridge', type=float, default=0.003)
    r.add_argument('--seed', type=int, default=0)
    r.add_argument('--samples', action='store_true')
    r.add_argument('--sample-seeds', type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(1)
    {'outliers': cmd_outliers, 'marginals': cmd_marginals, 'rounds': cmd_rounds}[args.cmd](args)


if __name__ == '__main__':
    main()

"""Test bits/dim of flowgen's Gaussianizing init under other priors on its latents.

latents.js writes z = f(x) and -log|det J| (float64) for two dequantization draws of
the training split and one of the test split. The flow is fixed; only the prior on z
changes, so every row is an exact density of the same family (square layers + a prior
per class) and the rows compare like with like:

  diagonal    the init's own N(mu_a, diag sigma_a^2) (what the preset trains and samples)
  tied        N(mu_a, Sigma): one full covariance for all classes
  lowrank     per class: sigma_a-standardized latents, PPCA with k directions
  full        N(mu_a, Sigma_a + s I): a full covariance per class plus s I (about 800
              training images per class in 784 dimensions: s = 0 is singular)

Bits/dim as in common.py: NLL(x') / (784 ln 2) + 8.
Usage: /usr/bin/python3 prior_fit.py [dir]
"""
import math
import os
import sys

import numpy as np

D = 784
d = sys.argv[1] if len(sys.argv) > 1 else os.environ.get('FLOW_DATA', '/tmp/invertscope-flow')


def load(name):
    z = np.fromfile(os.path.join(d, f'{name}_z.f64')).reshape(-1, D)
    nld = np.fromfile(os.path.join(d, f'{name}_nld.f64'))
    y = np.fromfile(os.path.join(d, f'{name}_y.u8'), dtype=np.uint8)
    return z, nld, y


def bpd(nll):
    return nll / (D * math.log(2)) + 8


def gauss_nll(z, mean, cov):
    c = np.linalg.cholesky(cov)
    r = np.linalg.solve(c, (z - mean).T)
    return 0.5 * (r * r).sum(0) + np.log(np.diag(c)).sum() + 0.5 * D * math.log(2 * math.pi)


draws = [load(n) for n in ('train_a', 'train_b') if os.path.exists(os.path.join(d, f'{n}_z.f64'))]
zt, nt, yt = load('test')
ztr, ntr, ytr = (np.concatenate([w[i] for w in draws]) for i in range(3))
print(f'{len(draws)} dequantization draw(s) of the training split')
mean = np.fromfile(os.path.join(d, 'prior_mean.f64')).reshape(10, D)
logstd = np.fromfile(os.path.join(d, 'prior_logstd.f64')).reshape(10, D)

diag = np.empty(len(zt))
for a in range(10):
    m = yt == a
    u = (zt[m] - mean[a]) / np.exp(logstd[a])
    diag[m] = 0.5 * (u * u).sum(1) + logstd[a].sum() + 0.5 * D * math.log(2 * math.pi)
print(f'diagonal (the init\'s own prior): test {bpd((diag + nt).mean()):.4f} bits/dim')

mu = np.stack([ztr[ytr == a].mean(0) for a in range(10)])
resid = ztr - mu[ytr]
tied = resid.T @ resid / len(ztr)
t_nll = np.empty(len(zt))
for a in range(10):
    m = yt == a
    t_nll[m] = gauss_nll(zt[m], mu[a], tied)
print(f'tied full covariance: test {bpd((t_nll + nt).mean()):.4f} bits/dim')

for s in (0.01, 0.03, 0.1, 0.3, 1.0):
    f_nll = np.empty(len(zt))
    tr_nll = np.empty(len(ztr))
    for a in range(10):
        r = ztr[ytr == a] - mu[a]
        cov = r.T @ r / len(r) + s * np.eye(D)
        m = yt == a
        f_nll[m] = gauss_nll(zt[m], mu[a], cov)
        mt = ytr == a
        tr_nll[mt] = gauss_nll(ztr[mt], mu[a], cov)
    print(f'full covariance per class, shrink {s}: train {bpd((tr_nll + ntr).mean()):.4f}, test {bpd((f_nll + nt).mean()):.4f} bits/dim')

# Low rank plus diagonal per class: latents standardized by the class's own sigma, then
# probabilistic PCA of their correlation (k leading directions kept, the rest isotropic).
sd = np.stack([ztr[ytr == a].std(0) for a in range(10)])
for k in (5, 20, 50, 100):
    l_nll = np.empty(len(zt))
    tr_nll = np.empty(len(ztr))
    for a in range(10):
        u = (ztr[ytr == a] - mu[a]) / sd[a]
        w, v = np.linalg.eigh(u.T @ u / len(u))
        w, v = w[::-1], v[:, ::-1]
        noise = w[k:].mean()
        corr = (v[:, :k] * (w[:k] - noise)) @ v[:, :k].T + noise * np.eye(D)
        cov = corr * np.outer(sd[a], sd[a])
        m = yt == a
        l_nll[m] = gauss_nll(zt[m], mu[a], cov)
        mt = ytr == a
        tr_nll[mt] = gauss_nll(ztr[mt], mu[a], cov)
    print(f'rank {k} + diagonal per class: train {bpd((tr_nll + ntr).mean()):.4f}, test {bpd((l_nll + nt).mean()):.4f} bits/dim')

# Samples of the rank-k prior for sample_latents.js: PRIOR_SAMPLES="k,T,seed" writes
# 100 latents per class to lowrank_z.f64 (labels lowrank_y.u8).
spec = os.environ.get('PRIOR_SAMPLES')
if spec:
    k, temp, seed = int(spec.split(',')[0]), float(spec.split(',')[1]), int(spec.split(',')[2])
    rng = np.random.default_rng(seed)
    zs, ys = [], []
    for a in range(10):
        u = (ztr[ytr == a] - mu[a]) / sd[a]
        w, v = np.linalg.eigh(u.T @ u / len(u))
        w, v = w[::-1], v[:, ::-1]
        noise = w[k:].mean()
        # V_k diag(w_k - noise) V_kᵀ + noise I, sampled as its two parts
        g = (rng.standard_normal((100, k)) * np.sqrt(w[:k] - noise)) @ v[:, :k].T + np.sqrt(noise) * rng.standard_normal((100, D))
        zs.append(mu[a] + temp * sd[a] * g)
        ys.append(np.full(100, a, dtype=np.uint8))
    np.concatenate(zs).tofile(os.path.join(d, 'lowrank_z.f64'))
    np.concatenate(ys).tofile(os.path.join(d, 'lowrank_y.u8'))
    print(f'wrote 1,000 samples of the rank-{k} prior at T = {temp}, seed {seed}')

"""A LU-parametrized LeakyReLU flow in PyTorch, its initializations and its metrics.

Network: h_0 = x' (dequantized pixels on [0,1]^784, no rescaling), then per layer
  a_l = h_{l-1} W_lᵀ + b_l,  W_l = P_l L_l U_l,  h_l = LeakyReLU_α(a_l) or a_l,
  L_l unit lower-triangular, U_l upper-triangular with diagonal sign_i·exp(s_i),
  P_l a fixed permutation. z = h_last.
log|det J| = Σ_l Σ_i s_li + ln α · #(negative pre-activations).
Priors: 'paper'  N(2a·1, I) (the paper's target);
        'class'  N(μ_a, diag σ_a²), μ_a and log σ_a learned per class.
The factors are applied to the batch one after the other (x·Uᵀ·Lᵀ, then the
permutation), which costs two batch products per layer and never assembles W.
"""
import math
import time

import numpy as np
import torch

from common import D, LN2, bpd_from_nll, classify, dequantize

LOG2PI = math.log(2 * math.pi)


class LUFlow(torch.nn.Module):
    def __init__(self, n, activations, slope, prior='paper', classes=10, ste_tau=0.0):
        super().__init__()
        # ste_tau > 0: the count of negative pre-activations keeps its exact value but takes the
        # gradient of Σ sigmoid(-a/τ), a stand-in for the boundary term the exact per-sample
        # gradient lacks (the count is piecewise constant in the parameters).
        self.ste_tau = ste_tau
        self.n, self.activations, self.slope, self.prior = n, list(activations), slope, prior
        L = len(activations)
        self.lower = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(n, n)) for _ in range(L)])
        self.upper = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(n, n)) for _ in range(L)])
        self.logdiag = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(n)) for _ in range(L)])
        self.bias = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(n)) for _ in range(L)])
        for l in range(L):
            self.register_buffer(f'sign{l}', torch.ones(n))
            self.register_buffer(f'perm{l}', torch.arange(n))
        self.register_buffer('tril_mask', torch.tril(torch.ones(n, n), -1))
        self.register_buffer('triu_mask', torch.triu(torch.ones(n, n), 1))
        if prior == 'class':
            self.prior_mean = torch.nn.Parameter(torch.zeros(classes, n))
            self.prior_logstd = torch.nn.Parameter(torch.zeros(classes, n))

    def factors(self, l):
        eye = torch.eye(self.n, dtype=self.lower[l].dtype, device=self.lower[l].device)
        lo = self.lower[l] * self.tril_mask + eye
        up = self.upper[l] * self.triu_mask + torch.diag(getattr(self, f'sign{l}') * torch.exp(self.logdiag[l]))
        return lo, up, getattr(self, f'perm{l}')

    @staticmethod
    def _assemble(lo, up, perm):
        # (P A)[i] = A[perm[i]] for P[i, perm[i]] = 1.
        return (lo @ up)[perm]

    def forward(self, x):
        """(z, logdet per sample, negative counts per layer)."""
        h = x
        logdet = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
        for l, act in enumerate(self.activations):
            lo, up, perm = self.factors(l)
            h = (h @ up.T @ lo.T)[:, perm] + self.bias[l]
            logdet = logdet + self.logdiag[l].sum()
            if act:
                neg = (h < 0)
                count = neg.sum(1).to(h.dtype)
                if self.ste_tau > 0 and self.training and torch.is_grad_enabled():
                    soft = torch.sigmoid(-h / self.ste_tau).sum(1)
                    count = count + soft - soft.detach()
                logdet = logdet + math.log(self.slope) * count
                h = torch.where(neg, h * self.slope, h)
        return h, logdet

    def prior_params(self, y):
        if self.prior == 'paper':
            mean = (2.0 * y.to(torch.float64)).to(self.bias[0].dtype)[:, None].expand(-1, self.n)
            return mean, torch.zeros_like(mean)
        return self.prior_mean[y], self.prior_logstd[y]

    def nll_parts(self, x, y):
        """Per sample [latent nll, -log|det J|] in nats (x in the network's input space)."""
        z, logdet = self.forward(x)
        mean, logstd = self.prior_params(y)
        latent = 0.5 * (((z - mean) * torch.exp(-logstd)) ** 2).sum(1) + logstd.sum(1) + 0.5 * self.n * LOG2PI
        return latent, -logdet

    @torch.no_grad()
    def inverse(self, z):
        """x from z in float64 (two triangular solves per layer)."""
        h = z.to(torch.float64)
        for l in reversed(range(len(self.activations))):
            if self.activations[l]:
                h = torch.where(h < 0, h / self.slope, h)
            lo, up, perm = [t.to(torch.float64) if t.is_floating_point() else t for t in self.factors(l)]
            v = h - self.bias[l].to(torch.float64)
            inv = torch.empty_like(perm)
            inv[perm] = torch.arange(self.n)
            # a = u Pᵀ with u = x Uᵀ Lᵀ  ->  u = a P, i.e. u[:, perm[i]] = a[:, i]
            u = torch.empty_like(v)
            u[:, perm] = v
            w = torch.linalg.solve_triangular(lo, u.T, upper=False, unitriangular=True)
            h = torch.linalg.solve_triangular(up, w, upper=True).T
        return h

    def sample_latent(self, labels, temperature, gen):
        labels = torch.as_tensor(labels)
        mean, logstd = self.prior_params(labels)
        eps = torch.randn(mean.shape, generator=gen, dtype=torch.float64)
        return mean.detach().to(torch.float64) + temperature * torch.exp(logstd.detach().to(torch.float64)) * eps

    def conditions(self):
        """κ₂ of every assembled W (float64 SVD)."""
        out = []
        with torch.no_grad():
            for l in range(len(self.activations)):
                lo, up, perm = self.factors(l)
                s = torch.linalg.svdvals(self._assemble(lo.double(), up.double(), perm))
                out.append(float(s[0] / s[-1]))
        return out


def set_layer(model, l, w, b):
    """Sets layer l to the dense matrix w (float64 numpy) via LU with partial pivoting."""
    wt = torch.tensor(w, dtype=torch.float64)
    lu, piv = torch.linalg.lu_factor(wt)
    P, lo, up = torch.lu_unpack(lu, piv)
    perm = P.argmax(1)  # P[i, perm[i]] = 1, wt = P lo up
    d = torch.diagonal(up)
    with torch.no_grad():
        model.lower[l].copy_(torch.tril(lo, -1).float())
        model.upper[l].copy_(torch.triu(up, 1).float())
        model.logdiag[l].copy_(torch.log(d.abs()).float())
        getattr(model, f'sign{l}').copy_(torch.sign(d).float())
        getattr(model, f'perm{l}').copy_(perm)
        model.bias[l].copy_(torch.tensor(b, dtype=torch.float32))


def set_diagonal(model, l, scale, b):
    with torch.no_grad():
        model.lower[l].zero_()
        model.upper[l].zero_()
        model.logdiag[l].copy_(torch.tensor(np.log(np.abs(scale)), dtype=torch.float32))
        getattr(model, f'sign{l}').copy_(torch.tensor(np.sign(scale), dtype=torch.float32))
        getattr(model, f'perm{l}').copy_(torch.arange(model.n))
        model.bias[l].copy_(torch.tensor(b, dtype=torch.float32))


@torch.no_grad()
def evaluate(model, x, y, batch=1000):
    """Mean [latent, -logdet] in nats and bits/dim, float64."""
    m64 = model.double()
    tot = np.zeros(2)
    for i in range(0, len(x), batch):
        lat, nld = m64.nll_parts(torch.tensor(x[i:i + batch], dtype=torch.float64), torch.tensor(y[i:i + batch]))
        tot += [lat.sum().item(), nld.sum().item()]
    model.float()
    tot /= len(x)
    return tot, bpd_from_nll(tot.sum())


@torch.no_grad()
def sample_accuracy(model, reader, temperatures=(1.0, 0.7, 0.5), per_class=100, seed=0):
    g = torch.Generator().manual_seed(seed)
    labels = np.repeat(np.arange(10), per_class)
    acc, grids = {}, {}
    for t in temperatures:
        z = model.sample_latent(labels, t, g)
        x = model.inverse(z).numpy()
        bad = ~np.isfinite(x).all(1)
        x[bad] = 0
        pred = classify(reader, x)
        acc[t] = float((pred == labels).mean())
        grids[t] = x[np.concatenate([np.arange(c * per_class, c * per_class + 10) for c in range(10)])]
    return acc, grids


def train(model, xk, y, test_x, test_y, epochs, lr, batch=128, seed=0, warmup=200, log=print, clip=None,
          schedule='cosine', eval_every=1):
    """Adam on fresh dequantization noise each epoch; returns history of test bpd."""
    gen = np.random.default_rng(seed)
    tg = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps = epochs * math.ceil(len(xk) / batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup) * (
        0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)) if schedule == 'cosine' else 1.0))
    hist = []
    t0 = time.time()
    for ep in range(epochs):
        x = dequantize(xk, gen).astype(np.float32)
        perm = torch.randperm(len(x), generator=tg).numpy()
        tot, cnt = 0.0, 0
        for i in range(0, len(x), batch):
            b = perm[i:i + batch]
            lat, nld = model.nll_parts(torch.from_numpy(x[b]), torch.from_numpy(y[b]))
            loss = (lat + nld).mean()
            if not torch.isfinite(loss):
                log(f'epoch {ep + 1}: non-finite loss, stopping')
                return hist
            opt.zero_grad()
            loss.backward()
            if clip:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            sched.step()
            tot += loss.item() * len(b)
            cnt += len(b)
        if (ep + 1) % eval_every == 0 or ep + 1 == epochs:
            parts, bpd = evaluate(model, test_x, test_y)
            hist.append(bpd)
            log(f'epoch {ep + 1:3d} train {bpd_from_nll(tot / cnt):7.3f} test {bpd:7.3f} bits/dim '
                f'[latent {parts[0]:9.1f}, -logdet {parts[1]:9.1f}] {time.time() - t0:6.0f} s')
    return hist

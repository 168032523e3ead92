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

from common import D, LN2, bpd_from_nll, classify, dequantize, nearest_distances

LOG2PI = math.log(2 * math.pi)


class LUFlow(torch.nn.Module):
    def __init__(self, n, activations, slope, prior='paper', classes=10, ste_tau=0.0, diagonal=(), ste_tau_layers=None):
        super().__init__()
        # ste_tau_layers: {layer: τ} overriding ste_tau for those layers (e.g. the kink layers).
        self.ste_tau_layers = dict(ste_tau_layers or {})
        # Layers in `diagonal` keep W diagonal while training (an elementwise affine map,
        # W = diag(sign·exp(s))): only their log-diagonal and bias are parameters.
        self.diagonal = set(diagonal)
        # ste_tau > 0: the count of negative pre-activations keeps its exact value but takes the
        # gradient of Σ sigmoid(-a/τ), a stand-in for the boundary term the exact per-sample
        # gradient lacks (the count is piecewise constant in the parameters).
        self.ste_tau = ste_tau
        self.n, self.activations, self.slope, self.prior = n, list(activations), slope, prior
        L = len(activations)
        size = lambda l: (0, 0) if l in self.diagonal else (n, n)
        self.lower = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(size(l))) for l in range(L)])
        self.upper = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(size(l))) for l in range(L)])
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
        if l in self.diagonal:
            d = getattr(self, f'sign{l}') * torch.exp(self.logdiag[l])
            return torch.eye(self.n, dtype=d.dtype, device=d.device), torch.diag(d), getattr(self, f'perm{l}')
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
            if l in self.diagonal:
                h = h * (getattr(self, f'sign{l}') * torch.exp(self.logdiag[l])) + self.bias[l]
            else:
                lo, up, perm = self.factors(l)
                h = (h @ up.T @ lo.T)[:, perm] + self.bias[l]
            logdet = logdet + self.logdiag[l].sum()
            if act:
                neg = (h < 0)
                count = neg.sum(1).to(h.dtype)
                tau = self.ste_tau_layers.get(l, self.ste_tau)
                if tau > 0 and self.training and torch.is_grad_enabled():
                    soft = torch.sigmoid(-h / tau).sum(1)
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
            v = h - self.bias[l].to(torch.float64)
            if l in self.diagonal:
                h = v / (getattr(self, f'sign{l}') * torch.exp(self.logdiag[l])).to(torch.float64)
                continue
            lo, up, perm = [t.to(torch.float64) if t.is_floating_point() else t for t in self.factors(l)]
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
    assert l not in model.diagonal, f'layer {l} is diagonal'
    with torch.no_grad():
        model.lower[l].copy_(torch.tril(lo, -1).float())
        model.upper[l].copy_(torch.triu(up, 1).float())
        model.logdiag[l].copy_(torch.log(d.abs()).float())
        getattr(model, f'sign{l}').copy_(torch.sign(d).float())
        getattr(model, f'perm{l}').copy_(perm)
        model.bias[l].copy_(torch.tensor(b, dtype=torch.float32))


def set_diagonal(model, l, scale, b):
    with torch.no_grad():
        if l not in model.diagonal:
            model.lower[l].zero_()
            model.upper[l].zero_()
        model.logdiag[l].copy_(torch.tensor(np.log(np.abs(scale)), dtype=torch.float32))
        getattr(model, f'sign{l}').copy_(torch.tensor(np.sign(scale), dtype=torch.float32))
        getattr(model, f'perm{l}').copy_(torch.arange(model.n))
        model.bias[l].copy_(torch.tensor(b, dtype=torch.float32))


@torch.no_grad()
def image_nll(model, x, y, batch=1000):
    """Per-image [latent, -logdet] in nats, float64 (x already dequantized)."""
    m64 = model.double()
    out = []
    for i in range(0, len(x), batch):
        lat, nld = m64.nll_parts(torch.tensor(x[i:i + batch], dtype=torch.float64), torch.tensor(y[i:i + batch]))
        out.append(torch.stack([lat, nld], 1).numpy())
    model.float()
    return np.concatenate(out)


def evaluate(model, x, y, batch=1000):
    """Mean [latent, -logdet] in nats and bits/dim, float64."""
    tot = image_nll(model, x, y, batch).mean(0)
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


@torch.no_grad()
def sample_quality(model, judge, reference, temperatures=(1.0, 0.7), per_class=100, seed=0):
    """Per temperature: share of samples the judge (project_classifier) reads as the asked digit,
    and the median distance of the displayed samples (clamped to [0, 1], NaN as 0.5, as the
    analysis shows them) to their nearest reference digit; plus 10 samples per digit for a grid."""
    g = torch.Generator().manual_seed(seed)
    labels = np.repeat(np.arange(10), per_class)
    out = {}
    for t in temperatures:
        x = model.inverse(model.sample_latent(labels, t, g)).numpy()
        x = np.clip(np.where(np.isfinite(x), x, 0.5), 0, 1)
        acc = float((judge(torch.tensor(x)).argmax(1).numpy() == labels).mean())
        dist = float(np.median(nearest_distances(x, reference)))
        grid = x[np.concatenate([np.arange(c * per_class, c * per_class + 10) for c in range(10)])]
        out[t] = (acc, dist, grid)
    return out


def shifted(k, max_shift, rng):
    """Each image (rows of 784 pixel levels) moved by its own random integer offset in
    −max_shift..max_shift along x and y, the pixels that enter filled with level 0."""
    if max_shift <= 0:
        return k
    img = k.reshape(-1, 28, 28)
    out = np.zeros_like(img)
    dx = rng.integers(-max_shift, max_shift + 1, len(k))
    dy = rng.integers(-max_shift, max_shift + 1, len(k))
    for a in range(-max_shift, max_shift + 1):
        for b in range(-max_shift, max_shift + 1):
            rows = np.where((dy == a) & (dx == b))[0]
            if len(rows) == 0:
                continue
            src = img[rows]
            dst = np.zeros_like(src)
            dst[:, max(a, 0):28 + min(a, 0), max(b, 0):28 + min(b, 0)] = src[:, max(-a, 0):28 + min(-a, 0), max(-b, 0):28 + min(-b, 0)]
            out[rows] = dst
    return out.reshape(len(k), -1)


def train(model, xk, y, test_x, test_y, epochs, lr, batch=128, seed=0, warmup=200, log=print, clip=None,
          schedule='cosine', eval_every=1, val=None, monitor=None, shift=0, param_groups=None, early_stop=True):
    """Adam on fresh dequantization noise each epoch (and fresh shifts when shift > 0).

    val = (x', y): a validation split (dequantized once); with early_stop the model ends at the
    epoch of best validation bits/dim. monitor = (x', y): training images evaluated every epoch
    with fixed noise (the train side of the generalization gap). Returns one dict per epoch."""
    gen = np.random.default_rng(seed)
    tg = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(param_groups if param_groups is not None else model.parameters(), lr=lr)
    steps = epochs * math.ceil(len(xk) / batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup) * (
        0.5 * (1 + math.cos(math.pi * min(s, steps) / steps)) if schedule == 'cosine' else 1.0))
    hist = []
    best = (math.inf, None, 0)
    t0 = time.time()
    for ep in range(epochs):
        x = dequantize(shifted(xk, shift, gen), gen).astype(np.float32)
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
            rec = {'epoch': ep + 1, 'train_running': bpd_from_nll(tot / cnt), 'seconds': time.time() - t0}
            te = image_nll(model, test_x, test_y).sum(1)
            rec['test'] = bpd_from_nll(te.mean())
            rec['test_median'] = bpd_from_nll(np.median(te))
            if monitor is not None:
                rec['train_fixed'] = bpd_from_nll(image_nll(model, *monitor).sum(1).mean())
            if val is not None:
                rec['val'] = bpd_from_nll(image_nll(model, *val).sum(1).mean())
                if rec['val'] < best[0]:
                    best = (rec['val'], {k: v.detach().clone() for k, v in model.state_dict().items()}, ep + 1)
            hist.append(rec)
            log(' '.join(f'{k} {v:.3f}' if isinstance(v, float) else f'{k} {v}' for k, v in rec.items()), flush=True)
    if val is not None and early_stop and best[1] is not None:
        model.load_state_dict(best[1])
        log(f'early stopping: best validation {best[0]:.3f} at epoch {best[2]}')
    return hist

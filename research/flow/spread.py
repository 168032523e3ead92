"""Does a prior that knows where to be uncertain make flowgen's samples less speckled?
innovations.py found that neighbouring innovations u = L_a^-1 (z - mu_a) share their spread,
which flowgen's prior (independent N(0, 1) innovations) cannot say. This draws the innovations
v of 100 samples per digit (numpy seed SEED) in turn, keeps flowgen's mean and covariance
(z = mu_a + L_a v, T = 1) and writes each set as <tag>_z.f64 + <tag>_y.u8 for
sample_latents.js, which inverts them through flowgen's start and scores them as `analyze` does
(six ways, then):

  gauss        v ~ N(0, I): flowgen's own prior.
  shuffled     v_j from the same coordinate of a random training digit of the class, each j from
               another digit: the innovations' marginals (their kurtosis) kept, their
               dependence dropped.
  spread-copy  v = g * s, g ~ N(0, I) and s_j^2 the mean of u^2 over the 3x3 pixels around j
               of one training digit of the class: where that digit's innovations were large,
               the sample's are. A diagnostic (the spread comes from a training digit), not
               a generator.
  spread-perm  the same s with its coordinates permuted at random: the same spreads, none of
               their arrangement (the control for spread-copy).
  spread-signs v = |u| * random signs, u the innovations of one training digit of the class:
               every magnitude of a real digit kept exactly, only the signs drawn (the most a
               prior that models spreads alone could know).
  spread-model v = g * s with log s^2 drawn from a Gaussian per class fitted to the training
               digits' log s^2 fields (mean and RANK principal components): a generator whose
               spread is its own, a scale mixture outside the paper's family of networks.

Every s is rescaled so that E[v_j^2] matches the training innovations' mean u_j^2 per class.
Usage: /usr/bin/python3 research/flow/spread.py /tmp/r3flow, then
node research/flow/sample_latents.js /tmp/r3flow spread-gauss spread-shuffled spread-copy spread-perm spread-signs spread-model
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from flowdata import D, class_prior, innovations, load  # noqa: E402

SIDE, PER_CLASS = 28, 100
SEED = int(os.environ.get('SEED', '0'))
RANK = int(os.environ.get('RANK', '20'))
d = sys.argv[1] if len(sys.argv) > 1 else '/tmp/r3flow'
data = load(d)
prior = class_prior(data)
train_y = data['train_y']
# One dequantization draw of the training digits, apart from the 27 the prior was fitted to.
draw = np.random.default_rng(11)
u_train = innovations(prior, data['forward']((data['levels'] + draw.uniform(size=data['levels'].shape)) / 256)[0], train_y)


def local_spread(u):
    """s^2: the mean of u^2 over each coordinate's 3x3 neighbourhood on the 28x28 grid (fewer at the border)."""
    sq = (u * u).reshape(-1, SIDE, SIDE)
    total = np.zeros_like(sq)
    count = np.zeros((SIDE, SIDE))
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            rows = slice(max(0, di), SIDE + min(0, di))
            cols = slice(max(0, dj), SIDE + min(0, dj))
            from_rows = slice(max(0, -di), SIDE + min(0, -di))
            from_cols = slice(max(0, -dj), SIDE + min(0, -dj))
            total[:, rows, cols] += sq[:, from_rows, from_cols]
            count[rows, cols] += 1
    return (total / count).reshape(-1, D)


spread_train = local_spread(u_train)
log_spread = np.log(spread_train + 1e-6)
rng = np.random.default_rng(SEED)
labels = np.repeat(np.arange(10), PER_CLASS).astype(np.uint8)
sets = {name: np.zeros((len(labels), D)) for name in ('gauss', 'shuffled', 'spread-copy', 'spread-perm', 'spread-signs', 'spread-model')}
for a in range(10):
    rows = np.flatnonzero(train_y == a)
    out = np.flatnonzero(labels == a)
    target = (u_train[rows] ** 2).mean(0)

    def matched(s2):
        """g * s with s^2 rescaled per coordinate so that E[v_j^2] is the class's mean u_j^2."""
        s2 = s2 * (target / s2.mean(0))
        return rng.standard_normal(s2.shape) * np.sqrt(s2)

    sets['gauss'][out] = rng.standard_normal((PER_CLASS, D))
    sets['shuffled'][out] = u_train[rows[rng.integers(len(rows), size=(PER_CLASS, D))], np.arange(D)]
    copied = spread_train[rows[rng.integers(len(rows), size=PER_CLASS)]]
    sets['spread-copy'][out] = matched(copied)
    sets['spread-perm'][out] = matched(np.stack([c[rng.permutation(D)] for c in copied]))
    signs = rng.choice([-1.0, 1.0], size=(PER_CLASS, D))
    sets['spread-signs'][out] = np.abs(u_train[rows[rng.integers(len(rows), size=PER_CLASS)]]) * signs
    mean = log_spread[rows].mean(0)
    _, sv, vt = np.linalg.svd(log_spread[rows] - mean, full_matrices=False)
    scale = sv[:RANK] / np.sqrt(len(rows))
    fields = mean + (rng.standard_normal((PER_CLASS, RANK)) * scale) @ vt[:RANK]
    sets['spread-model'][out] = matched(np.exp(fields))

corr = lambda v: np.corrcoef((v[:, :-1] ** 2).ravel(), (v[:, 1:] ** 2).ravel())[0, 1]  # noqa: E731
print(f'training innovations: corr(u_j^2, u_j+1^2) {corr(u_train):.3f}')
for name, v in sets.items():
    z = np.stack([prior[a][0] + prior[a][1] @ v[i] for i, a in enumerate(labels)])
    tag = f'spread-{name}' if not name.startswith('spread') else name
    z.astype(np.float64).tofile(os.path.join(d, f'{tag}_z.f64'))
    labels.tofile(os.path.join(d, f'{tag}_y.u8'))
    print(f'{tag}: corr(v_j^2, v_j+1^2) {corr(v):.3f}, sd {v.std():.3f}; wrote {tag}_z.f64', flush=True)

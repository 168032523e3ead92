"""Are the prior's innovations what the model says they are? flowgen's start (export_flow.js's
files), its full-covariance prior per class (27 dequantization draws, shrunk 5% toward the
diagonal, as round3.py fits it), and the test digits' innovations u = L_a^-1 (z - mu_a), which
the model takes to be independent N(0, 1) in every coordinate. Prints, pooled over the 2,000
test digits and 784 coordinates: the excess kurtosis of u (0 for a Gaussian), the share of
|u| > 4 (6.3e-5 for a Gaussian), and the correlation of u_j^2 with u_(j+1)^2 and u_(j+28)^2
(the next pixel in the row and the pixel below, in the whitening's raster order; 0 when the
spreads are independent), each next to the same for standard normal draws of the same shape.
Usage: /usr/bin/python3 research/flow/innovations.py /tmp/r3flow
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from flowdata import class_prior, innovations, load  # noqa: E402

data = load(sys.argv[1] if len(sys.argv) > 1 else '/tmp/r3flow')
u = innovations(class_prior(data), data['forward'](data['test_x'])[0], data['test_y'])


def report(name, v):
    x = v.ravel()
    kurt = ((x - x.mean()) ** 4).mean() / x.var() ** 2 - 3
    sq = v * v
    near = [np.corrcoef(sq[:, :-k].ravel(), sq[:, k:].ravel())[0, 1] for k in (1, 28)]
    print(f'{name}: sd {x.std():.3f}, excess kurtosis {kurt:.2f}, share |u| > 4 {np.mean(np.abs(x) > 4):.2e}, '
          f'corr(u_j^2, u_j+1^2) {near[0]:.3f}, corr(u_j^2, u_j+28^2) {near[1]:.3f}')


report('test innovations', u)
report('standard normal, same shape', np.random.default_rng(0).standard_normal(u.shape))

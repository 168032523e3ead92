#!/usr/bin/python3
"""Writes the reference fixtures for the linear algebra tests into test/fixtures/linalg/.

Every matrix is made from one seeded numpy generator, so running this again writes the
same bytes (on the same numpy and LAPACK). The reference values come from numpy, whose
linear algebra is LAPACK: singular values from np.linalg.svd (dgesdd), log|det| from
np.linalg.slogdet (dgetrf), solutions from np.linalg.solve (dgesv).

Files, all raw little-endian and row-major:
  <name>.matrix.f64 / .matrix.f32  the n×n matrix (float32 for the PyTorch-like layer,
                                   as PyTorch stores it; the tests widen it to float64)
  <name>.sigma.f64                 numpy's singular values, descending
  <name>.design-sigma.f64          the singular values the matrix was built with
                                   (U·diag(s)·Vᵀ fixtures only; the stored matrix is
                                   that product rounded to float64)
  <name>.rhs.f64                   Y (count × n): row i is W·xᵢ for the xᵢ in .x-true.f64
  <name>.x-true.f64                the xᵢ (standard normal)
  <name>.x-numpy.f64               numpy's solution of W·x = yᵢ for every row
index.json lists them with n, slogdet, numpy's κ₂ and a description.

Run with Debian's numpy: /usr/bin/python3 scripts/make-linalg-fixtures.py
"""
import json
import os

import numpy as np

SEED = 20240611
SOLVE_COUNT = 3
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'linalg')

rng = np.random.default_rng(SEED)


def haar_orthogonal(n):
    """A random orthogonal matrix (Haar measure): QR of a Gaussian matrix with R's signs fixed."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def with_singular_values(s):
    n = len(s)
    return (haar_orthogonal(n) * s) @ haar_orthogonal(n).T


def pytorch_like(n):
    """nn.Linear's default initialization: uniform(±1/√fan_in), stored in float32."""
    bound = 1 / np.sqrt(n)
    return rng.uniform(-bound, bound, (n, n)).astype(np.float32)


def nearly_singular(n):
    """Gaussian entries, the last column a combination of two others plus a 1e-12 perturbation."""
    a = rng.standard_normal((n, n)) / np.sqrt(n)
    a[:, -1] = a[:, 0] - 2 * a[:, 1] + 1e-12 * rng.standard_normal(n)
    return a


def graded(n):
    """D·G·D with D = diag(10^(−4i/(n−1))): entries fall from about 1 to 1e-8 across the matrix."""
    d = 10.0 ** (-4 * np.arange(n) / (n - 1))
    return d[:, None] * rng.standard_normal((n, n)) * d[None, :]


def bidiagonal(n):
    """Upper bidiagonal with entries falling from 1 to about 1e-31: its singular values are
    determined to high relative accuracy by its entries, and LAPACK computes them so
    (the bidiagonalization leaves it unchanged and dqds follows)."""
    a = np.zeros((n, n))
    scale = 10.0 ** (-np.arange(n) / 2)
    a[np.arange(n), np.arange(n)] = scale * rng.uniform(0.5, 1.5, n)
    a[np.arange(n - 1), np.arange(1, n)] = scale[:-1] * rng.uniform(0.1, 1.0, n - 1)
    return a


def write(name, suffix, array, dtype=np.float64):
    file = f'{name}.{suffix}'
    np.ascontiguousarray(array, dtype=np.dtype(dtype).newbyteorder('<')).tofile(os.path.join(OUT, file))
    return file


def fixture(name, description, matrix, design=None):
    n = matrix.shape[0]
    stored_dtype = np.float32 if matrix.dtype == np.float32 else np.float64
    w = matrix.astype(np.float64)
    sigma = np.linalg.svd(w, compute_uv=False)
    sign, logabsdet = np.linalg.slogdet(w)
    x_true = rng.standard_normal((SOLVE_COUNT, n))
    rhs = x_true @ w.T
    x_numpy = np.linalg.solve(w, rhs.T).T
    entry = {
        'name': name,
        'n': n,
        'description': description,
        'matrix': write(name, 'matrix.f32' if stored_dtype == np.float32 else 'matrix.f64', matrix, stored_dtype),
        'matrixType': 'float32' if stored_dtype == np.float32 else 'float64',
        'sigma': write(name, 'sigma.f64', sigma),
        'cond': float(sigma[0] / sigma[-1]),
        'slogdet': {'sign': float(sign), 'logAbsDet': float(logabsdet)},
        'solve': {
            'count': SOLVE_COUNT,
            'rhs': write(name, 'rhs.f64', rhs),
            'xTrue': write(name, 'x-true.f64', x_true),
            'xNumpy': write(name, 'x-numpy.f64', x_numpy),
        },
    }
    if design is not None:
        entry['designSigma'] = write(name, 'design-sigma.f64', np.sort(design)[::-1])
    return entry


def main():
    os.makedirs(OUT, exist_ok=True)
    entries = [fixture('random784', "784×784 uniform(±1/28) in float32, PyTorch's nn.Linear initialization",
                       pytorch_like(784))]
    for n, exponent in ((200, 2), (200, 4), (300, 8)):
        s = np.logspace(0, -exponent, n)
        entries.append(fixture(f'cond1e{exponent}', f'{n}×{n} U·diag(s)·Vᵀ, s log-spaced from 1 to 1e-{exponent}',
                               with_singular_values(s), design=s))
    entries.append(fixture('nearly-singular', '100×100 Gaussian/√n whose last column is c0 − 2·c1 + 1e-12·noise',
                           nearly_singular(100)))
    entries.append(fixture('graded', '100×100 D·G·D, D = diag(10^(−4i/99)), G Gaussian', graded(100)))
    entries.append(fixture('bidiagonal', '64×64 upper bidiagonal, entries falling from 1 to 1e-31', bidiagonal(64)))
    index = {
        'generator': 'scripts/make-linalg-fixtures.py',
        'numpy': np.__version__,
        'seed': SEED,
        'layout': 'raw little-endian, row-major; .f64 float64, .f32 float32',
        'fixtures': entries,
    }
    with open(os.path.join(OUT, 'index.json'), 'w') as f:
        json.dump(index, f, indent=2, ensure_ascii=False)
        f.write('\n')
    for e in entries:
        print(f"{e['name']:16} n={e['n']:4}  cond={e['cond']:.3e}  logAbsDet={e['slogdet']['logAbsDet']:.6f}")


if __name__ == '__main__':
    main()

"""Reads samples written by train_ts.js (1000 × 784 float32, 100 per digit in
order) and reports how often the research reader (common.train_classifier)
reads the requested digit, per temperature; writes a PNG grid of each.
Usage: /usr/bin/python3 research/flow/classify_samples.py <name>"""
import os
import sys

import numpy as np

from common import DATA_DIR, classify, load_split, save_grid, train_classifier

name = sys.argv[1]
trk, try_, tek, tey = load_split()
reader = train_classifier(trk, try_)
labels = np.repeat(np.arange(10), 100)
for t in ('1', '0.7', '0.5'):
    x = np.fromfile(os.path.join(DATA_DIR, f'{name}-samples-T{t}.f32'), dtype='<f4').reshape(-1, 784)
    x[~np.isfinite(x).all(1)] = 0
    acc = (classify(reader, x) == labels).mean()
    save_grid(x[np.concatenate([np.arange(c * 100, c * 100 + 10) for c in range(10)])], os.path.join(DATA_DIR, f'{name}-T{t}.png'))
    print(f'{name} T={t}: sample accuracy {acc:.3f}')

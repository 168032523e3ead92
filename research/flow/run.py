"""One flow experiment: build, initialize, train, evaluate, sample, record.

Example (the recommended Base configuration):
  /usr/bin/python3 research/flow/run.py --name base-marginal --layers 4 --act all \
      --slope 0.01 --prior paper --init marginal --kinks 3 --epochs 10 --lr 1e-4
Appends one JSON line to research/flow/results.jsonl and writes sample grids
(rows = digits 0..9) to /tmp/invertscope-flow/<name>-T<temperature>.png.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch

from common import DATA_DIR, bpd_from_nll, load_split, save_grid, test_noise, train_classifier, classify
from flowlib import LUFlow, evaluate, sample_accuracy, train
from inits import init_default, init_identity, init_linear, init_marginal

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--name', required=True)
    p.add_argument('--layers', type=int, default=4)
    p.add_argument('--act', choices=['all', 'but-last'], default='all')
    p.add_argument('--slope', type=float, default=0.01)
    p.add_argument('--prior', choices=['paper', 'class'], default='paper')
    p.add_argument('--init', choices=['default', 'identity', 'linear', 'marginal'], default='marginal')
    p.add_argument('--kinks', type=int, default=3)
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--lr', type=float, default=1e-4)
    p.add_argument('--batch', type=int, default=128)
    p.add_argument('--clip', type=float, default=0.0)
    p.add_argument('--schedule', choices=['cosine', 'constant'], default='cosine')
    p.add_argument('--warmup', type=int, default=200, help='steps of linear learning-rate warm-up')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--no-record', action='store_true')
    p.add_argument('--no-samples', action='store_true')
    p.add_argument('--ridge', type=float, default=1e-6, help='added to the diagonal of the covariance that the whitening layer inverts')
    p.add_argument('--ste', type=float, default=0.0, help='surrogate-gradient temperature for the kink count (0: exact gradient)')
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    t0 = time.time()
    trk, try_, tek, tey = load_split()
    xte = test_noise(tek)
    acts = [True] * args.layers if args.act == 'all' else [True] * (args.layers - 1) + [False]
    model = LUFlow(784, acts, args.slope, args.prior, ste_tau=args.ste)
    if args.init == 'default':
        info = init_default(model, args.seed)
    elif args.init == 'identity':
        info = init_identity(model)
    elif args.init == 'linear':
        info = init_linear(model, trk, try_, args.seed, args.ridge)
    else:
        info = init_marginal(model, trk, try_, args.kinks, args.seed, ridge=args.ridge)
    parts0, bpd0 = evaluate(model, xte, tey)
    print(f'{args.name}: init {bpd0:.3f} bits/dim [latent {parts0[0]:.1f}, -logdet {parts0[1]:.1f}] {info}')
    t1 = time.time()
    hist = train(model, trk, try_, xte, tey, args.epochs, args.lr, args.batch, args.seed, clip=args.clip or None,
                 schedule=args.schedule, warmup=args.warmup) if args.epochs > 0 else []
    train_s = time.time() - t1
    parts, bpd = evaluate(model, xte, tey)
    kappa = model.conditions()
    reader_acc, acc, grids = None, {}, {}
    if not args.no_samples:
        reader = train_classifier(trk, try_)
        reader_acc = float((classify(reader, tek / 255.0) == tey).mean())
        acc, grids = sample_accuracy(model, reader, seed=args.seed)
    for t, g in grids.items():
        save_grid(g, os.path.join(DATA_DIR, f'{args.name}-T{t}.png'))
    rec = {
        'name': args.name, 'layers': args.layers, 'act': args.act, 'slope': args.slope, 'prior': args.prior,
        'init': args.init, 'ridge': args.ridge, 'kinks': args.kinks if args.init == 'marginal' else 0, 'epochs': args.epochs,
        'lr': args.lr, 'ste': args.ste, 'batch': args.batch, 'schedule': args.schedule, 'warmup': args.warmup, 'clip': args.clip, 'seed': args.seed,
        'init_bpd': round(bpd0, 3), 'test_bpd': round(bpd, 3), 'best_epoch_bpd': round(min(hist), 3) if hist else None,
        'parts': [round(parts[0], 1), round(parts[1], 1)], 'kappa': [float(f'{k:.3g}') for k in kappa],
        'sample_acc': {str(t): a for t, a in acc.items()}, 'reader_test_acc': reader_acc,
        'train_seconds': round(train_s), 'total_seconds': round(time.time() - t0), 'threads': args.threads,
    }
    print(json.dumps(rec))
    if not args.no_record:
        with open(os.path.join(HERE, 'results.jsonl'), 'a') as f:
            f.write(json.dumps(rec) + '\n')


if __name__ == '__main__':
    main()

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

from common import D, DATA_DIR, bpd_from_nll, dequantize, load_split, project_classifier, save_grid, test_noise, train_classifier, classify
from flowlib import LUFlow, evaluate, image_nll, sample_accuracy, sample_quality, train
from inits import init_two_rounds, init_default, init_identity, init_linear, init_marginal

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
    p.add_argument('--pseudo', type=float, default=0.0, help='weight of one uniform pseudo-observation per pixel level in the kink fit (add-λ smoothing; 0: none)')
    p.add_argument('--kink-fit', choices=['greedy', 'descent'], default='greedy', help='kink layers: inits.kink_stage greedy (17 boundaries), or kinkfit coordinate descent')
    p.add_argument('--covariance', choices=['sample', 'expected'], default='sample', help='descent: whiten with the covariance of one dequantization draw, or its average over all draws')
    p.add_argument('--round2', type=int, default=0, help='kinks of a second round of marginal Gaussianization after the whitening (inits.init_two_rounds; layers = kinks + round2 + 1)')
    p.add_argument('--round2-neutral', action='store_true', help='round 2 starts as linear pairs of kinks (inits.neutral_pairs), for gradient training to learn')
    p.add_argument('--cells', type=int, default=1, help='descent: kink candidates per pixel level (1: the level boundaries)')
    p.add_argument('--ste-kinks', type=float, default=None, help='surrogate width τ in the kink layers (default: --ste)')
    p.add_argument('--diag-kinks', action='store_true', help='the kink layers stay diagonal while training (elementwise affine + LeakyReLU)')
    p.add_argument('--freeze', default='', help='comma-separated layer indices not trained')
    p.add_argument('--val', type=int, default=0, help='carve this many training images out as a validation split (early stopping at its best epoch)')
    p.add_argument('--shift', type=int, default=0, help='training images moved by up to this many pixels in x and y, anew every epoch')
    p.add_argument('--judge', choices=['project', 'research'], default='research', help='sample reader: the analysis classifier (export_classifier.js) or common.train_classifier')
    p.add_argument('--per-class', type=int, default=100, help='samples per digit and temperature')
    p.add_argument('--temperatures', default='1,0.7,0.5')
    p.add_argument('--save', default='', help='write the final model state_dict here (torch.save)')
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    t0 = time.time()
    trk, try_, tek, tey = load_split()
    xte = test_noise(tek)
    val = None
    if args.val > 0:
        order = np.random.default_rng(777).permutation(len(trk))
        vk, vy = trk[order[:args.val]], try_[order[:args.val]]
        trk, try_ = trk[order[args.val:]], try_[order[args.val:]]
        val = (dequantize(vk, np.random.default_rng(54321)), vy)
    monitor_rows = np.random.default_rng(999).choice(len(trk), 1000, replace=False)
    monitor = (dequantize(trk[monitor_rows], np.random.default_rng(4321)), try_[monitor_rows])
    acts = [True] * args.layers if args.act == 'all' else [True] * (args.layers - 1) + [False]
    diag = list(range(args.kinks)) if args.diag_kinks and args.init == 'marginal' else []
    if args.diag_kinks and args.round2:
        diag += list(range(args.kinks + 1, args.layers))
    model = LUFlow(784, acts, args.slope, args.prior, ste_tau=args.ste, diagonal=diag,
                   ste_tau_layers={l: args.ste_kinks for l in range(args.kinks)} if args.ste_kinks is not None else None)
    if args.init == 'default':
        info = init_default(model, args.seed)
    elif args.init == 'identity':
        info = init_identity(model)
    elif args.init == 'linear':
        info = init_linear(model, trk, try_, args.seed, args.ridge)
    elif args.round2:
        info = init_two_rounds(model, trk, try_, args.kinks, args.round2, args.seed, ridge=args.ridge, pseudo=args.pseudo,
                               cells_per_level=args.cells, neutral=args.round2_neutral)
    else:
        info = init_marginal(model, trk, try_, args.kinks, args.seed, ridge=args.ridge, pseudo=args.pseudo,
                             fit=args.kink_fit, cells_per_level=args.cells, covariance=args.covariance)
    parts0, bpd0 = evaluate(model, xte, tey)
    init_train = bpd_from_nll(image_nll(model, *monitor).sum(1).mean())
    print(f'init: train images (1,000, fixed noise) {init_train:.3f} bits/dim' + (f', validation {bpd_from_nll(image_nll(model, *val).sum(1).mean()):.3f}' if val else ''))
    frozen = {int(v) for v in args.freeze.split(',') if v != ''}
    for l in frozen:
        for plist in (model.lower, model.upper, model.logdiag, model.bias):
            plist[l].requires_grad_(False)
    print(f'{args.name}: init {bpd0:.3f} bits/dim [latent {parts0[0]:.1f}, -logdet {parts0[1]:.1f}] {info}')
    t1 = time.time()
    params = [q for q in model.parameters() if q.requires_grad]
    hist = train(model, trk, try_, xte, tey, args.epochs, args.lr, args.batch, args.seed, clip=args.clip or None,
                 schedule=args.schedule, warmup=args.warmup, val=val, monitor=monitor, shift=args.shift,
                 param_groups=params) if args.epochs > 0 else []
    train_s = time.time() - t1
    parts, bpd = evaluate(model, xte, tey)
    kappa = model.conditions()
    reader_acc, acc, grids, dist = None, {}, {}, {}
    temps = tuple(float(t) for t in args.temperatures.split(','))
    if not args.no_samples and args.judge == 'research':
        reader = train_classifier(trk, try_)
        reader_acc = float((classify(reader, tek / 255.0) == tey).mean())
        acc, grids = sample_accuracy(model, reader, temps, args.per_class, seed=args.seed)
    elif not args.no_samples:
        judge = project_classifier()
        ref = np.fromfile(os.path.join(DATA_DIR, 'train_x.f32'), dtype='<f4').reshape(-1, D)
        quality = sample_quality(model, judge, ref, temps, args.per_class, seed=args.seed)
        acc = {t: q[0] for t, q in quality.items()}
        dist = {t: q[1] for t, q in quality.items()}
        grids = {t: q[2] for t, q in quality.items()}
        for t in temps:
            print(f'T={t}: read as asked {acc[t]:.3f}, median nearest-digit distance {dist[t]:.2f}')
    if args.save:
        torch.save(model.state_dict(), args.save)
    for t, g in grids.items():
        save_grid(g, os.path.join(DATA_DIR, f'{args.name}-T{t}.png'))
    rec = {
        'name': args.name, 'layers': args.layers, 'act': args.act, 'slope': args.slope, 'prior': args.prior,
        'init': args.init, 'ridge': args.ridge, 'kinks': args.kinks if args.init == 'marginal' else 0, 'epochs': args.epochs,
        'lr': args.lr, 'ste': args.ste, 'batch': args.batch, 'schedule': args.schedule, 'warmup': args.warmup, 'clip': args.clip, 'seed': args.seed,
        'init_bpd': round(bpd0, 3), 'test_bpd': round(bpd, 3), 'best_epoch_bpd': round(min(h['test'] for h in hist), 3) if hist else None,
        'parts': [round(parts[0], 1), round(parts[1], 1)], 'kappa': [float(f'{k:.3g}') for k in kappa],
        'sample_acc': {str(t): a for t, a in acc.items()}, 'reader_test_acc': reader_acc,
        'pseudo': args.pseudo, 'cells': args.cells, 'covariance': args.covariance, 'round2': args.round2, 'round2_neutral': args.round2_neutral, 'diag_kinks': args.diag_kinks, 'freeze': args.freeze,
        'kink_fit': args.kink_fit, 'ste_kinks': args.ste_kinks, 'val': args.val, 'shift': args.shift, 'judge': args.judge, 'per_class': args.per_class,
        'sample_dist': {str(t): round(d, 3) for t, d in dist.items()}, 'init_train_bpd': round(init_train, 3),
        'history': [{k: round(v, 3) for k, v in h.items()} for h in hist],
        'train_seconds': round(train_s), 'total_seconds': round(time.time() - t0), 'threads': args.threads,
    }
    print(json.dumps(rec))
    if not args.no_record:
        with open(os.path.join(HERE, 'results.jsonl'), 'a') as f:
            f.write(json.dumps(rec) + '\n')


if __name__ == '__main__':
    main()

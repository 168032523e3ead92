#!/bin/sh
# Reproduces every row of the results table in README.md (two lanes of one thread
# each; about 25 minutes on the 2-core machine); `table.sh extra` runs the two
# rows added afterwards, `table.sh sweeps` the unrecorded checks quoted in
# README.md (slope, kink-layer and ridge sweeps at init, no warm-up, exact
# gradient with a class prior); they print to the terminal. Rows land in results.jsonl.
# `table.sh generator` runs the section "A generator that training improves"
# (export_classifier.js first; FLOW_CACHE keeps the kink fits between runs).
cd "$(dirname "$0")"
export OPENBLAS_NUM_THREADS=1
R="/usr/bin/python3 run.py"
BASE="--layers 4 --act all --slope 0.01"
lane1() {
  $R --name base-paper-default-exact $BASE --prior paper --init default --epochs 15 --lr 1e-4
  $R --name base-paper-linear-exact $BASE --prior paper --init linear --epochs 15 --lr 1e-4
  $R --name base-paper-marginal-exact $BASE --prior paper --init marginal --kinks 3 --epochs 15 --lr 1e-4
  $R --name base-paper-linear-surrogate $BASE --prior paper --init linear --epochs 15 --lr 1e-4 --ste 0.1
  $R --name base-class-marginal-init $BASE --prior class --init marginal --kinks 3 --ridge 0.1 --epochs 0
}
lane2() {
  for seed in 0 1 2; do
    $R --name base-paper-marginal-surrogate-s$seed $BASE --prior paper --init marginal --kinks 3 --epochs 15 --lr 1e-4 --ste 0.1 --seed $seed
  done
  $R --name base-class-marginal-surrogate $BASE --prior class --init marginal --kinks 3 --ridge 0.1 --epochs 10 --lr 2e-5 --ste 0.1
  $R --name deep11-s0.2-class-marginal-init --layers 11 --act but-last --slope 0.2 --prior class --init marginal --kinks 10 --ridge 0.1 --epochs 0
  $R --name deep11-s0.2-class-marginal-surrogate --layers 11 --act but-last --slope 0.2 --prior class --init marginal --kinks 10 --ridge 0.1 --epochs 5 --lr 2e-5 --ste 0.1
}
if [ "$1" != "extra" ]; then
  lane1 > /tmp/invertscope-flow/lane1.log 2>&1 &
  lane2 > /tmp/invertscope-flow/lane2.log 2>&1
  wait
fi
# Added after the first table: the TypeScript default ridge on the Base paper row, and the paper's target on the deep shape.
if [ "$1" = "extra" ]; then
  $R --name base-paper-marginal-surrogate-ridge0.1 $BASE --prior paper --init marginal --kinks 3 --ridge 0.1 --epochs 15 --lr 1e-4 --ste 0.1 > /tmp/invertscope-flow/lane3.log 2>&1 &
  $R --name deep11-s0.2-paper-marginal-surrogate --layers 11 --act all --slope 0.2 --prior paper --init marginal --kinks 10 --ridge 0.1 --epochs 15 --lr 1e-4 --ste 0.1 > /tmp/invertscope-flow/lane4.log 2>&1
  wait
fi
if [ "$1" = "sweeps" ]; then
  for s in 0.01 0.03 0.1 0.2; do for k in 3 6 10; do
    $R --name sweep-s$s-k$k --layers $((k+1)) --act but-last --slope $s --prior class --init marginal --kinks $k --epochs 0 --no-samples --no-record | grep ": init"
  done; done
  for r in 0.000001 0.01 0.1 0.3; do
    $R --name ridge-$r --act but-last --prior class --init marginal --kinks 3 --ridge $r --epochs 0 --no-samples --no-record | grep ": init"
  done
  $R --name no-warmup $BASE --prior paper --init marginal --kinks 3 --epochs 2 --lr 1e-4 --ste 0.1 --schedule constant --warmup 1 --no-samples --no-record | grep epoch
  $R --name base3-class-exact --act but-last --prior class --init marginal --kinks 3 --epochs 5 --lr 1e-4 --no-record | grep -v "^kink"
fi

# A generator that training improves (README.md): the training runs (rows in results.jsonl,
# logs under $FLOW_DATA) and the closed-form evaluations (printed).
if [ "$1" = "generator" ]; then
  export FLOW_CACHE="${FLOW_CACHE:-/tmp/invertscope-flow/cache}"
  L=/tmp/invertscope-flow
  F11="--layers 11 --act but-last --slope 0.2 --prior class --init marginal --kinks 10 --ridge 0.1"
  FROZEN10=0,1,2,3,4,5,6,7,8,9
  FROZEN16=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
  $R --name A3-flow11-pseudo-diag-tau0.1 $F11 --pseudo 1 --diag-kinks --epochs 5 --lr 2e-5 --ste 0.1 --judge project --temperatures 1,0.7 > $L/A3.log 2>&1
  $R --name A4-flow11-pseudo-frozen $F11 --pseudo 1 --diag-kinks --freeze $FROZEN10 --epochs 5 --lr 2e-5 --ste 0.1 --no-samples > $L/A4.log 2>&1
  $R --name A5-flow11-pseudo-diag-tau0.01 $F11 --pseudo 1 --diag-kinks --epochs 5 --lr 2e-5 --ste 0.1 --ste-kinks 0.01 --no-samples > $L/A5.log 2>&1
  $R --name B1f-descent-frozen-lr1e-4 $F11 --pseudo 1 --kink-fit descent --cells 8 --diag-kinks --freeze $FROZEN10 --epochs 10 --lr 1e-4 --ste 0.1 --no-samples > $L/B1f.log 2>&1
  G="--act but-last --slope 0.5 --prior class --init marginal --kinks 16 --ridge 0.003 --pseudo 1 --kink-fit descent --cells 8 --diag-kinks"
  $R --name C1-init --layers 17 $G --covariance expected --epochs 0 --judge project --temperatures 1,0.7 > $L/C1-init.log 2>&1
  $R --name C1d --layers 17 $G --covariance expected --epochs 10 --lr 1e-4 --ste 0.1 --ste-kinks 0.01 --no-samples > $L/C1d.log 2>&1
  $R --name D1-init --layers 25 $G --round2 8 --epochs 0 --judge project --temperatures 1,0.7 > $L/D1-init.log 2>&1
  $R --name D2 --layers 25 $G --round2 8 --freeze $FROZEN16 --epochs 10 --lr 1e-4 --ste 0.05 --no-samples > $L/D2.log 2>&1
  $R --name D3-neutral --layers 25 $G --round2 8 --round2-neutral --freeze $FROZEN16 --epochs 10 --lr 3e-4 --ste 0.05 --no-samples > $L/D3.log 2>&1
  $R --name D4-neutral-diag-only --layers 25 $G --round2 8 --round2-neutral --freeze $FROZEN16,16 --epochs 10 --lr 1e-3 --ste 0.05 --no-samples > $L/D4.log 2>&1
  $R --name D5-batch512 --layers 25 $G --round2 8 --freeze $FROZEN16 --epochs 20 --lr 1e-4 --batch 512 --warmup 50 --ste 0.05 --no-samples > $L/D5.log 2>&1
  $R --name D6-lr3e-4 --layers 25 $G --round2 8 --freeze $FROZEN16 --epochs 20 --lr 3e-4 --ste 0.1 --no-samples > $L/D6.log 2>&1
  C="/usr/bin/python3 closed_form.py"
  $C outliers
  $C marginals --fit greedy --slope 0.2 --kinks 10 --pseudo 1
  $C marginals --fit descent --slope 0.2 --kinks 10 --pseudo 1 --cells 1
  $C marginals --fit descent --slope 0.2 --kinks 10 --pseudo 1 --cells 8
  for sk in "0.5 16" "0.5 24" "0.7 32"; do set -- $sk; $C marginals --fit descent --slope $1 --kinks $2 --pseudo 1 --cells 8 --covariance sample,expected; done
  $C marginals --fit descent --slope 0.5 --kinks 16 --pseudo 1 --cells 8 --covariance expected --ridge 0.003
  for k in 8 12 16; do $C rounds --kinks $k --samples --sample-seeds 3; done
  $C rounds --kinks 16 --round3 8 --draws 4
fi

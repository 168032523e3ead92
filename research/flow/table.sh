#!/bin/sh
# Reproduces every row of the results table in README.md (two lanes of one thread
# each; about 25 minutes on the 2-core machine); `table.sh extra` runs the two
# rows added afterwards, `table.sh sweeps` the unrecorded checks quoted in
# README.md (slope, kink-layer and ridge sweeps at init, no warm-up, exact
# gradient with a class prior); they print to the terminal. Rows land in results.jsonl.
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

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FLOW_CHUNK_ROWS } from '../../../src/core/train/simd/flowLayout';
import { createFlowPlan, FLOW_ITEM, type FlowItemKind, type FlowPhase } from '../../../src/core/train/simd/flowPlan';

/** The phases (index into forward then backward) in which items of this kind and block run, with their ranges. */
function coverage(phases: readonly FlowPhase[], kind: FlowItemKind, block: number) {
  return phases.flatMap((items, phase) =>
    items.filter((i) => i.kind === kind && i.block === block).map((i) => ({ phase, begin: i.begin, end: i.end })),
  );
}

function assertTiles(ranges: { begin: number; end: number }[], total: number, what: string): void {
  const sorted = [...ranges].sort((a, b) => a.begin - b.begin);
  let position = 0;
  for (const r of sorted) {
    assert.equal(r.begin, position, `${what}: gap or overlap at ${position}`);
    position = r.end;
  }
  assert.equal(position, total, `${what}: ends at ${position}, expected ${total}`);
}

function onlyPhase(ranges: { phase: number }[], what: string): number {
  const phases = new Set(ranges.map((r) => r.phase));
  assert.equal(phases.size, 1, `${what} spans phases ${[...phases]}`);
  return ranges[0].phase;
}

describe('createFlowPlan', () => {
  for (const width of [12, 53, 784]) {
    for (const blocks of [1, 2, 4, 11]) {
      for (const threads of [1, 2, 3]) {
        it(`covers every row once and updates each factor one phase after its last read (width ${width}, ${blocks} blocks, ${threads} threads)`, () => {
          const plan = createFlowPlan({ width, blocks, maxBatch: 20, learnedPrior: true, threads });
          const phases = [...plan.forward, ...plan.backward];
          assert.equal(plan.forward.length, 2 + 2 * blocks);
          assert.equal(plan.backward.length, 2 * blocks);
          assertTiles(coverage(phases, FLOW_ITEM.input, 0), 3, 'input panels');
          assertTiles(coverage(phases, FLOW_ITEM.loss, blocks - 1), 3, 'loss panels');
          assertTiles(coverage(phases, FLOW_ITEM.prior, blocks - 1), width, 'prior');
          const loss = onlyPhase(coverage(phases, FLOW_ITEM.loss, blocks - 1), 'loss');
          for (let l = 0; l < blocks; l++) {
            const at = (kind: FlowItemKind, what: string) => {
              const ranges = coverage(phases, kind, l);
              assertTiles(ranges, width, `${what} ${l}`);
              for (const r of ranges) {
                if (kind !== FLOW_ITEM.bias)
                  assert.equal(r.begin % 5, 0, `${what} ${l}: item at ${r.begin} is not on a 5-row tile`);
                if (kind === FLOW_ITEM.gradL || kind === FLOW_ITEM.gradU || kind === FLOW_ITEM.bias) {
                  assert.ok(r.end - r.begin <= FLOW_CHUNK_ROWS, `${what} ${l}: ${r.end - r.begin} rows`);
                }
              }
              return onlyPhase(ranges, `${what} ${l}`);
            };
            const forwardU = at(FLOW_ITEM.forwardU, 'forward U');
            const forwardL = at(FLOW_ITEM.forwardL, 'forward L');
            assert.ok(forwardU < forwardL && forwardL < loss);
            if (l > 0) assert.equal(forwardU, coverage(phases, FLOW_ITEM.forwardL, l - 1)[0].phase + 1);
            const backwardL = at(FLOW_ITEM.backwardL, 'backward L');
            const gradL = at(FLOW_ITEM.gradL, 'L update');
            const gradU = at(FLOW_ITEM.gradU, 'U update');
            const bias = at(FLOW_ITEM.bias, 'bias update');
            // dW_l is complete: from the loss for the last block, else from block l + 1's Uᵀ product.
            const dwReady = l === blocks - 1 ? loss : coverage(phases, FLOW_ITEM.backwardU, l + 1)[0].phase;
            assert.equal(backwardL, dwReady + 1);
            assert.ok(bias > dwReady);
            assert.ok(gradL > backwardL, 'L changes only after Lᵀ·dW read it');
            if (l > 0) {
              const backwardU = at(FLOW_ITEM.backwardU, 'backward U');
              assert.equal(backwardU, backwardL + 1);
              assert.ok(gradU > backwardU, 'U changes only after Uᵀ·dV read it');
            } else {
              assert.ok(gradU > backwardL, 'dV_0 is complete');
            }
          }
        });
      }
    }
  }
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDensePlan, guidedChunks, ITEM, type ItemKind, type Phase } from '../../../src/core/train/simd/densePlan';

function coverage(
  phases: readonly Phase[],
  kind: ItemKind,
  layer: number,
): { phase: number; begin: number; end: number }[] {
  return phases.flatMap((items, phase) =>
    items.filter((i) => i.kind === kind && i.layer === layer).map((i) => ({ phase, begin: i.begin, end: i.end })),
  );
}

function assertTiles(ranges: { begin: number; end: number }[], total: number, what: string): void {
  const sorted = [...ranges].sort((a, b) => a.begin - b.begin);
  let position = 0;
  for (const r of sorted) {
    assert.equal(r.begin, position, `${what}: gap or overlap at ${position}`);
    assert.ok(r.end > r.begin, `${what}: empty item at ${r.begin}`);
    position = r.end;
  }
  assert.equal(position, total, `${what}: ends at ${position}, expected ${total}`);
}

describe('guidedChunks', () => {
  it('splits a range into aligned chunks that shrink towards the end, within the size limits', () => {
    assert.deepEqual(guidedChunks(100, 2, 5, 10), [0, 25, 45, 60, 70, 80, 90, 100]);
    assert.deepEqual(guidedChunks(784, 2, 5, 20, 40).slice(0, 3), [0, 40, 80]);
    assert.deepEqual(guidedChunks(3, 4, 5, 20), [0, 3]);
    assert.deepEqual(guidedChunks(0, 2, 5, 20), [0]);
  });
});

describe('createDensePlan', () => {
  for (const width of [13, 784, 1001]) {
    for (const layers of [1, 2, 4, 5]) {
      for (const threads of [1, 2, 3]) {
        it(`covers every output once and orders the backward pass safely (width ${width}, ${layers} layers, ${threads} threads)`, () => {
          const plan = createDensePlan(width, layers, threads);
          assert.equal(plan.forward.length, layers);
          assert.equal(plan.backward.length, layers);
          // Items of one kind and layer are contiguous in a phase, so a thread packs each product's operand once.
          for (const items of [...plan.forward, ...plan.backward]) {
            const runs = items
              .map((i) => `${i.kind}:${i.layer}`)
              .filter((key, i, all) => i === 0 || key !== all[i - 1]);
            assert.equal(new Set(runs).size, runs.length, `items interleave: ${runs}`);
          }
          plan.forward.forEach((items, l) => {
            assert.ok(items.every((i) => i.kind === ITEM.forward && i.layer === l));
            assertTiles(coverage(plan.forward, ITEM.forward, l), width, `forward ${l}`);
          });
          // The phase in which dZ_l becomes complete: the loss (-1) for the last layer.
          const ready = (l: number) =>
            l === layers - 1 ? -1 : coverage(plan.backward, ITEM.inputGrad, l + 1)[0].phase;
          for (let l = 0; l < layers; l++) {
            const weights = coverage(plan.backward, ITEM.weightGrad, l);
            assertTiles(weights, width, `weight gradient ${l}`);
            const inputs = coverage(plan.backward, ITEM.inputGrad, l);
            if (l === 0) {
              assert.equal(inputs.length, 0, 'no input gradient for the first layer');
            } else {
              assertTiles(inputs, width, `input gradient ${l}`);
              assert.ok(
                inputs.every((i) => i.phase === inputs[0].phase),
                'one phase per input gradient',
              );
              assert.ok(inputs[0].phase > ready(l), `input gradient ${l} runs after dZ_${l} is complete`);
              // W_l changes only after every read of it by the input gradient.
              assert.ok(
                weights.every((w) => w.phase > inputs[0].phase),
                `W_${l} updated after its input gradient`,
              );
            }
            assert.ok(
              weights.every((w) => w.phase > ready(l)),
              `update ${l} runs after dZ_${l} is complete`,
            );
          }
          // Three rotating buffers hold dZ: two layers that share one must not be live at once,
          // from the phase that writes dZ_l to the last phase that reads it.
          const live = Array.from({ length: layers }, (_, l) => {
            const reads = plan.backward.flatMap((items, phase) => (items.some((i) => i.layer === l) ? [phase] : []));
            return { first: ready(l), last: Math.max(...reads) };
          });
          for (let a = 0; a < layers; a++) {
            for (let b = a + 1; b < layers; b++) {
              if ((layers - 1 - a) % 3 !== (layers - 1 - b) % 3) continue;
              const apart = live[a].last < live[b].first || live[b].last < live[a].first;
              assert.ok(
                apart,
                `dZ_${a} ${JSON.stringify(live[a])} and dZ_${b} ${JSON.stringify(live[b])} share a buffer while both live`,
              );
            }
          }
        });
      }
    }
  }
});

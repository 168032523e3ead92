// How much of a flow's sample distance is speckle: samples drawn from a flow
// checkpoint's own prior (float64 inverse, clamped to [0, 1]) are measured against
// the nearest of the same 8,000 training digits real_distance.js uses, before and
// after removing isolated ink, i.e. pixels above 0.3 whose eight neighbours are all
// at or below 0.3. Real test digits go through the same removal, as a control for
// what it does to real strokes.
// Build first (npm run build). Usage: node research/flow/speckle.js <checkpoint> [T] [perDigit] [seed]
const { join } = require('node:path');
const out = (p) => require(join('../../out/src/core', p));
const { loadData, DEFAULT_DATA_SPEC } = out('data/loadData');
const { balancedSelection, selectRows } = out('analysis/balancedSelection');
const { nearestDistances } = out('analysis/nearestDistances');
const { readCheckpoint } = out('store/checkpoint');
const { sampleFlow } = out('train/flow/sampleFlow');
const { createRng } = out('random/rng');

const REFERENCE_IMAGES = 8000;
const INK = 0.3;
const SIDE = 28;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A copy with every isolated ink pixel set to 0, and how many there were per image. */
function despeckle(images, count, n) {
  const clean = Float32Array.from(images);
  let removed = 0;
  for (let r = 0; r < count; r++) {
    const o = r * n;
    for (let y = 0; y < SIDE; y++)
      for (let x = 0; x < SIDE; x++) {
        if (images[o + y * SIDE + x] <= INK) continue;
        let alone = true;
        for (let dy = -1; dy <= 1 && alone; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            if (!dx && !dy) continue;
            const yy = y + dy;
            const xx = x + dx;
            if (yy >= 0 && yy < SIDE && xx >= 0 && xx < SIDE && images[o + yy * SIDE + xx] > INK) {
              alone = false;
              break;
            }
          }
        if (alone) {
          clean[o + y * SIDE + x] = 0;
          removed++;
        }
      }
  }
  return { clean, perImage: removed / count };
}

function distances(images, labels, reference, n, classes) {
  const d = nearestDistances(images, labels.length, reference, reference.length / n, n);
  const perClass = Array.from({ length: classes }, (_, a) => median(Array.from(d).filter((_, i) => labels[i] === a)));
  return `pooled median ${median(d).toFixed(3)}, median of per-digit medians ${median(perClass).toFixed(3)}`;
}

async function main() {
  const [file, t = '1', perDigit = '100', seed = '0'] = process.argv.slice(2);
  if (!file) throw new Error('usage: node research/flow/speckle.js <checkpoint> [T] [perDigit] [seed]');
  const { train, test } = await loadData(DEFAULT_DATA_SPEC);
  const n = train.images.length / train.labels.length;
  const reference = selectRows(train.images, n, balancedSelection(train.labels, train.classes, REFERENCE_IMAGES));
  const checkpoint = await readCheckpoint(file, { optimizer: 'skip', flow: 'require' });
  const model = {
    architecture: checkpoint.architecture,
    layers: checkpoint.flow.layers,
    biases: checkpoint.params.biases,
    prior: checkpoint.flow.prior,
  };
  const labels = Uint8Array.from({ length: train.classes * Number(perDigit) }, (_, i) => i % train.classes);
  const { images } = sampleFlow(model, labels, Number(t), createRng(Number(seed)).fork('speckle'));
  const shown = Float32Array.from(images, (v) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0));
  const samples = despeckle(shown, labels.length, n);
  const real = despeckle(test.images, test.labels.length, n);
  console.log(`${labels.length} samples at T = ${t} (seed ${seed}), float64 inverse, clamped to [0, 1]:`);
  console.log(`  as drawn:              ${distances(shown, labels, reference, n, train.classes)}`);
  console.log(`  isolated ink removed:  ${distances(samples.clean, labels, reference, n, train.classes)} (${samples.perImage.toFixed(2)} pixels per image)`);
  console.log(`${test.labels.length} real test digits:`);
  console.log(`  as they are:           ${distances(test.images, test.labels, reference, n, train.classes)}`);
  console.log(`  isolated ink removed:  ${distances(real.clean, test.labels, reference, n, train.classes)} (${real.perImage.toFixed(2)} pixels per image)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

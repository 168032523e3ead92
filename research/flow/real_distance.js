// The yardstick for generated samples' "digit-ness": the distance from each
// real test digit to its nearest real training digit, computed exactly as
// `invertscope analyze` computes it for samples (nearestDistances against the
// same balanced 8,000-image reference from the training split, pixels in [0, 1]).
// Prints the median over all test digits and the median of the per-class
// medians (the figure analyze prints for each generated set).
// Build first (npm run build). Usage: node research/flow/real_distance.js
const { join } = require('node:path');
const out = (p) => require(join('../../out/src/core', p));
const { loadData, DEFAULT_DATA_SPEC } = out('data/loadData');
const { balancedSelection, selectRows } = out('analysis/balancedSelection');
const { nearestDistances } = out('analysis/nearestDistances');

const REFERENCE_IMAGES = 8000;

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main() {
  const data = await loadData(DEFAULT_DATA_SPEC);
  const { train, test } = data;
  const n = train.images.length / train.labels.length;
  const reference = selectRows(train.images, n, balancedSelection(train.labels, train.classes, REFERENCE_IMAGES));
  const count = test.labels.length;
  const d = nearestDistances(test.images, count, reference, reference.length / n, n);
  const perClass = Array.from({ length: train.classes }, (_, a) => median(Array.from(d).filter((_, i) => test.labels[i] === a)));
  console.log(`real test digits (${count}) to the nearest of ${reference.length / n} training digits: median ${median(d).toFixed(3)}; median of per-class medians ${median(perClass).toFixed(3)}`);
  console.log(`per class: ${perClass.map((v) => v.toFixed(2)).join(' ')}`);
}

main().catch((e) => { console.error(e); process.exit(1); });

// Writes the analysis's digit classifier (trainDigitClassifier with
// CLASSIFIER_SETTINGS on the project's default split, deterministic) as raw
// little-endian float64 files for the Python research scripts, so that the
// research numbers use the same judge as `invertscope analyze`:
//   <dir>/classifier_w1.f64 (784 × hidden), classifier_b1.f64, classifier_w2.f64 (hidden × 10), classifier_b2.f64.
// Build first (npm run build). Usage: node research/flow/export_classifier.js [dir]
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { loadData, DEFAULT_DATA_SPEC } = require('../../out/src/core/data/loadData');
const { trainDigitClassifier, classifierAccuracy, CLASSIFIER_SETTINGS } = require('../../out/src/core/analysis/classifier/digitClassifier');

async function main() {
  const dir = process.argv[2] || process.env.FLOW_DATA || '/tmp/invertscope-flow';
  const data = await loadData(DEFAULT_DATA_SPEC);
  const c = await trainDigitClassifier(data.train, CLASSIFIER_SETTINGS);
  for (const key of ['w1', 'b1', 'w2', 'b2']) writeFileSync(join(dir, `classifier_${key}.f64`), Buffer.from(c[key].buffer, c[key].byteOffset, c[key].byteLength));
  const accuracy = classifierAccuracy(c, data.test.images, data.test.labels, data.test.count);
  console.log(`classifier (hidden ${c.hidden}): ${(100 * accuracy).toFixed(2)}% on the ${data.test.count} test digits`);
}
main().catch((e) => { console.error(e); process.exit(1); });

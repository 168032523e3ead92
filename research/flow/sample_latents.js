// Reads latents sampled outside the flow (prior_fit.py with PRIOR_SAMPLES), inverts them
// through flowgen's Gaussianizing init (seed 0, float64) and scores them as `analyze`
// does: the analysis's digit classifier, and per digit the median distance to the
// nearest of 8,000 training digits (then the median over digits; and pooled over all
// samples, generate's statistic).
// Build first (npm run build). Usage: node research/flow/sample_latents.js [dir] [tag ...]
// reads <tag>_z.f64 + <tag>_y.u8 for each tag (default: lowrank), one line per tag.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const out = (p) => require(join('../../out/src/core', p));
const { loadData, DEFAULT_DATA_SPEC } = out('data/loadData');
const { gaussianizeFlow } = out('train/flow/gaussianizeFlow');
const { flowInverse } = out('train/flow/flowInverse');
const { flowgenArchitecture, FLOWGEN_RECIPE } = out('train/flowPresets');
const { trainDigitClassifier, predictDigits, CLASSIFIER_SETTINGS } = out('analysis/classifier/digitClassifier');
const { balancedSelection, selectRows } = out('analysis/balancedSelection');
const { nearestDistances } = out('analysis/nearestDistances');

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function main() {
  const dir = process.argv[2] || process.env.FLOW_DATA || '/tmp/invertscope-flow';
  const data = await loadData(DEFAULT_DATA_SPEC);
  const n = 784;
  const { model } = gaussianizeFlow(flowgenArchitecture(), data.train, { kinkLayers: FLOWGEN_RECIPE.flow.kinkLayers, ridge: FLOWGEN_RECIPE.flow.ridge, seed: 0 });
  const classifier = await trainDigitClassifier(data.train, CLASSIFIER_SETTINGS);
  const reference = selectRows(data.train.images, n, balancedSelection(data.train.labels, data.train.classes, 8000));
  const tags = process.argv.length > 3 ? process.argv.slice(3) : ['lowrank'];
  for (const tag of tags) {
    const b = readFileSync(join(dir, `${tag}_z.f64`));
    const z = new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
    const labels = Uint8Array.from(readFileSync(join(dir, `${tag}_y.u8`)));
    const count = labels.length;
    const x = flowInverse(model, z, count);
    const images = Float32Array.from(x, (v) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0));
    const predicted = predictDigits(classifier, images, count);
    const d = nearestDistances(images, count, reference, reference.length / n, n);
    const perClass = Array.from({ length: 10 }, (_, a) => median(Array.from(d).filter((_, i) => labels[i] === a)));
    const right = labels.reduce((s, a, i) => s + (predicted[i] === a ? 1 : 0), 0);
    console.log(`${tag}: ${count} samples: read as asked ${(100 * right / count).toFixed(1)}%; median nearest-digit distance (median of per-digit medians) ${median(perClass).toFixed(2)}, pooled over all samples ${median(Array.from(d)).toFixed(2)}`);
  }
}
main().catch((e) => { console.error(e); process.exit(1); });

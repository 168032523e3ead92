// What latents.js and export_flow.js share: the built core, the embedded digits' default
// split, flowgen's Gaussianizing init (seed 0) and the test split's one fixed dequantization
// draw, so both scripts push the same digits through the same flow.
const { join } = require('node:path');

const out = (p) => require(join('../../out/src/core', p));
const { loadData, DEFAULT_DATA_SPEC } = out('data/loadData');
const { createRng } = out('random/rng');
const { gaussianizeFlow } = out('train/flow/gaussianizeFlow');
const { flowgenArchitecture, FLOWGEN_RECIPE } = out('train/flowPresets');

/** The test split's dequantization draw, the same in every script that reads it. */
const testDraw = () => createRng(12345).fork('test');

/** The output folder (argument 2, $FLOW_DATA or /tmp/invertscope-flow), the split, and flowgen's init. */
async function flowgenInit() {
  const dir = process.argv[2] || process.env.FLOW_DATA || '/tmp/invertscope-flow';
  const data = await loadData(DEFAULT_DATA_SPEC);
  const arch = flowgenArchitecture();
  const { model } = gaussianizeFlow(arch, data.train, { kinkLayers: FLOWGEN_RECIPE.flow.kinkLayers, ridge: FLOWGEN_RECIPE.flow.ridge, seed: 0 });
  return { dir, data, arch, model, n: arch.width };
}

module.exports = { out, createRng, testDraw, flowgenInit };

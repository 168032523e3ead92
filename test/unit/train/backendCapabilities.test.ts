import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  autoChoice,
  BACKEND_FACTS,
  BACKEND_REQUESTS,
  currentTrainingHost,
  objectiveUnsupportedReason,
  offeredRequests,
  probeBackends,
  TFJS_NODE_CLI_ONLY,
  TRAINING_HOST_VARIABLE,
  type BackendAvailability,
} from '../../../src/core/train/backendCapabilities';

const available = (names: string[]): BackendAvailability[] =>
  BACKEND_FACTS.map((f) => ({ ...f, unavailable: names.includes(f.name) ? null : 'not here' }));

describe('backend capabilities', () => {
  it('lists every backend once, fastest first, and every request as auto and those', () => {
    assert.deepEqual(
      BACKEND_FACTS.map((f) => f.name),
      ['tensorflow', 'simd', 'wasm', 'cpu'],
    );
    assert.deepEqual(BACKEND_REQUESTS, ['auto', 'tensorflow', 'simd', 'wasm', 'cpu']);
  });

  it('says why a backend does not train an objective, in the words the training log uses', () => {
    for (const f of BACKEND_FACTS) {
      for (const objective of ['seed', 'flow'] as const) {
        const reason = objectiveUnsupportedReason(f.name, objective);
        assert.equal(reason === null, f.objectives.includes(objective), `${f.name} ${objective}`);
        if (reason) assert.match(reason, new RegExp(`objective only, not '${objective}'`));
      }
    }
  });

  it('lets auto take the first available backend that trains the objective', () => {
    const probed = available(['simd', 'wasm', 'cpu']);
    assert.equal(autoChoice(probed, 'seed'), 'simd');
    assert.equal(
      autoChoice(probed, 'flow'),
      BACKEND_FACTS.find((f) => f.name !== 'tensorflow' && f.objectives.includes('flow'))?.name,
    );
    assert.equal(autoChoice(available(['tensorflow', 'simd', 'wasm', 'cpu']), 'seed'), 'tensorflow');
    assert.equal(autoChoice(available([]), 'seed'), null);
  });

  it('offers tfjs-node on the command line only, and the extension marks its training processes', () => {
    assert.deepEqual(offeredRequests('cli'), BACKEND_REQUESTS);
    assert.deepEqual(offeredRequests('vscode'), ['auto', 'simd', 'wasm', 'cpu']);
    assert.equal(currentTrainingHost({}), 'cli');
    assert.equal(currentTrainingHost({ [TRAINING_HOST_VARIABLE]: 'vscode' }), 'vscode');
  });

  it('probes what loads here: the bundled paths load, tfjs-node is refused in the extension with the reason', async () => {
    const vscode = await probeBackends('vscode');
    const byName = new Map<string, string | null>(vscode.map((b) => [b.name, b.unavailable]));
    assert.equal(byName.get('tensorflow'), TFJS_NODE_CLI_ONLY);
    for (const name of ['simd', 'wasm', 'cpu']) assert.equal(byName.get(name), null, `${name}: ${byName.get(name)}`);
    const cli = await probeBackends('cli');
    const tensorflow = cli.find((b) => b.name === 'tensorflow')?.unavailable;
    // Where npm could fetch libtensorflow it loads (null); elsewhere the reason names the package.
    assert.ok(tensorflow === null || /@tensorflow\/tfjs-node/.test(tensorflow ?? ''), String(tensorflow));
  });
});

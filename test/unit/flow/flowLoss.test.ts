import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../src/core/random/rng';
import { flowForward, flowNll } from '../../../src/core/train/flow/flowForward';
import { flowLatentNll } from '../../../src/core/train/flow/flowLoss';
import { LOG_2PI } from '../../../src/core/train/seedLoss';
import { classPriorFromPaper, PAPER_PRIOR } from '../../../src/core/train/flow/flowPrior';
import {
  flowReferenceState,
  referenceFlowGradients,
  referenceFlowLoss,
  referenceParameters,
} from '../../helpers/referenceFlowTraining';
import { WIDTH, randomBatch, randomFlow, smallArchitecture } from './flowFixtures';

const n = WIDTH;

function learnedPrior(seed: number) {
  const rng = createRng(seed);
  const prior = classPriorFromPaper(10, n);
  if (prior.kind !== 'class') throw new Error('expected a class prior');
  prior.mean.forEach((_, k) => {
    prior.mean[k] = rng.normal();
    prior.logStd[k] = 0.3 * rng.normal();
  });
  return prior;
}

/** Central differences of the reference loss over every parameter, against the hand-derived gradient. */
function checkGradient(tau: number, withPrior: boolean) {
  const arch = smallArchitecture(3, true, 0.2);
  const { layers, biases } = randomFlow(arch, 3);
  const prior = withPrior ? learnedPrior(4) : null;
  const state = flowReferenceState(layers, biases, prior && { mean: prior.mean, logStd: prior.logStd });
  const { images, labels } = randomBatch(5, 6);
  const x = Float64Array.from(images, (v) => v + 0.01);
  const pres = referenceFlowLoss(arch, state, x, labels, 6).pres;
  // A kink within the step would make the difference quotient meaningless: keep the data clear of them.
  const closest = Math.min(...pres.flatMap((a) => Array.from(a, Math.abs)));
  assert.ok(closest > 1e-4, `a pre-activation is ${closest} from a kink; pick another seed`);
  const grads = referenceFlowGradients(arch, state, x, labels, 6, tau);
  const h = 1e-6;
  let worst = 0;
  referenceParameters(state).forEach((p, k) => {
    for (let i = 0; i < p.length; i++) {
      const keep = p[i];
      p[i] = keep + h;
      const up = referenceFlowLoss(arch, state, x, labels, 6, tau).loss;
      p[i] = keep - h;
      const down = referenceFlowLoss(arch, state, x, labels, 6, tau).loss;
      p[i] = keep;
      const fd = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - grads[k][i]) / (1 + Math.abs(fd)));
    }
  });
  assert.ok(worst < 1e-6, `largest relative gradient error ${worst}`);
}

describe('flow loss', () => {
  it('has the exact gradient (paper prior) that finite differences give', () => checkGradient(0, false));

  it('has the exact gradient with a learned prior (means and log-scales per class)', () => checkGradient(0, true));

  it('has, with the boundary surrogate, the gradient of the loss whose kink count is Σ sigmoid(−a/τ)', () =>
    checkGradient(0.5, false));

  it('states the paper-prior latent term as ½‖z − 2a·1‖² + (n/2)·ln 2π', () => {
    const z = Float64Array.from({ length: n }, (_, j) => 6 + 0.1 * j);
    let sq = 0;
    for (const v of z) sq += (v - 6) ** 2;
    assert.ok(Math.abs(flowLatentNll(z, 3, PAPER_PRIOR) - (0.5 * sq + 0.5 * n * LOG_2PI)) < 1e-12);
  });

  it('agrees between the float64 statement (flowNll) and the independent reference, parts included', () => {
    const arch = smallArchitecture(4, false, 0.1);
    const { layers, biases } = randomFlow(arch, 11);
    const prior = learnedPrior(12);
    const { images, labels } = randomBatch(13, 9);
    const got = flowNll({ architecture: arch, layers, biases, prior }, images, labels, 9);
    const want = referenceFlowLoss(
      arch,
      flowReferenceState(layers, biases, prior),
      Float64Array.from(images),
      labels,
      9,
    );
    assert.ok(Math.abs(got.loss - want.loss) < 1e-9 * Math.abs(want.loss));
    assert.ok(Math.abs(got.parts[0] - want.parts[0]) < 1e-9 * Math.abs(want.parts[0]));
    assert.ok(Math.abs(got.parts[1] - want.parts[1]) < 1e-9 * (1 + Math.abs(want.parts[1])));
  });

  it('counts ln(1/α) for every negative pre-activation and nothing for the rest', () => {
    const arch = smallArchitecture(2, true, 0.25);
    const { layers, biases } = randomFlow(arch, 14);
    const { images } = randomBatch(15, 1);
    const { negLogDet, preActivations } = flowForward(
      { architecture: arch, layers, biases, prior: PAPER_PRIOR },
      images,
      1,
    );
    const negatives = preActivations.reduce((c, a) => c + a.filter((v) => v < 0).length, 0);
    const sumS = layers.reduce(
      (t, l) => t + Array.from({ length: n }, (_, i) => l.packed[i * n + i]).reduce((a, b) => a + b, 0),
      0,
    );
    assert.ok(Math.abs(negLogDet[0] - (-sumS + negatives * Math.log(4))) < 1e-9);
  });
});

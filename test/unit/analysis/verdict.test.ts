import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatNumber } from '../../../src/shared/formatNumber';
import { FLOAT64_RESOLVABLE_COND } from '../../../src/core/analysis/jacobianCondition';
import { jacobianReport } from '../../../src/core/analysis/jacobianReport';
import { analyseLayers } from '../../../src/core/analysis/layerSpectra';
import { invertibleNetwork } from '../../../src/core/analysis/network';
import { reconstruct } from '../../../src/core/analysis/reconstructionReport';
import type { Tick } from '../../../src/core/analysis/progress';
import type { Architecture } from '../../../src/core/model/architecture';
import { customArchitecture } from '../../../src/core/model/architecture';
import type { ModelParams } from '../../../src/core/model/params';
import { createRng } from '../../../src/core/random/rng';
import {
  matrixWithSingularValues,
  nearlySingularIntegers,
  paramsWith,
  randomImages,
  wellConditioned,
} from './builders';

const tick: Tick = async () => undefined;
const N = 64;

async function verdictOf(architecture: Architecture, params: ModelParams) {
  const net = invertibleNetwork(architecture, params);
  const layers = await analyseLayers(net, tick);
  const images = randomImages(60, architecture.width, createRng(5));
  const reconstruction = await reconstruct(
    net,
    layers.map((l) => l.factors),
    images,
    1,
    tick,
  );
  const jacobian = await jacobianReport(net, layers, images, reconstruction, 30, tick);
  return { layers, reconstruction, jacobian };
}

describe('invertibility verdict', () => {
  it('finds a well-conditioned network invertible in float32, with stable solves', async () => {
    const { architecture, params } = wellConditioned(N, 3, true);
    const { jacobian, reconstruction } = await verdictOf(architecture, params);
    assert.equal(jacobian.verdict, 'invertible', jacobian.verdictText);
    assert.equal(reconstruction.report.overall.float32.brokenFraction, 0);
    assert.ok(jacobian.backwardError.float64 < 1e-14, `float64 backward error ${jacobian.backwardError.float64}`);
    assert.ok(jacobian.backwardError.float32 < 1e-5, `float32 backward error ${jacobian.backwardError.float32}`);
    assert.deepEqual(jacobian.diagnoses, []);
    assert.match(
      jacobian.verdictText,
      /^Invertible in float32: of 60 test images taken through the float32 round trip, 0% of them broken/,
    );
  });

  it('says float32 is not enough for κ ≈ 1e7, where float64 still round-trips', async () => {
    // Half the singular values 1, half 1e-7: float32 rounding (6e-8) in any direction is multiplied by 1e7.
    const rng = createRng(7);
    const architecture = customArchitecture({ depth: 1, activation: false, width: N });
    const sigmas = Array.from({ length: N }, (_, i) => (i < N / 2 ? 1 : 1e-7));
    const { layers, jacobian, reconstruction } = await verdictOf(
      architecture,
      paramsWith(architecture, [matrixWithSingularValues(sigmas, rng)], rng),
    );
    const cond = layers[0].spectrum.cond;
    assert.ok(cond > 1e6 && cond < 1e8, `κ of the stored float32 layer is ${cond}`);
    assert.equal(jacobian.verdict, 'float32-insufficient', jacobian.verdictText);
    assert.ok(reconstruction.report.overall.float32.brokenFraction > 0.5);
    assert.ok(jacobian.backwardError.float64 < 1e-14, `float64 backward error ${jacobian.backwardError.float64}`);
    assert.match(
      jacobian.verdictText,
      /^float32 is not enough: of 60 test images taken through the float32 round trip \(float32 forward and inverse\), \d+% of them broken/,
    );
    assert.match(
      jacobian.verdictText,
      /A round trip entirely in float64 recovers them \(median relative error [\d.e-]+, 0% broken\)/,
    );
    assert.ok(
      jacobian.verdictText.includes(`κ = ${formatNumber(jacobian.cond)} for the end-to-end Jacobian`),
      jacobian.verdictText,
    );
  });

  it('calls a layer with κ ≈ 1e17 non-invertible even in float64 and names it', async () => {
    const rng = createRng(11);
    const architecture = customArchitecture({ depth: 2, activation: true, width: N });
    const first = wellConditioned(N, 1, false, 3).params.weights[0];
    const { layers, jacobian } = await verdictOf(
      architecture,
      paramsWith(architecture, [first, nearlySingularIntegers(N, rng)], rng),
    );
    assert.ok(layers[1].spectrum.cond > 1e15, `κ of layer 2 is ${layers[1].spectrum.cond}`);
    assert.equal(jacobian.verdict, 'non-invertible-float64', jacobian.verdictText);
    assert.equal(layers[1].spectrum.solvable?.float64 === 'invertible', false);
    assert.equal(jacobian.diagnoses?.length, 1);
    assert.match(
      jacobian.diagnoses?.[0] ?? '',
      /^layer 2 \(3\.weight\) is (numerically )?singular in float64: σmin = [\d.e-]+ \(σmax [\d.]+, κ = [\d.e]+\)/,
    );
    assert.ok(jacobian.verdictText.startsWith(`Not invertible, even in float64. ${jacobian.diagnoses?.[0]}`));
  });

  it('reports an exactly singular layer instead of failing, with NaN reconstructions', async () => {
    const rng = createRng(13);
    const architecture = customArchitecture({ depth: 2, activation: true, width: N });
    const singular = matrixWithSingularValues(
      Array.from({ length: N }, () => 1),
      rng,
    );
    singular.copyWithin(3 * N, 5 * N, 6 * N); // row 3 = row 5
    const first = wellConditioned(N, 1, false, 3).params.weights[0];
    const { layers, jacobian, reconstruction } = await verdictOf(
      architecture,
      paramsWith(architecture, [first, singular], rng),
    );
    assert.equal(layers[1].spectrum.solvable?.float64, 'singular');
    assert.ok(layers[1].spectrum.sigmaMin < 1e-14);
    assert.equal(jacobian.verdict, 'non-invertible-float64');
    assert.match(
      jacobian.diagnoses?.[0] ?? '',
      /^layer 2 \(3\.weight\) is singular in float64: σmin = .*its smallest LU pivot is 0\.$/,
    );
    assert.equal(jacobian.resolvable, false, 'a singular layer makes κ(J) infinite, beyond float64');
    assert.equal(jacobian.cond, FLOAT64_RESOLVABLE_COND);
    assert.equal(jacobian.condEstimate, Number.POSITIVE_INFINITY);
    assert.match(
      jacobian.verdictText,
      /κ > 4\.5e15 for the end-to-end Jacobian at .* \(σmin is below what float64 resolves next to σmax, so this is a lower bound\)/,
    );
    assert.ok(reconstruction.report.examples[0].float64.every(Number.isNaN));
    assert.equal(reconstruction.report.overall.float64.brokenFraction, 1);
  });
});

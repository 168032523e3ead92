import type { Scalar, Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs';
import type { ModelParams } from '../../model/params';
import type { BatchLoss, EngineOptions, OptimizerState } from '../engine';
import { assembleLu } from '../flow/assembleLu';
import { isDiagonalLayer } from '../flow/flowCheckpoint';
import { dequantizeInto, evaluationNoise, trainingNoise } from '../flow/dequantize';
import { flowEngineStart, type FlowEngineStart } from '../flow/flowEngineStart';
import {
  type FlowEngineOptions,
  type FlowState,
  type FlowTrainingEngine,
  type PriorMoments,
} from '../flow/flowEngineTypes';
import { hasFullCovariance, priorRank } from '../flow/flowPrior';
import { inversePermutation, type LuLayer } from '../flow/luLayer';
import { learningRateFactor } from '../flow/learningRateFactor';
import { LOG_2PI } from '../seedLoss';
import type { LoadedTfjs } from './loadTfjs';
import { applyAdam } from './tfjsAdam';
import { createFlowOps, type FlowOps } from './tfjsFlowOps';

/**
 * The flow objective in plain tfjs: LU layers applied factor by factor
 * (h·Uᵀ·Lᵀ, then P's row order, then the bias), LeakyReLU, the exact negative
 * log-likelihood of flowLoss.ts, autodiff and PyTorch's Adam. Every trainable
 * number of a layer lives in one n×n variable (the packed factors, see
 * luLayer.ts); sign and permutation are constants. A diagonal layer
 * (FlowEngineOptions.diagonalLayers) lives in one n-vector, its log-diagonal,
 * and is applied elementwise; a frozen layer's variables are not updated.
 * A full-covariance prior's whitener W_a is a constant: μ_a and σ_a train.
 * The reference for faster flow paths, and the path tfjs-node runs.
 */
export function createTfjsFlowEngine(
  options: EngineOptions & { readonly flow?: FlowEngineOptions },
  loaded: LoadedTfjs,
): FlowTrainingEngine {
  return new TfjsFlowEngine(options, flowEngineStart(options, 'flow engine'), loaded);
}

class TfjsFlowEngine implements FlowTrainingEngine {
  readonly backend;
  private readonly tf: LoadedTfjs['tf'];
  private readonly ops: FlowOps;
  private readonly n: number;
  private readonly classes: number;
  private readonly signs: Float32Array[];
  private readonly perms: Int32Array[];
  /** Per layer: the packed factors (n × n), or for a diagonal layer its log-diagonal s (n). */
  private readonly weights: Variable[];
  private readonly biases: Variable[];
  private readonly diagonal: boolean[];
  private readonly frozen: boolean[];
  private readonly priorMean?: Variable;
  private readonly priorLogStd?: Variable;
  /** A low-rank prior's factors, one classes × n variable per direction i (row a = row i of F_a). */
  private readonly priorFactors: Variable[];
  /** A full-covariance prior's W_aᵀ per class (constants), its ln det W_a per class, and W itself as given. */
  private readonly whitenerT: Tensor2D[] = [];
  private readonly whitenerLogDet?: Tensor2D;
  private readonly whitener?: Float32Array;
  private readonly constants: Tensor[] = [];
  private readonly signTensors: Tensor1D[];
  private readonly permTensors: Tensor1D[];
  private readonly inverseTensors: Tensor1D[];
  private readonly eye: Tensor2D;
  private readonly strictLower: Tensor2D;
  private readonly strictUpper: Tensor2D;
  private readonly firstMoment: Variable[];
  private readonly secondMoment: Variable[];
  private readonly input: Float32Array;
  private readonly flow: FlowEngineOptions;
  private readonly warmupSteps: number;
  private step: number;
  private disposed = false;

  constructor(
    private readonly options: EngineOptions,
    start: FlowEngineStart,
    loaded: LoadedTfjs,
  ) {
    const tf = (this.tf = loaded.tf);
    this.ops = createFlowOps(tf);
    this.backend = { name: loaded.backend, description: loaded.description, threads: 1 };
    const n = (this.n = options.architecture.width);
    const { flow, layers, prior } = start;
    this.flow = flow;
    this.classes = start.classes;
    this.warmupSteps = start.warmupSteps;
    this.signs = layers.map((layer) => layer.sign.slice());
    this.perms = layers.map((layer) => layer.perm.slice());
    const keep = <T extends Tensor>(t: T): T => {
      this.constants.push(t);
      return t;
    };
    this.signTensors = this.signs.map((s) => keep(tf.tensor1d(s)));
    this.permTensors = this.perms.map((p) => keep(tf.tensor1d(p, 'int32')));
    this.inverseTensors = this.perms.map((p) => keep(tf.tensor1d(inversePermutation(p), 'int32')));
    this.eye = keep(tf.eye(n));
    this.strictLower = keep(tf.linalg.bandPart(tf.ones([n, n]), -1, 0).sub<Tensor2D>(this.eye));
    this.strictUpper = keep(tf.linalg.bandPart(tf.ones([n, n]), 0, -1).sub<Tensor2D>(this.eye));
    const L = layers.length;
    const layerSet = (list: readonly number[] | undefined, what: string) => {
      const set = Array<boolean>(L).fill(false);
      for (const l of list ?? []) {
        if (!(Number.isInteger(l) && l >= 0 && l < L))
          throw new RangeError(`flow engine: ${what} holds ${l}, not a layer index in 0..${L - 1}`);
        set[l] = true;
      }
      return set;
    };
    this.diagonal = layerSet(flow.diagonalLayers, 'diagonalLayers');
    this.frozen = layerSet(flow.frozenLayers, 'frozenLayers');
    this.diagonal.forEach((d, l) => {
      if (d && !isDiagonalLayer(layers[l]))
        throw new RangeError(
          `flow engine layer ${l}: a diagonal layer needs P = I and nothing off the diagonal of its factors`,
        );
    });
    this.weights = layers.map((layer, l) =>
      tf.variable(
        this.diagonal[l] ? tf.tensor1d(diagonalOf(layer.packed, n)) : tf.tensor2d(layer.packed, [n, n]),
        !this.frozen[l],
      ),
    );
    this.biases = options.initialParams.biases.map((b, l) => tf.variable(tf.tensor1d(b), !this.frozen[l]));
    if (prior) {
      this.priorMean = tf.variable(tf.tensor2d(prior.mean, [this.classes, n]), true);
      this.priorLogStd = tf.variable(tf.tensor2d(prior.logStd, [this.classes, n]), true);
    }
    if (prior && hasFullCovariance(prior)) {
      this.whitener = prior.whitener;
      const logDet = new Float32Array(this.classes);
      for (let a = 0; a < this.classes; a++) {
        const w = prior.whitener.subarray(a * n * n, (a + 1) * n * n);
        this.whitenerT.push(keep(tf.transpose(tf.tensor2d(w, [n, n]))));
        for (let i = 0; i < n; i++) logDet[a] += Math.log(w[i * n + i]);
      }
      this.whitenerLogDet = keep(tf.tensor2d(logDet, [this.classes, 1]));
    }
    const rank = prior ? priorRank(prior) : 0;
    const direction = (values: Float32Array, i: number) =>
      tf.tensor2d(factorRows(values, this.classes, rank, n, i), [this.classes, n]);
    this.priorFactors = Array.from({ length: rank }, (_, i) =>
      tf.variable(direction(prior?.factors ?? new Float32Array(0), i), true),
    );
    const s = options.initialOptimizerState;
    const pm = flow.initialPriorMoments;
    const moment = (state: ModelParams | undefined, prior: PriorMoments['first'] | undefined) => [
      ...this.weights.map((p, l) =>
        tf.variable(
          state
            ? this.diagonal[l]
              ? tf.tensor1d(diagonalOf(state.weights[l], n))
              : tf.tensor2d(state.weights[l], [n, n])
            : tf.zerosLike(p),
          false,
        ),
      ),
      ...this.biases.map((b, l) => tf.variable(state ? tf.tensor1d(state.biases[l]) : tf.zerosLike(b), false)),
      ...(this.priorMean && this.priorLogStd
        ? [
            tf.variable(prior ? tf.tensor2d(prior.mean, [this.classes, n]) : tf.zerosLike(this.priorMean), false),
            tf.variable(prior ? tf.tensor2d(prior.logStd, [this.classes, n]) : tf.zerosLike(this.priorLogStd), false),
          ]
        : []),
      ...this.priorFactors.map((f, i) =>
        tf.variable(prior?.factors ? direction(prior.factors, i) : tf.zerosLike(f), false),
      ),
    ];
    this.firstMoment = moment(s?.firstMoment, pm?.first);
    this.secondMoment = moment(s?.secondMoment, pm?.second);
    this.step = s?.step ?? 0;
    this.input = new Float32Array(options.maxBatchSize * n);
  }

  /** Every parameter, in the order of the Adam moments: weights, biases, prior. */
  private get parameters(): Variable[] {
    return [
      ...this.weights,
      ...this.biases,
      ...(this.priorMean && this.priorLogStd ? [this.priorMean, this.priorLogStd] : []),
      ...this.priorFactors,
    ];
  }

  /** Positions in `parameters` that training updates (not those of frozen layers). */
  private get trainedIndices(): number[] {
    const L = this.weights.length;
    return this.parameters.map((_, i) => i).filter((i) => i >= 2 * L || !this.frozen[i % L]);
  }

  /** Per-row latent and −log|det J| as two [count] tensors. */
  private lossParts(x: Tensor2D, labels: Uint8Array, count: number, tau: number): [Tensor1D, Tensor1D] {
    const tf = this.tf;
    const { ops, n } = this;
    const arch = this.options.architecture;
    const alpha = arch.negativeSlope;
    let h = x;
    let logDet: Tensor = tf.scalar(0);
    let negatives: Tensor1D = tf.zeros([count]);
    arch.layers.forEach((layer, l) => {
      if (this.diagonal[l]) {
        const s = this.weights[l];
        h = tf.add<Tensor2D>(tf.mul(h, tf.mul(this.signTensors[l], tf.exp(s))), this.biases[l]);
        logDet = tf.add(logDet, tf.sum(s));
      } else {
        const packed = this.weights[l];
        const s = tf.sum(tf.mul(packed, this.eye), 1);
        const packedT = tf.transpose(packed);
        const diagonal = tf.mul(this.eye, tf.reshape(tf.mul(this.signTensors[l], tf.exp(s)), [1, n]));
        const upperT = tf.add<Tensor2D>(tf.mul(packedT, this.strictLower), diagonal);
        const lowerT = tf.add<Tensor2D>(tf.mul(packedT, this.strictUpper), this.eye);
        h = ops.matMul(ops.matMul(h, upperT), lowerT);
        h = tf.add(ops.permuteColumns(h, this.permTensors[l], this.inverseTensors[l]), this.biases[l]);
        logDet = tf.add(logDet, tf.sum(s));
      }
      if (layer.activation) {
        negatives = tf.add(negatives, ops.negativeCount(h, tau));
        h = tf.leakyRelu(h, alpha);
      }
    });
    const negLogDet = tf.sub<Tensor1D>(tf.mul(negatives, -Math.log(alpha)), logDet);
    let latent: Tensor1D;
    if (this.priorMean && this.priorLogStd) {
      const oneHot = tf
        .oneHot(tf.tensor1d(Int32Array.from(labels.subarray(0, count)), 'int32'), this.classes)
        .toFloat() as Tensor2D;
      const mean = ops.matMul(oneHot, this.priorMean as unknown as Tensor2D);
      const logStd = ops.matMul(oneHot, this.priorLogStd as unknown as Tensor2D);
      const invStd = tf.exp(tf.neg(logStd));
      const d = tf.mul(tf.sub(h, mean), invStd);
      latent = tf.add(tf.add(tf.mul(tf.sum(tf.square(d), 1), 0.5), tf.sum(logStd, 1)), 0.5 * n * LOG_2PI);
      if (this.priorFactors.length > 0) {
        const w = this.priorFactors.map((f) => tf.mul<Tensor2D>(ops.matMul(oneHot, f as unknown as Tensor2D), invStd));
        latent = tf.add(latent, lowRankTerm(tf, w, d));
      }
      if (this.whitenerLogDet) {
        const { whitenerT, whitenerLogDet } = this;
        latent = tf.add(
          latent,
          fullCovarianceTerm(tf, ops, whitenerT, whitenerLogDet, oneHot, d as Tensor2D, labels, count),
        );
      }
    } else {
      const mu = tf.reshape(tf.mul(tf.tensor1d(Float32Array.from(labels.subarray(0, count))), 2), [-1, 1]);
      latent = tf.add(tf.mul(tf.sum(tf.square(tf.sub(h, mu)), 1), 0.5), 0.5 * n * LOG_2PI);
    }
    return [latent, negLogDet];
  }

  private inputs(images: Float32Array, labels: Uint8Array, count: number, training: boolean): Tensor2D {
    this.assertUsable(count);
    const { n } = this;
    for (let r = 0; r < count; r++) {
      if (!(labels[r] < this.classes))
        throw new RangeError(`flow engine: label ${labels[r]} at row ${r} is outside 0..${this.classes - 1}`);
    }
    let x: Float32Array = images.subarray(0, count * n);
    if (this.flow.dequantize) {
      const rng = training
        ? trainingNoise(this.flow.seed, this.step)
        : evaluationNoise(this.flow.seed, images, labels, count, n);
      x = dequantizeInto(images, count, n, rng, this.input).subarray(0, count * n);
    }
    return this.tf.tensor2d(x, [count, n]);
  }

  async trainStep(images: Float32Array, labels: Uint8Array, count: number): Promise<BatchLoss> {
    const tf = this.tf;
    const all = this.parameters;
    const trained = this.trainedIndices;
    const params = trained.map((i) => all[i]);
    const readings = tf.tidy(() => {
      const x = this.inputs(images, labels, count, true);
      let parts: Tensor[] = [];
      const { value, grads } = tf.variableGrads(() => {
        const [latent, negLogDet] = this.lossParts(x, labels, count, this.flow.boundarySurrogate);
        parts = [tf.keep(tf.mean(latent)), tf.keep(tf.mean(negLogDet))];
        return tf.mean<Scalar>(tf.add(latent, negLogDet));
      }, params);
      this.step += 1;
      const rate = this.options.learningRate * learningRateFactor(this.step, this.warmupSteps, this.flow.cosineSteps);
      applyAdam(
        tf,
        params,
        params.map((p) => grads[p.name]),
        trained.map((i) => this.firstMoment[i]),
        trained.map((i) => this.secondMoment[i]),
        this.step,
        rate,
      );
      const stacked = tf.stack([value, ...parts]);
      // tf.keep let the parts outlive variableGrads' own scope; no scope frees them now.
      for (const part of parts) part.dispose();
      return stacked;
    });
    const [loss, latent, negLogDet] = readings.dataSync();
    readings.dispose();
    return { loss, parts: [latent, negLogDet] };
  }

  async evaluate(images: Float32Array, labels: Uint8Array, count: number): Promise<BatchLoss> {
    const tf = this.tf;
    const readings = tf.tidy(() => {
      const x = this.inputs(images, labels, count, false);
      const [latent, negLogDet] = this.lossParts(x, labels, count, 0);
      return tf.stack([tf.mean(tf.add(latent, negLogDet)), tf.mean(latent), tf.mean(negLogDet)]);
    });
    const [loss, latent, negLogDet] = readings.dataSync();
    readings.dispose();
    return { loss, parts: [latent, negLogDet] };
  }

  /** A layer's weights (or their Adam moments) in the packed n × n layout. */
  private packedOf(v: Variable, l: number): Float32Array {
    const values = (v.dataSync() as Float32Array).slice();
    if (!this.diagonal[l]) return values;
    const n = this.n;
    const packed = new Float32Array(n * n);
    for (let i = 0; i < n; i++) packed[i * n + i] = values[i];
    return packed;
  }

  private layersNow(): LuLayer[] {
    return this.weights.map((p, l) => ({
      width: this.n,
      packed: this.packedOf(p, l),
      sign: this.signs[l].slice(),
      perm: this.perms[l].slice(),
    }));
  }

  async getParams(): Promise<ModelParams> {
    this.assertUsable(1);
    return {
      weights: this.layersNow().map((layer) => Float32Array.from(assembleLu(layer))),
      biases: this.biases.map((b) => (b.dataSync() as Float32Array).slice()),
    };
  }

  async getOptimizerState(): Promise<OptimizerState> {
    this.assertUsable(1);
    const layers = this.weights.length;
    const read = (vars: Variable[]): ModelParams => ({
      weights: vars.slice(0, layers).map((v, l) => this.packedOf(v, l)),
      biases: vars.slice(layers, 2 * layers).map((v) => (v.dataSync() as Float32Array).slice()),
    });
    return { step: this.step, firstMoment: read(this.firstMoment), secondMoment: read(this.secondMoment) };
  }

  async getFlowState(): Promise<FlowState> {
    this.assertUsable(1);
    const layers = this.layersNow();
    const biases = this.biases.map((b) => (b.dataSync() as Float32Array).slice());
    if (!this.priorMean || !this.priorLogStd) return { layers, biases, prior: { kind: 'paper' } };
    const read = (v: Variable) => (v.dataSync() as Float32Array).slice();
    const k = 2 * this.weights.length;
    return {
      layers,
      biases,
      prior: {
        kind: 'class',
        classes: this.classes,
        mean: read(this.priorMean),
        logStd: read(this.priorLogStd),
        ...this.lowRank(this.priorFactors),
        ...(this.whitener ? { whitener: this.whitener } : {}),
      },
      priorMoments: {
        first: {
          mean: read(this.firstMoment[k]),
          logStd: read(this.firstMoment[k + 1]),
          ...this.lowRank(this.firstMoment.slice(k + 2)),
        },
        second: {
          mean: read(this.secondMoment[k]),
          logStd: read(this.secondMoment[k + 1]),
          ...this.lowRank(this.secondMoment.slice(k + 2)),
        },
      },
    };
  }

  /** `rank` and `factors` (classes × rank × n) from one variable per direction; nothing for a diagonal prior. */
  private lowRank(directions: Variable[]): { rank?: number; factors?: Float32Array } {
    const rank = directions.length;
    if (rank === 0) return {};
    const { classes, n } = this;
    const factors = new Float32Array(classes * rank * n);
    directions.forEach((v, i) => {
      const values = v.dataSync() as Float32Array;
      for (let a = 0; a < classes; a++) factors.set(values.subarray(a * n, (a + 1) * n), (a * rank + i) * n);
    });
    return { rank, factors };
  }

  private assertUsable(count: number): void {
    if (this.disposed) throw new Error('tfjs flow engine: used after dispose()');
    if (!Number.isInteger(count) || count < 1 || count > this.options.maxBatchSize) {
      throw new RangeError(
        `tfjs flow engine: batch count must be an integer in 1..${this.options.maxBatchSize}, got ${count}`,
      );
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const vars = [...this.parameters, ...this.firstMoment, ...this.secondMoment];
    for (const t of [...vars, ...this.constants]) t.dispose();
  }
}

/** Row i of every class's F_a (classes × n) from factors laid out classes × rank × n. */
function factorRows(factors: Float32Array, classes: number, rank: number, n: number, i: number): Float32Array {
  const rows = new Float32Array(classes * n);
  for (let a = 0; a < classes; a++) rows.set(factors.subarray((a * rank + i) * n, (a * rank + i + 1) * n), a * n);
  return rows;
}

/**
 * What a low-rank prior adds to each row's latent term (flowPrior.lowRankCorrection):
 * −½ vᵀM⁻¹v + ½ ln det M with v = W·u and M = I + W·Wᵀ (k × k per row), where row i
 * of W is `w[i]` (the class's F row divided by σ) and u = `u` (the standardized
 * latent). M is factored by an unrolled Cholesky on [count] tensors (k is small),
 * so autodiff gives the gradients of the factors, σ, μ and the flow.
 */
function lowRankTerm(tf: LoadedTfjs['tf'], w: Tensor2D[], u: Tensor): Tensor1D {
  const k = w.length;
  const v = w.map((wi) => tf.sum(tf.mul(wi, u), 1));
  const m: Tensor[][] = [];
  for (let i = 0; i < k; i++) {
    m.push([]);
    for (let p = 0; p <= i; p++) m[i].push(tf.add(tf.sum(tf.mul(w[i], w[p]), 1), i === p ? 1 : 0));
  }
  const c: Tensor[][] = [];
  const y: Tensor[] = [];
  let logDet: Tensor = tf.scalar(0);
  let quad: Tensor = tf.scalar(0);
  for (let i = 0; i < k; i++) {
    c.push([]);
    for (let p = 0; p <= i; p++) {
      let s = m[i][p];
      for (let q = 0; q < p; q++) s = tf.sub(s, tf.mul(c[i][q], c[p][q]));
      c[i].push(i === p ? tf.sqrt(s) : tf.div(s, c[p][p]));
    }
    let r = v[i];
    for (let q = 0; q < i; q++) r = tf.sub(r, tf.mul(c[i][q], y[q]));
    y.push(tf.div(r, c[i][i]));
    quad = tf.add(quad, tf.square(y[i]));
    logDet = tf.add(logDet, tf.log(c[i][i]));
  }
  // ½ ln det M = Σ ln c_ii.
  return tf.sub<Tensor1D>(logDet, tf.mul(quad, 0.5));
}

/**
 * What a full-covariance prior adds to each row's latent term (flowPrior.fullCorrection):
 * ½‖W_a·u‖² − ½‖u‖² − ln det W_a for the standardized latent u of a row of class a.
 * The rows are put in class order by a permutation matrix (a gather's gradient needs
 * a kernel tfjs-wasm lacks), each class's block is multiplied by its W_aᵀ (one n × n
 * product per class present, together the cost of one dense layer), and the
 * per-row sums go back to the batch's order by the transposed permutation.
 */
function fullCovarianceTerm(
  tf: LoadedTfjs['tf'],
  ops: FlowOps,
  whitenerT: readonly Tensor2D[],
  logDet: Tensor2D,
  oneHot: Tensor2D,
  u: Tensor2D,
  labels: Uint8Array,
  count: number,
): Tensor1D {
  const order: number[] = [];
  const blocks: Array<{ a: number; start: number; size: number }> = [];
  whitenerT.forEach((_, a) => {
    const start = order.length;
    for (let r = 0; r < count; r++) if (labels[r] === a) order.push(r);
    if (order.length > start) blocks.push({ a, start, size: order.length - start });
  });
  const permutation = new Float32Array(count * count);
  order.forEach((r, i) => (permutation[i * count + r] = 1));
  const p = tf.tensor2d(permutation, [count, count]);
  const sorted = ops.matMul(p, u);
  const parts = blocks.map(({ a, start, size }) => {
    const y = ops.matMul(tf.slice(sorted, [start, 0], [size, -1]), whitenerT[a]);
    return tf.sum(tf.square(y), 1, true);
  });
  const quad = tf.reshape(ops.matMul(tf.transpose(p), tf.concat(parts, 0) as Tensor2D), [count]);
  const ownLogDet = tf.reshape(ops.matMul(oneHot, logDet), [count]);
  return tf.sub<Tensor1D>(tf.mul(tf.sub(quad, tf.sum(tf.square(u), 1)), 0.5), ownLogDet);
}

/** The diagonal of a row-major n × n array. */
function diagonalOf(values: ArrayLike<number>, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => values[i * n + i]);
}

import type { Tensor, Tensor2D, Variable } from '@tensorflow/tfjs';
import type { ModelParams } from '../../model/params';
import type { BatchLoss, EngineOptions, OptimizerState, TrainingEngine } from '../engine';
import { LOG_2PI } from '../seedLoss';
import type { FlowEngineOptions } from '../flow/flowEngineTypes';
import type { LoadedTfjs } from './loadTfjs';
import { applyAdam } from './tfjsAdam';
import { createTfjsFlowEngine } from './tfjsFlowEngine';

/**
 * Training written plainly in tfjs: the forward pass, tfjs's automatic
 * differentiation, and Adam in tfjs ops. It is the reference every faster path
 * is checked against, and the path that runs when tfjs-node is installed.
 * The 'flow' objective runs in tfjsFlowEngine.ts, configured by `flow`.
 */
export async function createTfjsEngine(
  options: EngineOptions & { readonly flow?: FlowEngineOptions },
  loaded: LoadedTfjs,
): Promise<TrainingEngine> {
  if (options.objective === 'flow') return createTfjsFlowEngine(options, loaded);
  if (options.objective !== 'seed') {
    throw new Error(`the tfjs engine trains the 'seed' or 'flow' objective; got '${String(options.objective)}'`);
  }
  return new TfjsEngine(options, loaded);
}

class TfjsEngine implements TrainingEngine {
  readonly backend;
  private readonly tf: LoadedTfjs['tf'];
  private readonly weights: Variable[];
  private readonly biases: Variable[];
  private readonly firstMoment: Variable[];
  private readonly secondMoment: Variable[];
  private step: number;
  private disposed = false;

  constructor(
    private readonly options: EngineOptions,
    loaded: LoadedTfjs,
  ) {
    const tf = (this.tf = loaded.tf);
    this.backend = { name: loaded.backend, description: loaded.description, threads: 1 };
    const n = options.architecture.width;
    const { initialParams: p, initialOptimizerState: s } = options;
    this.weights = p.weights.map((w) => tf.variable(tf.tensor2d(w, [n, n]), true));
    this.biases = p.biases.map((b) => tf.variable(tf.tensor1d(b), true));
    const moment = (source: ModelParams | undefined) => [
      ...this.weights.map((w, l) =>
        tf.variable(source ? tf.tensor2d(source.weights[l], [n, n]) : tf.zerosLike(w), false),
      ),
      ...this.biases.map((b, l) => tf.variable(source ? tf.tensor1d(source.biases[l]) : tf.zerosLike(b), false)),
    ];
    this.firstMoment = moment(s?.firstMoment);
    this.secondMoment = moment(s?.secondMoment);
    this.step = s?.step ?? 0;
  }

  private forward(x: Tensor2D): Tensor2D {
    const tf = this.tf;
    const slope = this.options.architecture.negativeSlope;
    let h = x;
    this.options.architecture.layers.forEach((layer, l) => {
      h = tf.add(tf.matMul(h, this.weights[l], false, true), this.biases[l]);
      if (layer.activation) h = tf.leakyRelu(h, slope);
    });
    return h;
  }

  /** Per-sample [nll, variance penalty] as two [count] tensors. */
  private lossParts(y: Tensor2D, labels: Tensor): [Tensor, Tensor] {
    const tf = this.tf;
    const n = this.options.architecture.width;
    const mu = tf.reshape(tf.mul(labels, 2), [-1, 1]);
    const nll = tf.add(tf.mul(tf.sum(tf.square(tf.sub(y, mu)), 1), 0.5), 0.5 * n * LOG_2PI);
    const centred = tf.sub(y, tf.mean(y, 1, true));
    const variance = tf.div(tf.sum(tf.square(centred), 1), n - 1);
    return [nll, tf.square(tf.sub(variance, 1))];
  }

  private inputs(images: Float32Array, labels: Uint8Array, count: number): [Tensor2D, Tensor] {
    this.assertUsable(count);
    const n = this.options.architecture.width;
    return [
      this.tf.tensor2d(images.subarray(0, count * n), [count, n]),
      this.tf.tensor1d(Float32Array.from(labels.subarray(0, count))),
    ];
  }

  async trainStep(images: Float32Array, labels: Uint8Array, count: number): Promise<BatchLoss> {
    const tf = this.tf;
    const params = [...this.weights, ...this.biases];
    const readings = tf.tidy(() => {
      const [x, a] = this.inputs(images, labels, count);
      let parts: Tensor[] = [];
      const { value, grads } = tf.variableGrads(() => {
        const [nll, penalty] = this.lossParts(this.forward(x), a);
        parts = [tf.keep(tf.mean(nll)), tf.keep(tf.mean(penalty))];
        return tf.mean<import('@tensorflow/tfjs').Scalar>(tf.add(nll, penalty));
      }, params);
      this.applyAdam(params.map((p) => grads[p.name]));
      const stacked = tf.stack([value, ...parts]);
      // tf.keep let the parts outlive variableGrads' own scope; no scope frees them now.
      for (const part of parts) part.dispose();
      return stacked;
    });
    const [loss, nll, penalty] = readings.dataSync();
    readings.dispose();
    return { loss, parts: [nll, penalty] };
  }

  private applyAdam(grads: Tensor[]): void {
    this.step += 1;
    applyAdam(
      this.tf,
      [...this.weights, ...this.biases],
      grads,
      this.firstMoment,
      this.secondMoment,
      this.step,
      this.options.learningRate,
    );
  }

  async evaluate(images: Float32Array, labels: Uint8Array, count: number): Promise<BatchLoss> {
    const tf = this.tf;
    const readings = tf.tidy(() => {
      const [x, a] = this.inputs(images, labels, count);
      const [nll, penalty] = this.lossParts(this.forward(x), a);
      return tf.stack([tf.mean(tf.add(nll, penalty)), tf.mean(nll), tf.mean(penalty)]);
    });
    const [loss, nll, penalty] = readings.dataSync();
    readings.dispose();
    return { loss, parts: [nll, penalty] };
  }

  async getParams(): Promise<ModelParams> {
    this.assertUsable(1);
    return {
      weights: this.weights.map((w) => w.dataSync() as Float32Array).map((a) => a.slice()),
      biases: this.biases.map((b) => b.dataSync() as Float32Array).map((a) => a.slice()),
    };
  }

  async getOptimizerState(): Promise<OptimizerState> {
    this.assertUsable(1);
    const layers = this.weights.length;
    const read = (vars: Variable[]): ModelParams => ({
      weights: vars.slice(0, layers).map((v) => (v.dataSync() as Float32Array).slice()),
      biases: vars.slice(layers).map((v) => (v.dataSync() as Float32Array).slice()),
    });
    return { step: this.step, firstMoment: read(this.firstMoment), secondMoment: read(this.secondMoment) };
  }

  private assertUsable(count: number): void {
    if (this.disposed) throw new Error('tfjs engine: used after dispose()');
    if (!Number.isInteger(count) || count < 1 || count > this.options.maxBatchSize) {
      throw new RangeError(
        `tfjs engine: batch count must be an integer in 1..${this.options.maxBatchSize}, got ${count}`,
      );
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of [...this.weights, ...this.biases, ...this.firstMoment, ...this.secondMoment]) v.dispose();
  }
}

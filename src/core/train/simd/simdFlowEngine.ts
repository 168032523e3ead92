import { join } from 'node:path';
import type { ModelParams } from '../../model/params';
import { compileFlowModule, loadFlowKernels } from '../../wasm/flowKernels';
import { WasmHeap } from '../../wasm/heap';
import { createSharedMemory } from '../../wasm/kernelModule';
import type { BatchLoss, EngineOptions, OptimizerState } from '../engine';
import { assembleLu } from '../flow/assembleLu';
import { dequantizeInto, evaluationNoise, trainingNoise } from '../flow/dequantize';
import { flowEngineStart, type FlowEngineStart } from '../flow/flowEngineStart';
import type { FlowEngineOptions, FlowState, FlowTrainingEngine, PriorMoments } from '../flow/flowEngineTypes';
import { hasFullCovariance, priorRank, type FlowPrior } from '../flow/flowPrior';
import { learningRateFactor } from '../flow/learningRateFactor';
import { inversePermutation, type LuLayer } from '../flow/luLayer';
import { LOG_2PI } from '../seedLoss';
import { writeAdamCommand } from './denseCommand';
import { allocateFlowLayout, FLOW_COUNTER_STRIDE, type FlowLayout } from './flowLayout';
import { createFlowPlan } from './flowPlan';
import { flowBlocks, flowStages } from './flowStages';
import { FLOW_OP, FLOW_SLOT, type FlowTaskData } from './flowTask';
import { PooledEngine } from './pooledEngine';

const NAME = 'simd flow engine';

/**
 * The flow objective on Invertscope's WebAssembly SIMD kernels (assembly/flow.ts) and
 * worker threads: the same model, loss, surrogate gradient, dequantization, prior and
 * schedule as the tfjs flow engine, computed without ever forming W = P·L·U. Each LU
 * layer is applied as two triangular products (U, then L, then P's row order), and the
 * gradients of L and U come directly as masked outer products over the batch; a step is
 * split over the pool's threads phase by phase (flowPlan.ts). Every buffer is allocated
 * once, so memory stays flat across steps and epochs.
 */
export async function createSimdFlowEngine(
  options: EngineOptions & { readonly flow?: FlowEngineOptions },
  threads: number,
): Promise<FlowTrainingEngine> {
  const start = flowEngineStart(options, NAME);
  // Diagonal and frozen layers (a 'gaussianize' start) are applied and updated by the tfjs
  // flow engine only; trained here, they would silently become dense and trained.
  if ((start.flow.diagonalLayers?.length ?? 0) > 0 || (start.flow.frozenLayers?.length ?? 0) > 0) {
    throw new RangeError(
      `${NAME}: trains every layer in full; diagonal or frozen layers (the 'gaussianize' init) need the tfjs flow engine (wasm or cpu)`,
    );
  }
  // Its kernels hold a diagonal prior only; a low-rank one would silently lose its factors.
  if (start.prior && priorRank(start.prior) > 0) {
    throw new RangeError(
      `${NAME}: its prior is diagonal; a low-rank class prior (rank ${priorRank(start.prior)}) needs the tfjs flow engine (wasm or cpu)`,
    );
  }
  if (start.prior && hasFullCovariance(start.prior)) {
    throw new RangeError(
      `${NAME}: its prior is diagonal; a full-covariance class prior needs the tfjs flow engine (wasm or cpu)`,
    );
  }
  const arch = options.architecture;
  const n = arch.width;
  const blocks = flowBlocks(flowStages(arch));
  checkBiases(options.initialParams.biases, blocks.length);
  const module = compileFlowModule();
  const memory = createSharedMemory(blocks.length * (4 * n * n + 4 * n * options.maxBatchSize) * 4);
  const heap = new WasmHeap(memory);
  const probe = loadFlowKernels(memory, module);
  const classes = start.prior ? start.classes : null;
  const shape = {
    width: n,
    blocks: blocks.length,
    maxBatch: options.maxBatchSize,
    learnedPrior: classes !== null,
    threads,
  };
  const phases = createFlowPlan(shape);
  const layout = allocateFlowLayout(
    heap,
    blocks,
    n,
    options.maxBatchSize,
    classes,
    threads,
    (k) => probe.flowWorkspaceBytes(k),
    phases.forward.length + phases.backward.length,
  );
  const engine = new SimdFlowEngine(memory, layout, options, start);
  engine.load(options, start, (from, to) => {
    if (layout.prior) probe.expInto(layout.prior.logStd, layout.prior.invStd, from, to, true);
  });
  const taskData: FlowTaskData = { layout, module };
  await engine.startPool(threads, memory, layout.controlOffset, join(__dirname, 'flowTask.js'), taskData);
  return engine;
}

function checkBiases(biases: readonly Float32Array[], layers: number): void {
  if (biases.length !== layers)
    throw new RangeError(`${NAME}: initialParams has ${biases.length} biases, expected ${layers}`);
}

class SimdFlowEngine extends PooledEngine implements FlowTrainingEngine {
  private readonly flow: FlowEngineOptions;
  private readonly signs: Float32Array[];
  private readonly perms: Int32Array[];
  private step = 0;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly layout: FlowLayout,
    private readonly options: EngineOptions,
    private readonly start: FlowEngineStart,
  ) {
    super(NAME);
    this.flow = start.flow;
    this.signs = start.layers.map((layer) => layer.sign.slice());
    this.perms = start.layers.map((layer) => layer.perm.slice());
  }

  /** Writes the starting state; refreshInvStd(from, to) recomputes 1/σ of prior entries [from, to) with the kernels' exp. */
  load(options: EngineOptions, start: FlowEngineStart, refreshInvStd: (from: number, to: number) => void): void {
    const { layout } = this;
    const n = layout.width;
    const state = options.initialOptimizerState;
    if (state) {
      if (!(Number.isInteger(state.step) && state.step >= 0)) {
        throw new RangeError(`${NAME}: initialOptimizerState.step must be a non-negative integer, got ${state.step}`);
      }
      for (const [what, moment] of [
        ['firstMoment', state.firstMoment],
        ['secondMoment', state.secondMoment],
      ] as const) {
        if (moment.weights.length !== layout.blocks.length || moment.biases.length !== layout.blocks.length) {
          throw new RangeError(
            `${NAME}: initialOptimizerState.${what} has ${moment.weights.length} weight and ${moment.biases.length} bias tensors, expected ${layout.blocks.length}`,
          );
        }
      }
    }
    const f32 = (offset: number, length: number) => new Float32Array(this.memory.buffer, offset, length);
    const i32 = (offset: number, length: number) => new Int32Array(this.memory.buffer, offset, length);
    const put = (offset: number, values: Float32Array, size: number, what: string) => {
      if (values.length !== size)
        throw new RangeError(`${NAME}: ${what} has ${values.length} values, expected ${size}`);
      f32(offset, size).set(values);
    };
    layout.blocks.forEach((block, l) => {
      const layer = start.layers[l];
      f32(block.packed, n * n).set(layer.packed);
      f32(block.sign, n).set(layer.sign);
      i32(block.perm, n).set(layer.perm);
      i32(block.inverse, n).set(inversePermutation(layer.perm));
      put(block.bias, options.initialParams.biases[l], n, `initialParams.biases[${l}]`);
      if (state) {
        put(block.packedFirst, state.firstMoment.weights[l], n * n, `initialOptimizerState.firstMoment.weights[${l}]`);
        put(
          block.packedSecond,
          state.secondMoment.weights[l],
          n * n,
          `initialOptimizerState.secondMoment.weights[${l}]`,
        );
        put(block.biasFirst, state.firstMoment.biases[l], n, `initialOptimizerState.firstMoment.biases[${l}]`);
        put(block.biasSecond, state.secondMoment.biases[l], n, `initialOptimizerState.secondMoment.biases[${l}]`);
      }
    });
    const acts = layout.blocks.filter((b) => b.slope > 0);
    acts.forEach((block, k) => {
      i32(layout.acts + 8 * k, 1)[0] = block.a;
      f32(layout.acts + 8 * k + 4, 1)[0] = -Math.log(block.slope);
    });
    const prior = layout.prior;
    if (prior && start.prior) {
      const size = prior.classes * n;
      f32(prior.mean, size).set(start.prior.mean);
      f32(prior.logStd, size).set(start.prior.logStd);
      const moments = start.flow.initialPriorMoments;
      if (moments) {
        const check = (values: Float32Array, what: string) => {
          if (values.length !== size)
            throw new RangeError(`${NAME}: initialPriorMoments.${what} has ${values.length} values, expected ${size}`);
          return values;
        };
        f32(prior.meanFirst, size).set(check(moments.first.mean, 'first.mean'));
        f32(prior.meanSecond, size).set(check(moments.second.mean, 'second.mean'));
        f32(prior.logStdFirst, size).set(check(moments.first.logStd, 'first.logStd'));
        f32(prior.logStdSecond, size).set(check(moments.second.logStd, 'second.logStd'));
      }
      refreshInvStd(0, size);
    }
    this.step = state?.step ?? 0;
  }

  trainStep(images: Float32Array, labels: Uint8Array, count: number): Promise<BatchLoss> {
    return this.serial(async () => {
      const t = this.step + 1;
      const logDet = this.stage(images, labels, count, 'trainStep', true);
      const cmd = this.requirePool().command;
      cmd[FLOW_SLOT.op] = FLOW_OP.train;
      cmd[FLOW_SLOT.tau] = this.flow.boundarySurrogate;
      writeAdamCommand(
        cmd,
        this.options.learningRate * learningRateFactor(t, this.start.warmupSteps, this.flow.cosineSteps),
        t,
      );
      await this.requirePool().run();
      this.step = t;
      return this.batchLoss(count, logDet);
    });
  }

  evaluate(images: Float32Array, labels: Uint8Array, count: number): Promise<BatchLoss> {
    return this.serial(async () => {
      const logDet = this.stage(images, labels, count, 'evaluate', false);
      this.requirePool().command[FLOW_SLOT.op] = FLOW_OP.evaluate;
      await this.requirePool().run();
      return this.batchLoss(count, logDet);
    });
  }

  getParams(): Promise<ModelParams> {
    return this.serial(async () => ({
      weights: this.layersNow().map((layer) => Float32Array.from(assembleLu(layer))),
      biases: this.read((b) => b.bias, this.layout.width),
    }));
  }

  getOptimizerState(): Promise<OptimizerState> {
    return this.serial(async () => {
      const n = this.layout.width;
      return {
        step: this.step,
        firstMoment: { weights: this.read((b) => b.packedFirst, n * n), biases: this.read((b) => b.biasFirst, n) },
        secondMoment: { weights: this.read((b) => b.packedSecond, n * n), biases: this.read((b) => b.biasSecond, n) },
      };
    });
  }

  getFlowState(): Promise<FlowState> {
    return this.serial(async () => {
      const layers = this.layersNow();
      const biases = this.read((b) => b.bias, this.layout.width);
      const prior = this.layout.prior;
      if (!prior) return { layers, biases, prior: { kind: 'paper' } };
      const size = prior.classes * this.layout.width;
      const copy = (offset: number) => new Float32Array(this.memory.buffer, offset, size).slice();
      const learned: FlowPrior = {
        kind: 'class',
        classes: prior.classes,
        mean: copy(prior.mean),
        logStd: copy(prior.logStd),
      };
      const priorMoments: PriorMoments = {
        first: { mean: copy(prior.meanFirst), logStd: copy(prior.logStdFirst) },
        second: { mean: copy(prior.meanSecond), logStd: copy(prior.logStdSecond) },
      };
      return { layers, biases, prior: learned, priorMoments };
    });
  }

  private read(pick: (block: FlowLayout['blocks'][number]) => number, length: number): Float32Array[] {
    return this.layout.blocks.map((block) => new Float32Array(this.memory.buffer, pick(block), length).slice());
  }

  private layersNow(): LuLayer[] {
    const n = this.layout.width;
    return this.read((b) => b.packed, n * n).map((packed, l) => ({
      width: n,
      packed,
      sign: this.signs[l].slice(),
      perm: this.perms[l].slice(),
    }));
  }

  /**
   * Copies a batch in (dequantized: from the seed and step when training, from the batch
   * itself when evaluating, as the tfjs flow engine does) and returns Σ_l log|det W_l| of
   * the parameters the step's forward pass will use.
   */
  private stage(images: Float32Array, labels: Uint8Array, count: number, what: string, training: boolean): number {
    const { width: n, maxBatch } = this.layout;
    if (!Number.isInteger(count) || count < 1 || count > maxBatch) {
      throw new RangeError(`${NAME} ${what}: count must be an integer in 1..${maxBatch} (maxBatchSize), got ${count}`);
    }
    if (images.length < count * n)
      throw new RangeError(`${NAME} ${what}: images holds ${images.length} values, expected at least ${count} × ${n}`);
    if (labels.length < count)
      throw new RangeError(`${NAME} ${what}: labels holds ${labels.length} values, expected at least ${count}`);
    const classes = this.start.classes;
    for (let r = 0; r < count; r++) {
      if (!(labels[r] < classes))
        throw new RangeError(`${NAME}: label ${labels[r]} at row ${r} is outside 0..${classes - 1}`);
    }
    const buffer = this.memory.buffer;
    const staged = new Float32Array(buffer, this.layout.images, count * n);
    if (this.flow.dequantize) {
      const rng = training
        ? trainingNoise(this.flow.seed, this.step)
        : evaluationNoise(this.flow.seed, images, labels, count, n);
      dequantizeInto(images, count, n, rng, staged);
    } else {
      staged.set(images.subarray(0, count * n));
    }
    new Uint8Array(buffer, this.layout.labels, count).set(labels.subarray(0, count));
    new Int32Array(buffer, this.layout.counters, this.layout.counterCount * FLOW_COUNTER_STRIDE).fill(0);
    const cmd = this.requirePool().command;
    cmd[FLOW_SLOT.count] = count;
    cmd[FLOW_SLOT.nllConstant] = 0.5 * n * LOG_2PI;
    let logDet = 0;
    for (const block of this.layout.blocks) {
      const packed = new Float32Array(buffer, block.packed, n * n);
      for (let i = 0; i < n; i++) logDet += packed[i * n + i];
    }
    return logDet;
  }

  private batchLoss(count: number, logDet: number): BatchLoss {
    const parts = new Float64Array(this.memory.buffer, this.layout.parts, count * 2);
    let latent = 0;
    let counted = 0;
    for (let s = 0; s < count; s++) {
      latent += parts[2 * s];
      counted += parts[2 * s + 1];
    }
    const negLogDet = counted / count - logDet;
    return { loss: latent / count + negLogDet, parts: [latent / count, negLogDet] };
  }
}

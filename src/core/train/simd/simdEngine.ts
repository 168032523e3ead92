import { join } from 'node:path';
import type { ModelParams } from '../../model/params';
import { loadF32Kernels, compileF32Module } from '../../wasm/f32Kernels';
import { WasmHeap } from '../../wasm/heap';
import { createSharedMemory } from '../../wasm/kernelModule';
import { defaultThreadCount } from '../../wasm/workerPool';
import type { CreateEngineOptions } from '../createEngine';
import { type BatchLoss, type EngineOptions, type OptimizerState, type TrainingEngine } from '../engine';
import { LOG_2PI } from '../seedLoss';
import { DENSE_OP, DENSE_SLOT, writeAdamCommand } from './denseCommand';
import { allocateDenseLayout, COUNTER_STRIDE, type DenseLayout, type TensorOffsets } from './denseLayout';
import type { DenseTaskData } from './denseTask';
import { PooledEngine } from './pooledEngine';
import { createSimdFlowEngine } from './simdFlowEngine';

const HALF_LOG_TWO_PI = 0.5 * LOG_2PI;

/**
 * Invertscope's own training engine: float32 WebAssembly SIMD kernels on a pool of worker
 * threads that share one memory. Every buffer is allocated once, so memory stays flat
 * across steps and epochs. `threads` defaults to min(2, available cores); 1 computes on
 * the calling thread without workers.
 *
 * The 'seed' objective trains dense layers (dense.wasm, densePlan.ts); the 'flow' objective
 * trains LU layers (flow.wasm, simdFlowEngine.ts). A step is a plan of phases that the
 * pool's threads work through together.
 */
export async function createSimdEngine(
  options: CreateEngineOptions,
  threads = defaultThreadCount(),
): Promise<TrainingEngine> {
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new RangeError(`createSimdEngine: threads must be an integer in 1..64, got ${threads}`);
  }
  checkCommon(options);
  if (options.objective === 'flow') return createSimdFlowEngine(options, threads);
  checkOptions(options);
  const { architecture, maxBatchSize } = options;
  const width = architecture.width;
  const module = compileF32Module();
  const parameterBytes = architecture.layers.length * (width * width + width) * 4;
  const memory = createSharedMemory(3 * parameterBytes + (4 + architecture.layers.length) * width * maxBatchSize * 4);
  const heap = new WasmHeap(memory);
  const probe = loadF32Kernels(memory, module);
  const layout = allocateDenseLayout(heap, architecture, maxBatchSize, threads, (k, cols) =>
    probe.sgemmWorkspaceBytes(k, cols),
  );
  const engine = new SimdEngine(memory, layout, options.learningRate);
  engine.load(options);
  const taskData: DenseTaskData = { layout, module };
  await engine.startPool(threads, memory, layout.controlOffset, join(__dirname, 'denseTask.js'), taskData);
  return engine;
}

function checkCommon(options: EngineOptions): void {
  const { learningRate, maxBatchSize } = options;
  if (!(learningRate > 0 && Number.isFinite(learningRate))) {
    throw new RangeError(`simd engine: learningRate must be a positive finite number, got ${learningRate}`);
  }
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) {
    throw new RangeError(`simd engine: maxBatchSize must be a positive integer, got ${maxBatchSize}`);
  }
}

function checkOptions(options: EngineOptions): void {
  const { architecture } = options;
  if (architecture.parametrization !== 'dense') {
    throw new Error(
      `simd engine: the '${architecture.parametrization}' parametrization trains with the 'flow' objective; the 'seed' objective trains dense layers only`,
    );
  }
  if (architecture.width < 2) {
    throw new RangeError(
      `simd engine: width must be at least 2 (the loss uses an unbiased variance), got ${architecture.width}`,
    );
  }
}

function checkShapes(what: string, params: ModelParams, layers: number, width: number): void {
  if (params.weights.length !== layers || params.biases.length !== layers) {
    throw new RangeError(
      `simd engine: ${what} has ${params.weights.length} weight and ${params.biases.length} bias tensors, expected ${layers}`,
    );
  }
  params.weights.forEach((w, l) => {
    if (w.length !== width * width)
      throw new RangeError(`simd engine: ${what}.weights[${l}] has ${w.length} values, expected ${width * width}`);
  });
  params.biases.forEach((b, l) => {
    if (b.length !== width)
      throw new RangeError(`simd engine: ${what}.biases[${l}] has ${b.length} values, expected ${width}`);
  });
}

class SimdEngine extends PooledEngine implements TrainingEngine {
  private step = 0;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly layout: DenseLayout,
    private readonly learningRate: number,
  ) {
    super('simd engine');
  }

  load(options: EngineOptions): void {
    const { layers } = options.architecture;
    const { width } = this.layout;
    checkShapes('initialParams', options.initialParams, layers.length, width);
    this.write(this.layout.params, options.initialParams);
    const state = options.initialOptimizerState;
    if (state) {
      if (!Number.isInteger(state.step) || state.step < 0) {
        throw new RangeError(
          `simd engine: initialOptimizerState.step must be a non-negative integer, got ${state.step}`,
        );
      }
      checkShapes('initialOptimizerState.firstMoment', state.firstMoment, layers.length, width);
      checkShapes('initialOptimizerState.secondMoment', state.secondMoment, layers.length, width);
      this.write(this.layout.firstMoment, state.firstMoment);
      this.write(this.layout.secondMoment, state.secondMoment);
      this.step = state.step;
    }
  }

  trainStep(images: Float32Array, labels: Uint8Array, count: number): Promise<BatchLoss> {
    return this.serial(async () => {
      const t = this.step + 1;
      this.stage(images, labels, count, 'trainStep');
      const cmd = this.requirePool().command;
      cmd[DENSE_SLOT.op] = DENSE_OP.train;
      writeAdamCommand(cmd, this.learningRate, t);
      await this.requirePool().run();
      this.step = t;
      return this.batchLoss(count);
    });
  }

  evaluate(images: Float32Array, labels: Uint8Array, count: number): Promise<BatchLoss> {
    return this.serial(async () => {
      this.stage(images, labels, count, 'evaluate');
      this.requirePool().command[DENSE_SLOT.op] = DENSE_OP.evaluate;
      await this.requirePool().run();
      return this.batchLoss(count);
    });
  }

  getParams(): Promise<ModelParams> {
    return this.serial(async () => this.read(this.layout.params));
  }

  getOptimizerState(): Promise<OptimizerState> {
    return this.serial(async () => ({
      step: this.step,
      firstMoment: this.read(this.layout.firstMoment),
      secondMoment: this.read(this.layout.secondMoment),
    }));
  }

  private stage(images: Float32Array, labels: Uint8Array, count: number, what: string): void {
    const { width, maxBatch } = this.layout;
    if (!Number.isInteger(count) || count < 1 || count > maxBatch) {
      throw new RangeError(
        `simd engine ${what}: count must be an integer in 1..${maxBatch} (maxBatchSize), got ${count}`,
      );
    }
    if (images.length < count * width) {
      throw new RangeError(
        `simd engine ${what}: images holds ${images.length} values, expected at least ${count} × ${width}`,
      );
    }
    if (labels.length < count)
      throw new RangeError(`simd engine ${what}: labels holds ${labels.length} values, expected at least ${count}`);
    const buffer = this.memory.buffer;
    new Float32Array(buffer, this.layout.images, count * width).set(images.subarray(0, count * width));
    new Uint8Array(buffer, this.layout.labels, count).set(labels.subarray(0, count));
    new Int32Array(buffer, this.layout.counters, this.layout.counterCount * COUNTER_STRIDE).fill(0);
    const cmd = this.requirePool().command;
    cmd[DENSE_SLOT.count] = count;
    cmd[DENSE_SLOT.nllConstant] = width * HALF_LOG_TWO_PI;
  }

  private batchLoss(count: number): BatchLoss {
    const parts = new Float64Array(this.memory.buffer, this.layout.parts, count * 2);
    let nll = 0;
    let penalty = 0;
    for (let s = 0; s < count; s++) {
      nll += parts[2 * s];
      penalty += parts[2 * s + 1];
    }
    return { loss: (nll + penalty) / count, parts: [nll / count, penalty / count] };
  }

  private write(offsets: TensorOffsets, params: ModelParams): void {
    const buffer = this.memory.buffer;
    const { width } = this.layout;
    offsets.weights.forEach((offset, l) => new Float32Array(buffer, offset, width * width).set(params.weights[l]));
    offsets.biases.forEach((offset, l) => new Float32Array(buffer, offset, width).set(params.biases[l]));
  }

  private read(offsets: TensorOffsets): ModelParams {
    const buffer = this.memory.buffer;
    const { width } = this.layout;
    return {
      weights: offsets.weights.map((offset) => new Float32Array(buffer, offset, width * width).slice()),
      biases: offsets.biases.map((offset) => new Float32Array(buffer, offset, width).slice()),
    };
  }
}

import { loadF32Kernels, SGEMM, type F32Kernels } from '../../wasm/f32Kernels';
import type { PoolTask, PoolTaskContext } from '../../wasm/poolTask';
import { DENSE_OP, DENSE_SLOT, readAdamCommand } from './denseCommand';
import { COUNTER_STRIDE, type DenseLayout, type ThreadBuffers } from './denseLayout';
import { createDensePlan, ITEM, LOSS_CHUNK, type DensePlan, type Phase, type WorkItem } from './densePlan';

/** What the simd engine hands every thread (structured-cloned into workers). */
export interface DenseTaskData {
  readonly layout: DenseLayout;
  readonly module: WebAssembly.Module;
}

/**
 * One training (or evaluation) step of a dense network, run by every thread of the pool:
 * the phases of densePlan, each thread claiming items until the phase is done, with a
 * barrier between phases. Every number is produced by one item in an order that does not
 * depend on which thread runs it, so any thread count gives identical results.
 */
export function createPoolTask(context: PoolTaskContext): PoolTask {
  const { layout, module } = context.data as DenseTaskData;
  const step = new DenseStep(loadF32Kernels(context.memory, module), layout, context);
  return { run: () => step.run() };
}

class DenseStep {
  private readonly plan: DensePlan;
  private readonly buffers: ThreadBuffers;
  private readonly counters: Int32Array;
  /** What this thread's two packed right operands currently hold (a phase, or phase and layer). */
  private packedProduct = -1;
  private packedUpdate = -1;
  private count = 0;
  private adamArgs: number[] = [];

  constructor(
    private readonly k: F32Kernels,
    private readonly layout: DenseLayout,
    private readonly context: PoolTaskContext,
  ) {
    this.plan = createDensePlan(layout.width, layout.outputs.length, context.threadCount);
    this.buffers = layout.threadBuffers[context.threadIndex];
    this.counters = new Int32Array(context.memory.buffer, layout.counters, layout.counterCount * COUNTER_STRIDE);
  }

  run(): void {
    const cmd = this.context.command;
    const train = cmd[DENSE_SLOT.op] === DENSE_OP.train;
    this.count = cmd[DENSE_SLOT.count];
    this.packedProduct = -1;
    this.packedUpdate = -1;
    this.adamArgs = readAdamCommand(cmd);
    let phase = 0;
    for (const items of this.plan.forward) {
      this.runPhase(phase++, items);
      this.context.barrier();
    }
    this.runLoss(phase++, train);
    if (!train) return;
    for (const items of this.plan.backward) {
      this.context.barrier();
      this.runPhase(phase++, items);
    }
  }

  private claim(phase: number): number {
    return Atomics.add(this.counters, phase * COUNTER_STRIDE, 1);
  }

  private runPhase(phase: number, items: Phase): void {
    for (let i = this.claim(phase); i < items.length; i = this.claim(phase)) this.execute(items[i], phase);
  }

  private runLoss(phase: number, train: boolean): void {
    const { k, layout } = this;
    const n = this.count;
    const last = layout.outputs.length - 1;
    const grad = this.grad(last);
    for (let i = this.claim(phase); i * LOSS_CHUNK < n; i = this.claim(phase)) {
      const s0 = i * LOSS_CHUNK;
      const s1 = Math.min(n, s0 + LOSS_CHUNK);
      k.seedLoss(
        layout.outputs[last],
        n,
        layout.width,
        s0,
        s1,
        layout.labels,
        this.context.command[DENSE_SLOT.nllConstant],
        layout.parts,
        train ? grad : 0,
        1 / n,
      );
      if (train && layout.activations[last]) {
        // These samples' columns only: the pointers start at column s0.
        k.leakyReluBackward(
          grad + s0 * 4,
          layout.outputs[last] + s0 * 4,
          n,
          0,
          layout.width,
          s1 - s0,
          layout.negativeSlope,
        );
      }
    }
  }

  /** dZ_l, the gradient wrt layer l's pre-activation output, rotates through three buffers. */
  private grad(layer: number): number {
    return this.layout.grads[(this.layout.outputs.length - 1 - layer) % 3];
  }

  /** Layer l's input: the batch-major images for layer 0, else the previous output (feature-major). */
  private input(layer: number): { offset: number; batchMajor: boolean } {
    return layer === 0
      ? { offset: this.layout.images, batchMajor: true }
      : { offset: this.layout.outputs[layer - 1], batchMajor: false };
  }

  private execute(item: WorkItem, phase: number): void {
    const { k, layout, buffers } = this;
    const { width, params } = layout;
    const n = this.count;
    const l = item.layer;
    switch (item.kind) {
      case ITEM.forward: {
        const input = this.input(l);
        // The batch-major images are op(B) = imagesᵀ: the packing absorbs the transpose.
        const flags = input.batchMajor ? SGEMM.TRANS_B : 0;
        if (this.packedProduct !== phase) {
          k.sgemmPackB(flags, width, input.offset, input.batchMajor ? width : n, 0, n, buffers.productWork);
          this.packedProduct = phase;
        }
        const out = layout.outputs[l];
        k.sgemmPacked(flags, width, params.weights[l], width, out, n, item.begin, item.end, 0, n, buffers.productWork);
        k.biasAddRows(out, n, item.begin, item.end, n, params.biases[l]);
        if (layout.activations[l]) k.leakyRelu(out, n, item.begin, item.end, n, layout.negativeSlope);
        return;
      }
      case ITEM.inputGrad: {
        // dH_{l-1} = W_lᵀ·dZ_l, then times the derivative of layer l-1's activation.
        if (this.packedProduct !== phase) {
          k.sgemmPackB(0, width, this.grad(l), n, 0, n, buffers.productWork);
          this.packedProduct = phase;
        }
        const out = this.grad(l - 1);
        k.sgemmPacked(
          SGEMM.TRANS_A,
          width,
          params.weights[l],
          width,
          out,
          n,
          item.begin,
          item.end,
          0,
          n,
          buffers.productWork,
        );
        if (layout.activations[l - 1])
          k.leakyReluBackward(out, layout.outputs[l - 1], n, item.begin, item.end, n, layout.negativeSlope);
        return;
      }
      case ITEM.weightGrad: {
        // dW_l[begin:end, :] = dZ_l[begin:end]·inputᵀ and db_l[begin:end] into this thread's
        // chunk buffers, then Adam on those rows while the gradient is still in cache.
        const input = this.input(l);
        const flags = input.batchMajor ? 0 : SGEMM.TRANS_B;
        const key = phase * 1024 + l;
        if (this.packedUpdate !== key) {
          k.sgemmPackB(flags, n, input.offset, input.batchMajor ? width : n, 0, width, buffers.updateWork);
          this.packedUpdate = key;
        }
        const rows = item.end - item.begin;
        const grad = this.grad(l);
        k.sgemmPacked(
          0,
          n,
          grad,
          n,
          buffers.weightGrad - item.begin * width * 4,
          width,
          item.begin,
          item.end,
          0,
          width,
          buffers.updateWork,
        );
        k.biasGradRows(grad, n, item.begin, item.end, n, buffers.biasGrad - item.begin * 4);
        const row = item.begin * width * 4;
        this.adam(
          params.weights[l] + row,
          layout.firstMoment.weights[l] + row,
          layout.secondMoment.weights[l] + row,
          width,
          buffers.weightGrad,
          width,
          rows,
          width,
        );
        const bias = item.begin * 4;
        this.adam(
          params.biases[l] + bias,
          layout.firstMoment.biases[l] + bias,
          layout.secondMoment.biases[l] + bias,
          rows,
          buffers.biasGrad,
          rows,
          1,
          rows,
        );
        return;
      }
    }
  }

  private adam(p: number, m: number, v: number, ld: number, g: number, ldg: number, rows: number, cols: number): void {
    const a = this.adamArgs;
    this.k.adam(p, m, v, ld, g, ldg, rows, cols, a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
  }
}

import { loadFlowKernels, type FlowKernels } from '../../wasm/flowKernels';
import type { PoolTask, PoolTaskContext } from '../../wasm/poolTask';
import {
  FLOW_COUNTER_STRIDE,
  panelCount,
  type BlockBuffers,
  type FlowLayout,
  type FlowThreadBuffers,
} from './flowLayout';
import { readAdamCommand, STEP_SLOT } from './denseCommand';
import { createFlowPlan, FLOW_ITEM, type FlowItem, type FlowPhase, type FlowPlan } from './flowPlan';

/** What the simd flow engine hands every thread (structured-cloned into workers). */
export interface FlowTaskData {
  readonly layout: FlowLayout;
  readonly module: WebAssembly.Module;
}

/** What the flow task runs. */
export const FLOW_OP = { train: 1, evaluate: 2 } as const;

/** The command slots (Float64) the engine writes before each pool run. */
export const FLOW_SLOT = {
  ...STEP_SLOT,
  nllConstant: 9,
  /** Width τ of the log-det count's surrogate gradient (0: none). */
  tau: 10,
} as const;

/**
 * One training (or evaluation) step of an LU flow, run by every thread of the pool: the
 * phases of flowPlan with a barrier between them, each thread claiming items until the
 * phase is done.
 */
export function createPoolTask(context: PoolTaskContext): PoolTask {
  const { layout, module } = context.data as FlowTaskData;
  const step = new FlowStep(loadFlowKernels(context.memory, module), layout, context);
  return { run: () => step.run() };
}

class FlowStep {
  private readonly plan: FlowPlan;
  private readonly buffers: FlowThreadBuffers;
  private readonly counters: Int32Array;
  /** Which activation buffer this thread's `columns` holds transposed (0: none yet this run). */
  private packedColumns = 0;
  private count = 0;
  private panels = 0;
  private invTau = 0;
  private adamArgs: number[] = [];

  constructor(
    private readonly k: FlowKernels,
    private readonly layout: FlowLayout,
    private readonly context: PoolTaskContext,
  ) {
    this.plan = createFlowPlan({
      width: layout.width,
      blocks: layout.blocks.length,
      maxBatch: layout.maxBatch,
      learnedPrior: layout.prior !== null,
      threads: context.threadCount,
    });
    this.buffers = layout.threadBuffers[context.threadIndex];
    this.counters = new Int32Array(context.memory.buffer, layout.counters, layout.counterCount * FLOW_COUNTER_STRIDE);
  }

  run(): void {
    const cmd = this.context.command;
    const train = cmd[FLOW_SLOT.op] === FLOW_OP.train;
    this.count = cmd[FLOW_SLOT.count];
    this.panels = panelCount(this.count);
    const tau = cmd[FLOW_SLOT.tau];
    this.invTau = train && tau > 0 ? 1 / tau : 0;
    this.packedColumns = 0;
    this.adamArgs = readAdamCommand(cmd);
    let phase = 0;
    const forward = this.plan.forward;
    for (let i = 0; i < forward.length; i++) {
      if (i > 0) this.context.barrier();
      this.runPhase(phase++, forward[i], train);
    }
    if (!train) return;
    for (const items of this.plan.backward) {
      this.context.barrier();
      this.runPhase(phase++, items, train);
    }
  }

  private runPhase(phase: number, items: FlowPhase, train: boolean): void {
    for (
      let i = Atomics.add(this.counters, phase * FLOW_COUNTER_STRIDE, 1);
      i < items.length;
      i = Atomics.add(this.counters, phase * FLOW_COUNTER_STRIDE, 1)
    ) {
      this.execute(items[i], train);
    }
  }

  /** The gradient buffers of block l: dW and dV alternate by parity, so a phase never writes what it reads. */
  private dw(l: number): number {
    return this.layout.dw[l & 1];
  }

  private dv(l: number): number {
    return this.layout.dv[l & 1];
  }

  /** Block l's input in panels: the staged images for the first block. */
  private input(l: number): number {
    return l === 0 ? this.layout.x : this.layout.blocks[l - 1].y;
  }

  /** The surrogate's coefficient for a block's activation: ln α / (τ·count) (0 without one or without τ). */
  private coef(block: BlockBuffers): number {
    return block.slope > 0 && this.invTau > 0 ? (Math.log(block.slope) * this.invTau) / this.count : 0;
  }

  private columns(source: number): number {
    if (this.packedColumns !== source) {
      const { width } = this.layout;
      this.k.packSampleColumns(source, width, this.count, 0, Math.ceil(width / 8), this.buffers.columns);
      this.packedColumns = source;
    }
    return this.buffers.columns;
  }

  private execute(item: FlowItem, train: boolean): void {
    const { k, layout, buffers, count, panels } = this;
    const n = layout.width;
    const l = item.block;
    const block = layout.blocks[l];
    const a = this.adamArgs;
    switch (item.kind) {
      case FLOW_ITEM.input:
        if (item.begin < panels) k.toPanels(layout.images, n, count, item.begin, Math.min(item.end, panels), layout.x);
        return;
      case FLOW_ITEM.forwardU:
        k.luForwardU(
          block.packed,
          block.sign,
          n,
          block.diag,
          item.begin,
          item.end,
          this.input(l),
          block.v,
          panels,
          buffers.work,
        );
        return;
      case FLOW_ITEM.forwardL:
        k.luForwardL(
          block.packed,
          n,
          item.begin,
          item.end,
          block.v,
          panels,
          block.inverse,
          block.bias,
          block.a,
          block.y,
          block.slope,
          buffers.work,
        );
        return;
      case FLOW_ITEM.loss: {
        const prior = layout.prior;
        k.flowLoss(
          item.begin,
          block.y,
          n,
          count,
          layout.labels,
          prior ? prior.classes : 0,
          prior?.mean ?? 0,
          prior?.logStd ?? 0,
          prior?.invStd ?? 0,
          this.context.command[FLOW_SLOT.nllConstant],
          layout.acts,
          layout.actCount,
          layout.parts,
          train ? this.dw(l) : 0,
          block.a,
          block.perm,
          block.slope,
          this.coef(block),
          this.invTau,
        );
        return;
      }
      case FLOW_ITEM.backwardL:
        k.luBackwardL(block.packed, n, item.begin, item.end, this.dw(l), this.dv(l), panels, buffers.work);
        return;
      case FLOW_ITEM.backwardU: {
        const previous = layout.blocks[l - 1];
        k.luBackwardU(
          block.packed,
          n,
          block.diag,
          item.begin,
          item.end,
          this.dv(l),
          panels,
          count,
          previous.a,
          previous.perm,
          this.dw(l - 1),
          previous.slope,
          this.coef(previous),
          this.invTau,
          buffers.work,
        );
        return;
      }
      case FLOW_ITEM.gradL:
        k.luGradL(
          block.packed,
          block.packedFirst,
          block.packedSecond,
          n,
          item.begin,
          item.end,
          this.dw(l),
          this.columns(block.v),
          count,
          buffers.chunk,
          layout.chunkStride,
          buffers.work,
          a[0],
          a[1],
          a[2],
          a[3],
          a[4],
          a[5],
          a[6],
        );
        return;
      case FLOW_ITEM.gradU:
        k.luGradU(
          block.packed,
          block.packedFirst,
          block.packedSecond,
          n,
          block.diag,
          item.begin,
          item.end,
          this.dv(l),
          this.columns(this.input(l)),
          count,
          buffers.chunk,
          layout.chunkStride,
          buffers.work,
          a[0],
          a[1],
          a[2],
          a[3],
          a[4],
          a[5],
          a[6],
        );
        return;
      case FLOW_ITEM.bias: {
        const rows = item.end - item.begin;
        const at = item.begin * 4;
        k.biasGradPanels(this.dw(l), n, panels, block.perm, item.begin, item.end, buffers.biasGrad);
        k.adam(
          block.bias + at,
          block.biasFirst + at,
          block.biasSecond + at,
          rows,
          buffers.biasGrad,
          rows,
          1,
          rows,
          a[0],
          a[1],
          a[2],
          a[3],
          a[4],
          a[5],
          a[6],
        );
        return;
      }
      case FLOW_ITEM.prior: {
        const prior = layout.prior;
        if (!prior) return;
        const cols = item.end - item.begin;
        const at = item.begin * 4;
        const gMean = buffers.priorGrad;
        const gLogStd = gMean + prior.classes * cols * 4;
        k.priorGrad(
          block.y,
          n,
          count,
          layout.labels,
          prior.classes,
          prior.mean,
          prior.invStd,
          item.begin,
          item.end,
          gMean,
          gLogStd,
        );
        k.adam(
          prior.mean + at,
          prior.meanFirst + at,
          prior.meanSecond + at,
          n,
          gMean,
          cols,
          prior.classes,
          cols,
          a[0],
          a[1],
          a[2],
          a[3],
          a[4],
          a[5],
          a[6],
        );
        k.adam(
          prior.logStd + at,
          prior.logStdFirst + at,
          prior.logStdSecond + at,
          n,
          gLogStd,
          cols,
          prior.classes,
          cols,
          a[0],
          a[1],
          a[2],
          a[3],
          a[4],
          a[5],
          a[6],
        );
        for (let c = 0; c < prior.classes; c++)
          k.expInto(prior.logStd, prior.invStd, c * n + item.begin, c * n + item.end, true);
        return;
      }
    }
  }
}

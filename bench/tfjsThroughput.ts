// Training throughput of the plain tfjs engine on each tfjs backend that loads here
// (tfjs-node's 'tensorflow' when installed, 'wasm', 'cpu'), and tfjs's own memory
// accounting over a longer run, which must stay flat.
import { presetArchitecture, type PresetName } from '../src/core/model/architecture';
import { initParams } from '../src/core/model/params';
import { createRng } from '../src/core/random/rng';
import type { Objective } from '../src/core/train/config';
import type { TrainingEngine } from '../src/core/train/engine';
import {
  loadTfjs,
  tfjsNodeUnavailableReason,
  type LoadedTfjs,
  type TfjsBackendName,
} from '../src/core/train/tfjs/loadTfjs';
import { createTfjsEngine } from '../src/core/train/tfjs/tfjsEngine';
import { benchFlowOptions } from './benchFlow';
import { randomBatches, trainSteps, type ThroughputResult } from './trainThroughput';

export interface TfjsBackendStatus {
  readonly backend: TfjsBackendName;
  readonly available: boolean;
  readonly reason?: string;
}

/** Which tfjs backends load in this process; tfjs-node is optional and usually absent offline. */
export function tfjsBackends(): TfjsBackendStatus[] {
  const nodeReason = tfjsNodeUnavailableReason();
  return [
    nodeReason === null
      ? { backend: 'tensorflow', available: true }
      : { backend: 'tensorflow', available: false, reason: nodeReason },
    { backend: 'wasm', available: true },
    { backend: 'cpu', available: true },
  ];
}

async function engineFor(
  tfjs: LoadedTfjs,
  model: PresetName,
  batch: number,
  objective: Objective = 'seed',
): Promise<TrainingEngine> {
  if (objective === 'flow') return createTfjsEngine(benchFlowOptions(model, batch), tfjs);
  const architecture = presetArchitecture(model);
  return createTfjsEngine(
    {
      architecture,
      objective: 'seed',
      learningRate: 1e-3,
      maxBatchSize: batch,
      initialParams: initParams(architecture, createRng(0)),
    },
    tfjs,
  );
}

/** Samples per second after two warm-up steps, timed for at most `maxSeconds` (and at least 5 steps). */
export async function measureTfjsThroughput(
  backend: TfjsBackendName,
  model: PresetName,
  batch: number,
  maxSeconds: number,
  objective: Objective = 'seed',
): Promise<ThroughputResult> {
  const tfjs = await loadTfjs(backend);
  const engine = await engineFor(tfjs, model, batch, objective);
  try {
    const data = randomBatches(batch, presetArchitecture(model).width, 0);
    await trainSteps(engine, data, batch, 2);
    const start = process.hrtime.bigint();
    const steps = await trainSteps(engine, data, batch, 1000, maxSeconds);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    return { samplesPerSecond: (batch * steps) / seconds, seconds, steps };
  } finally {
    engine.dispose();
  }
}

export interface TfjsMemoryReport {
  readonly backend: TfjsBackendName;
  readonly steps: number;
  /** tf.memory() after the warm-up and after the run. */
  readonly tensors: readonly [number, number];
  readonly bytes: readonly [number, number];
  readonly rss: readonly [number, number];
}

/** tf.memory() and RSS before and after `steps` Small steps: a leak of one tensor per step would show here. */
export async function measureTfjsMemory(backend: TfjsBackendName, steps: number): Promise<TfjsMemoryReport> {
  const tfjs = await loadTfjs(backend);
  const engine = await engineFor(tfjs, 'small', 64);
  try {
    const data = randomBatches(64, 784, 0);
    await trainSteps(engine, data, 64, 5);
    const before = tfjs.tf.memory();
    const rssBefore = process.memoryUsage().rss;
    await trainSteps(engine, data, 64, steps);
    await engine.evaluate(data.images[0], data.labels[0], 64);
    const after = tfjs.tf.memory();
    return {
      backend,
      steps,
      tensors: [before.numTensors, after.numTensors],
      bytes: [before.numBytes, after.numBytes],
      rss: [rssBefore, process.memoryUsage().rss],
    };
  } finally {
    engine.dispose();
  }
}

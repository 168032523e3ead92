import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assetDirectory, TFJS_WASM_FILE } from '../assets';
import { compileKernelModule } from '../wasm/kernelModule';
import type { BackendRequest, Objective } from './config';
import { firstLine, tfjsNodeUnavailableReason } from './tfjs/tfjsNode';

export type BackendName = Exclude<BackendRequest, 'auto'>;

/** What a backend is and what it trains: the facts 'auto', the CLI and the extension's picker all read. */
export interface BackendFacts {
  readonly name: BackendName;
  /** One line for people. */
  readonly description: string;
  /** The objectives it trains; 'auto' passes it over for the others. */
  readonly objectives: readonly Objective[];
}

/** Every backend, fastest first: the order 'auto' tries them in. */
export const BACKEND_FACTS: readonly BackendFacts[] = [
  {
    name: 'tensorflow',
    description: 'tfjs-node: native TensorFlow (libtensorflow), multi-threaded',
    objectives: ['seed', 'flow'],
  },
  {
    name: 'simd',
    description: "Invertscope's WebAssembly SIMD kernels on worker threads",
    objectives: ['seed', 'flow'],
  },
  { name: 'wasm', description: 'tfjs WebAssembly backend (XNNPACK, 1 thread)', objectives: ['seed', 'flow'] },
  { name: 'cpu', description: 'tfjs plain JavaScript (the slowest; always loads)', objectives: ['seed', 'flow'] },
];

/** Every value a backend request may take. */
export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', ...BACKEND_FACTS.map((f) => f.name)];

export const OBJECTIVE_NAMES: Readonly<Record<Objective, string>> = {
  seed: "the paper's loss (seed)",
  flow: 'exact likelihood (flow)',
};

function backendFacts(name: BackendName): BackendFacts {
  const facts = BACKEND_FACTS.find((f) => f.name === name);
  if (!facts) throw new RangeError(`unknown backend ${JSON.stringify(name)}`);
  return facts;
}

/** Why `name` does not train `objective`, or null when it does. */
export function objectiveUnsupportedReason(name: BackendName, objective: Objective): string | null {
  const facts = backendFacts(name);
  if (facts.objectives.includes(objective)) return null;
  return `trains the ${facts.objectives.map((o) => `'${o}'`).join(' and ')} objective only, not '${objective}' (${OBJECTIVE_NAMES[objective]})`;
}

/**
 * Which program the training process serves. The VS Code extension does not
 * offer tfjs-node: its libtensorflow is a platform-specific native download, and
 * a .vsix carries none; the command line loads it where `npm` installed it.
 * The extension marks its training processes with this variable.
 */
export const TRAINING_HOST_VARIABLE = 'INVERTSCOPE_HOST';
export type TrainingHost = 'cli' | 'vscode';

export function currentTrainingHost(env: NodeJS.ProcessEnv = process.env): TrainingHost {
  return env[TRAINING_HOST_VARIABLE] === 'vscode' ? 'vscode' : 'cli';
}

/** The requests a host offers people: the VS Code extension leaves out tfjs-node (TFJS_NODE_CLI_ONLY). */
export function offeredRequests(host: TrainingHost): readonly BackendRequest[] {
  return host === 'vscode' ? BACKEND_REQUESTS.filter((b) => b !== 'tensorflow') : BACKEND_REQUESTS;
}

export const TFJS_NODE_CLI_ONLY =
  'Command line only: a .vsix carries no platform-specific libtensorflow. ' +
  'Where npm can download it, the invertscope command line installs tfjs-node as an optional dependency; ' +
  '`invertscope train --backend tensorflow --runs <this runs folder>` then trains on it, and the run appears in the Runs view as it trains.';

/** Why tfjs-node cannot train in this host, or null when it loads. */
export function tensorflowUnavailableReason(host: TrainingHost = currentTrainingHost()): string | null {
  return host === 'vscode' ? TFJS_NODE_CLI_ONLY : tfjsNodeUnavailableReason();
}

export interface BackendAvailability extends BackendFacts {
  /** Why it cannot load in this process, or null when it can. */
  readonly unavailable: string | null;
}

/**
 * Whether each backend loads here, by trying what it needs: tfjs-node's native
 * module (command line only), a shared WebAssembly memory and Invertscope's SIMD
 * kernel module, tfjs's WebAssembly binary. Nothing is trained; a few
 * milliseconds, except tfjs-node, whose load takes about a second.
 */
export async function probeBackends(host: TrainingHost = currentTrainingHost()): Promise<BackendAvailability[]> {
  const checks: Record<BackendName, () => Promise<string | null>> = {
    tensorflow: async () => tensorflowUnavailableReason(host),
    simd: () =>
      attempt("Invertscope's WebAssembly SIMD kernels do not load here", () => {
        new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
        compileKernelModule('dense');
      }),
    wasm: () =>
      attempt("tfjs's WebAssembly SIMD binary does not load here", async () => {
        await WebAssembly.compile(await readFile(join(assetDirectory(), TFJS_WASM_FILE)));
      }),
    cpu: async () => null,
  };
  return Promise.all(BACKEND_FACTS.map(async (facts) => ({ ...facts, unavailable: await checks[facts.name]() })));
}

/**
 * The backend 'auto' picks for an objective among those available, or null when
 * none is: the first that loads and trains it.
 */
export function autoChoice(available: readonly BackendAvailability[], objective: Objective): BackendName | null {
  return available.find((b) => b.unavailable === null && b.objectives.includes(objective))?.name ?? null;
}

async function attempt(what: string, body: () => void | Promise<void>): Promise<string | null> {
  try {
    await body();
    return null;
  } catch (error) {
    return `${what}: ${firstLine(error)}`;
  }
}

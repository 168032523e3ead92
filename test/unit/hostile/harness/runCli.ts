import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root, from out/test/unit/hostile/harness. */
export const ROOT = join(__dirname, '..', '..', '..', '..', '..');
const CLI = join(ROOT, 'bin', 'invertscope.js');
const REPORTER = join(__dirname, 'rssReporter.js');

export interface ChildResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  /** Killed for running past its time limit. */
  readonly timedOut: boolean;
  /** The largest peak RSS of the processes the case ran (the CLI and any process it forked), in bytes; 0 when none reported. */
  readonly peakRss: number;
}

export interface ChildOptions {
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs `invertscope <args>` in a child process, measuring its time and the peak memory of its process tree. */
export function runCli(args: readonly string[], options: ChildOptions): Promise<ChildResult> {
  return runNode([CLI, ...args], options);
}

/** Runs `node <args>` the same way (a script given with -e, say). */
export function runNode(args: readonly string[], options: ChildOptions): Promise<ChildResult> {
  const logDir = mkdtempSync(join(tmpdir(), 'invertscope-rss-'));
  const log = join(logDir, 'rss.log');
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, NODE_OPTIONS: `--require ${REPORTER}`, INVERTSCOPE_RSS_LOG: log },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a timeout kills the training process it forked too.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => {
    stdout += t;
  });
  child.stderr.setEncoding('utf8').on('data', (t: string) => {
    stderr += t;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }, options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      let peakRss = 0;
      try {
        for (const line of readFileSync(log, 'utf8').split('\n'))
          peakRss = Math.max(peakRss, Number(line.split(' ')[1]) || 0);
      } catch {
        // No process reached its exit handler (killed): the figure is unknown, the case a hang.
      }
      rmSync(logDir, { recursive: true, force: true });
      resolve({ status, signal, stdout, stderr, ms: performance.now() - started, timedOut, peakRss });
    });
  });
}

/** Whether output carries a JavaScript stack trace ("    at f (file.js:1:2)"). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m.test(text);
}

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * A Python reference kept running for a whole benchmark: it prints one JSON
 * line when it is ready, then answers each command line on stdin with one
 * JSON line, so its start-up (imports, loading inputs) is paid once and
 * rounds can alternate with ours under the same machine load.
 */
export class PythonServer {
  private readonly lines: AsyncIterator<string, undefined>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  }

  /** Starts `python args…` and waits for its first line; rejects with its stderr when it exits first. */
  static async start<Hello>(
    python: string,
    args: readonly string[],
    env: NodeJS.ProcessEnv = process.env,
  ): Promise<{ server: PythonServer; hello: Hello }> {
    const child = spawn(python, [...args], { env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const server = new PythonServer(child);
    const exited = new Promise<never>((_, reject) => {
      child.on('error', reject);
      child.on('exit', (code) =>
        reject(new Error(`${python} exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`)),
      );
    });
    const hello = await Promise.race([server.next(), exited]);
    // Later exits (after `quit`) are expected.
    exited.catch(() => undefined);
    return { server, hello: JSON.parse(hello) as Hello };
  }

  async request<T>(command: string): Promise<T> {
    this.child.stdin.write(`${command}\n`);
    return JSON.parse(await this.next()) as T;
  }

  stop(): void {
    this.child.stdin.end('quit\n');
  }

  private async next(): Promise<string> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error('the Python process closed its output');
    return value;
  }
}

import type { FromTrainer, StartedInfo, TrainRequest, TrainingOutcome } from '../../../src/backend/protocol';
import type { TrainingSession } from '../../../src/backend/session';
import type { LogSink, TrainerPort } from '../../../src/extension/ports';

/** A training session driven by the test: it emits messages and ends when told. */
export class FakeSession implements TrainingSession {
  readonly started: Promise<StartedInfo>;
  readonly outcome: Promise<TrainingOutcome>;
  readonly pid = 4242;
  cancelCalls = 0;
  killCalls = 0;
  private readonly listeners = new Set<(m: FromTrainer) => void>();
  private resolveStarted!: (info: StartedInfo) => void;
  private rejectStarted!: (error: Error) => void;
  private resolveOutcome!: (outcome: TrainingOutcome) => void;

  constructor(readonly request: TrainRequest) {
    this.started = new Promise((resolve, reject) => {
      this.resolveStarted = resolve;
      this.rejectStarted = reject;
    });
    this.started.catch(() => undefined);
    this.outcome = new Promise((resolve) => {
      this.resolveOutcome = resolve;
    });
  }

  onMessage(listener: (m: FromTrainer) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  cancel(): void {
    this.cancelCalls++;
  }
  kill(): void {
    this.killCalls++;
    this.end({ status: 'cancelled', runId: null });
  }

  emit(message: FromTrainer): void {
    for (const l of [...this.listeners]) l(message);
    if (message.type === 'started') this.resolveStarted(message);
  }

  start(runId: string, firstEpoch = 1, totalEpochs = 2, stepsPerEpoch = 10): void {
    this.emit({
      type: 'started',
      runId,
      runDir: `/runs/${runId}`,
      backend: { name: 'cpu', description: 'cpu', threads: 1 },
      objective: 'seed',
      firstEpoch,
      totalEpochs,
      stepsPerEpoch,
    });
  }

  end(outcome: TrainingOutcome): void {
    this.rejectStarted(new Error('ended'));
    this.resolveOutcome(outcome);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

export class FakeTrainer implements TrainerPort {
  readonly sessions: FakeSession[] = [];
  start(request: TrainRequest): FakeSession {
    const session = new FakeSession(request);
    this.sessions.push(session);
    return session;
  }
}

export class MemoryLog implements LogSink {
  readonly lines: string[] = [];
  trace(m: string): void {
    this.lines.push(`trace ${m}`);
  }
  info(m: string): void {
    this.lines.push(`info ${m}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${m}`);
  }
  error(m: string | Error): void {
    this.lines.push(`error ${m instanceof Error ? m.message : m}`);
  }
}

/** Lets pending promise callbacks run. */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

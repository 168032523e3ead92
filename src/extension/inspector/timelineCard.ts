import type { LogSink, RunStorePort } from '../ports';
import { TimelineFeed } from '../trajectory/timelineFeed';
import type { TrajectoryService } from '../trajectory/trajectoryService';
import type { IDisposable } from '../util/dispose';
import type { PanelChannel } from './panelChannel';

export interface TimelineCardDeps {
  readonly store: () => RunStorePort;
  readonly trajectories: TrajectoryService;
  readonly log: LogSink;
  /** Resolves once no analysis the panel asked for is on its way: the timeline computes only then. */
  readonly idle: () => Promise<void>;
}

/** The timeline card's run: its points, and the missing ones computed in the background (one run at a time). */
export class TimelineCard implements IDisposable {
  private feed: TimelineFeed | null = null;

  constructor(
    private readonly channel: PanelChannel,
    private readonly deps: TimelineCardDeps,
  ) {}

  /** Shows the run's timeline, replacing another run's. */
  watch(runId: string): void {
    if (this.feed?.runId !== runId) {
      this.feed?.dispose();
      this.feed = new TimelineFeed({ ...this.deps, post: (message) => this.channel.post(message) }, runId);
    }
    void this.feed.refresh();
  }

  /** The run's files changed on disk (not only its metrics). */
  runChanged(runId: string): void {
    if (this.feed?.runId === runId) this.feed.runChanged();
  }

  /** An analysis is about to be computed: it goes first in the analysis process, and the timeline's point waits. */
  yieldToAnalysis(): void {
    this.feed?.yieldToAnalysis();
  }

  dispose(): void {
    this.feed?.dispose();
    this.feed = null;
  }
}

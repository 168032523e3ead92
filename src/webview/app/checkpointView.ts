import type { CheckpointRef } from '../../shared/checkpointRef';
import type { AnalysisState } from '../state/model';
import { AnalysisView, type ScaleDomains } from './analysisView';
import { el } from './dom';
import { firstResultsView } from './firstResultsView';
import { emptyView, errorView, loadingView } from './statusViews';
import type { ViewContext } from './viewContext';

export type { ScaleDomains };

/** Everything the inspector shows about one checkpoint, or why it cannot yet. */
export class CheckpointView {
  readonly element: HTMLElement;
  private readonly content: HTMLElement;
  private shown: AnalysisState | 'empty' | null = null;
  private live: AnalysisView | null = null;

  constructor(
    private readonly context: ViewContext,
    private ref: CheckpointRef | null,
    heading: string | null,
  ) {
    this.content = el('div', { class: 'checkpoint-content' });
    this.element = el('div', { class: 'checkpoint-view' }, [
      ...(heading ? [el('h2', { class: 'column-heading', text: heading })] : []),
      this.content,
    ]);
  }

  get currentRef(): CheckpointRef | null {
    return this.ref;
  }

  /** Re-reads the model; rebuilds only when this checkpoint's state changed. */
  update(): void {
    const state = this.ref ? this.context.model.analysis(this.ref) : undefined;
    const next: AnalysisState | 'empty' =
      this.ref === null
        ? 'empty'
        : (state ?? { kind: 'loading', message: 'Waiting for the analysis…', fraction: null });
    if (this.shown !== null && sameState(this.shown, next)) return;
    this.shown = next;
    this.live?.dispose();
    this.live = null;
    if (next === 'empty') {
      this.content.replaceChildren(this.emptyState());
    } else if (next.kind === 'loading') {
      const loading = loadingView(`Analysing epoch ${this.ref?.epoch}`, next.message, next.fraction);
      this.content.replaceChildren(...(next.partial ? [loading, firstResultsView(next.partial)] : [loading]));
    } else if (next.kind === 'error') {
      this.content.replaceChildren(
        errorView(
          this.context,
          `The analysis of epoch ${this.ref?.epoch} failed`,
          next.code ? `${next.message} (${next.code})` : next.message,
          this.ref,
        ),
      );
    } else {
      this.live = new AnalysisView(this.context, this.ref as CheckpointRef, next.analysis);
      this.content.replaceChildren(this.live.element);
      this.live.attach();
    }
  }

  /** UI choices (δ, precision, sample set) changed. */
  refreshUi(): void {
    this.live?.refreshUi();
  }

  /** This checkpoint's own y domains, or null while it shows no analysis. */
  naturalDomains(): ScaleDomains | null {
    return this.live?.naturalDomains() ?? null;
  }

  /** Draws with domains shared across columns (null: each chart its own). */
  shareDomains(domains: ScaleDomains | null): void {
    this.live?.shareDomains(domains);
  }

  dispose(): void {
    this.live?.dispose();
  }

  private emptyState(): HTMLElement {
    const run = this.context.model.primaryRunId ? this.context.model.run(this.context.model.primaryRunId) : undefined;
    const first = run?.config.checkpointEpochs.find((e) => e > (run?.epochsCompleted ?? 0));
    if (run?.status === 'running') {
      return emptyView(
        'No checkpoint yet',
        first !== undefined
          ? `The first checkpoint is written after epoch ${first}; it will appear here. The loss curves above update live.`
          : 'A checkpoint is written when training ends; it will appear here.',
      );
    }
    return emptyView('No checkpoint', 'This run has no checkpoint to inspect.');
  }
}

function sameState(a: AnalysisState | 'empty', b: AnalysisState | 'empty'): boolean {
  if (a === 'empty' || b === 'empty') return a === b;
  if (a.kind === 'ready' && b.kind === 'ready') return a.analysis === b.analysis;
  if (a.kind === 'loading' && b.kind === 'loading')
    return a.message === b.message && a.fraction === b.fraction && a.partial === b.partial;
  if (a.kind === 'error' && b.kind === 'error') return a.message === b.message && a.code === b.code;
  return false;
}

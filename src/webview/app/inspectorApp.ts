import type { HostChannel } from '../host/vscodeApi';
import { isLayerDatum, LayerFocus } from '../interaction/layerFocus';
import { POINTER_FOCUS_EVENT, type PointerFocusDetail } from '../interaction/pointer';
import type { HostMessage, InspectorInitialState } from '../../contracts/inspectorProtocol';
import { CHART_TITLES, type ChartId } from '../../shared/charts';
import type { CheckpointRef } from '../../shared/checkpointRef';
import { InspectorModel } from '../state/model';
import { checkpointKey } from '../../shared/checkpointRef';
import { restoreUiState, type UiState } from '../state/uiState';
import { unionDomain } from '../charts/accessor';
import { CardRegistry } from './cardRegistry';
import type { ChartCard } from './chartCard';
import { CheckpointView, type ScaleDomains } from './checkpointView';
import { el } from './dom';
import { Header } from './header';
import { errorView, loadingView } from './statusViews';
import { TimelineView } from './timelineView';
import { TrainingView } from './trainingView';
import type { ViewContext } from './viewContext';

/**
 * The inspector page: applies host messages to the model, keeps the UI state
 * (saved with setState), and lays out the training and checkpoint views, one
 * column per checkpoint in compare mode.
 */
export class InspectorApp {
  private ui: UiState;
  private readonly model = new InspectorModel();
  private readonly layerFocus = new LayerFocus();
  private readonly context: ViewContext;
  private readonly header: Header;
  private readonly statusLine = el('p', { class: 'status-line', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly body = el('div', { class: 'inspector-body' });
  private readonly trainingSection = el('section', { class: 'training-section', attrs: { 'aria-label': 'Training' } });
  private readonly checkpointSection = el('section', {
    class: 'checkpoint-section',
    attrs: { 'aria-label': 'Checkpoint analysis' },
  });
  private trainingViews: TrainingView[] = [];
  private checkpointViews: CheckpointView[] = [];
  /** The primary run's timeline; kept while the panel shows that run, whatever its checkpoint. */
  private timeline: TimelineView | null = null;
  private layoutKey = '';
  /** A chart the host asked to reveal before it was drawn. */
  private pendingReveal: ChartId | null = null;

  constructor(
    root: HTMLElement,
    private readonly channel: HostChannel,
    private readonly initial: InspectorInitialState,
  ) {
    this.ui = restoreUiState(channel.loadState(), initial);
    this.context = {
      channel,
      model: this.model,
      layerFocus: this.layerFocus,
      cards: new CardRegistry<ChartCard>(),
      ui: () => this.ui,
      updateUi: (patch) => this.updateUi(patch),
      announce: (text) => {
        this.statusLine.textContent = text;
      },
    };
    this.header = new Header(
      this.context,
      {
        selectEpoch: (epoch) => this.selectEpoch(epoch),
        compareWith: (ref) => this.compareWith(ref),
      },
      initial.title,
    );
    root.replaceChildren(el('main', { class: 'inspector' }, [this.header.element, this.statusLine, this.body]));
    this.body.replaceChildren(loadingView(initial.title, 'Waiting for the run record from the extension…', null));
    // Hovering or focusing a layer in any chart highlights it in every chart.
    root.addEventListener(POINTER_FOCUS_EVENT, (event) => {
      const datum = (event as CustomEvent<PointerFocusDetail>).detail.datum;
      this.layerFocus.set(isLayerDatum(datum) ? datum.layer : null);
    });
  }

  /** Listens first, then says ready: the host sends nothing before that. */
  start(): void {
    this.channel.onMessage((message) => this.receive(message));
    this.channel.post({ type: 'ready' });
  }

  private receive(message: HostMessage): void {
    const change = this.model.apply(message);
    switch (change.kind) {
      case 'init':
        this.resolveSelection();
        this.layout(true);
        if (this.model.primaryRunId) this.channel.post({ type: 'watchTrajectory', runId: this.model.primaryRunId });
        break;
      case 'run':
        if (change.runId === this.model.primaryRunId && this.ui.epoch === null) this.resolveSelection();
        this.layout(false);
        for (const view of this.trainingViews) if (view.runId === change.runId) view.update();
        if (this.timeline?.runId === change.runId) this.timeline.update();
        break;
      case 'trajectory':
        if (this.timeline?.runId === change.runId) this.timeline.update();
        break;
      case 'metrics':
        for (const view of this.trainingViews) if (view.runId === change.runId) view.update();
        break;
      case 'analysis':
        for (const view of this.checkpointViews) {
          if (view.currentRef && checkpointKey(view.currentRef) === checkpointKey(change.ref)) view.update();
        }
        this.shareScales();
        break;
      case 'error':
        this.layoutKey = '';
        this.disposeViews();
        this.timeline?.dispose();
        this.timeline = null;
        this.body.replaceChildren(
          errorView(this.context, 'The inspector cannot show this run', this.model.panelError?.message ?? '', null),
        );
        break;
      case 'export':
        this.context.announce(
          change.result.ok ? `Saved ${change.result.detail}` : `Export failed: ${change.result.detail}`,
        );
        break;
      case 'reveal':
        this.pendingReveal = change.chart;
        break;
      case 'requestExport': {
        const { chart, format, requestId } = change.request;
        const card = chart ? this.context.cards.find(chart) : this.context.cards.mostVisible();
        if (card) void card.exportAs(format, requestId);
        else
          this.context.announce(
            `Nothing to export yet: ${chart ? `the ${chart} chart is not shown` : 'no chart is in view'}.`,
          );
        break;
      }
    }
    this.revealPending();
  }

  /** Reveals the chart the host asked for, once its card exists (the analysis may still be on its way). */
  private revealPending(): void {
    if (this.pendingReveal === null) return;
    const card = this.context.cards.find(this.pendingReveal);
    if (!card) return;
    this.pendingReveal = null;
    card.reveal();
  }

  /** Picks the checkpoint to show once the run is known, and asks for it. */
  private resolveSelection(): void {
    const run = this.model.primaryRunId ? this.model.run(this.model.primaryRunId) : undefined;
    if (!run) return;
    const epochs = run.checkpoints.map((c) => c.epoch);
    let epoch = this.ui.epoch;
    if (epoch === null || !epochs.includes(epoch))
      epoch = this.initial.epoch !== null && epochs.includes(this.initial.epoch) ? this.initial.epoch : null;
    if (epoch === null && epochs.length > 0) epoch = Math.max(...epochs);
    this.setUi({ epoch });
    if (epoch !== null) this.request({ runId: run.id, epoch }, 'selectCheckpoint');
    const compare = this.ui.compare;
    if (compare) {
      const known = this.model.summaries.some(
        (s) => s.id === compare.runId && s.checkpointEpochs.includes(compare.epoch),
      );
      if (known) this.request(compare, 'requestCompare');
      else this.setUi({ compare: null });
    }
  }

  private selectEpoch(epoch: number): void {
    const runId = this.model.primaryRunId;
    if (!runId) return;
    this.setUi({ epoch });
    this.request({ runId, epoch }, 'selectCheckpoint');
    this.layout(false);
  }

  private compareWith(ref: CheckpointRef | null): void {
    this.setUi({ compare: ref });
    if (ref) this.request(ref, 'requestCompare');
    this.layout(false);
  }

  private request(ref: CheckpointRef, type: 'selectCheckpoint' | 'requestCompare'): void {
    this.model.expect(ref);
    this.channel.post({ type, ref });
  }

  private setUi(patch: Partial<UiState>): void {
    this.ui = { ...this.ui, ...patch };
    this.channel.saveState(this.ui);
  }

  private updateUi(patch: Partial<UiState>): void {
    this.setUi(patch);
    for (const view of this.trainingViews) view.refreshUi();
    for (const view of this.checkpointViews) view.refreshUi();
    this.shareScales();
  }

  /**
   * Side by side, the same chart must use the same y scale in both columns, or
   * a taller bar on the right may be the smaller number. One column: own scales.
   */
  private shareScales(): void {
    const natural = this.checkpointViews.map((v) => v.naturalDomains()).filter((d): d is ScaleDomains => d !== null);
    if (this.checkpointViews.length < 2 || natural.length < 2) {
      for (const view of this.checkpointViews) view.shareDomains(null);
      return;
    }
    const shared: ScaleDomains = {
      condition: unionDomain(natural.map((d) => d.condition)) ?? natural[0].condition,
      spectrum: unionDomain(natural.map((d) => d.spectrum)) ?? natural[0].spectrum,
      amplification: unionDomain(natural.map((d) => d.amplification)),
    };
    for (const view of this.checkpointViews) view.shareDomains(shared);
  }

  /** Rebuilds the columns when what they show changed, otherwise updates them in place. */
  private layout(force: boolean): void {
    const primary = this.model.primaryRunId;
    if (!primary || this.model.panelError) return;
    const run = this.model.run(primary);
    this.header.update(run, this.model.summaries);
    const primaryRef = this.ui.epoch === null ? null : { runId: primary, epoch: this.ui.epoch };
    const compare = this.ui.compare;
    const refs: Array<CheckpointRef | null> = compare ? [primaryRef, compare] : [primaryRef];
    const runs = compare && compare.runId !== primary ? [primary, compare.runId] : [primary];
    const key = `${runs.join('|')}#${refs.map((r) => (r ? checkpointKey(r) : 'none')).join('|')}`;
    if (force || key !== this.layoutKey || this.body.firstChild !== this.trainingSection) {
      this.layoutKey = key;
      this.disposeViews();
      const label = (runId: string): string => this.model.summaries.find((s) => s.id === runId)?.label ?? runId;
      this.trainingViews = runs.map(
        (runId) =>
          new TrainingView(
            this.context,
            runId,
            runs.length > 1 ? `${CHART_TITLES.loss} · ${label(runId)}` : CHART_TITLES.loss,
          ),
      );
      this.checkpointViews = refs.map(
        (ref) =>
          new CheckpointView(
            this.context,
            ref,
            compare && ref ? `${ref.runId === primary ? 'This run' : label(ref.runId)} · epoch ${ref.epoch}` : null,
          ),
      );
      this.trainingSection.className = `training-section columns-${runs.length}`;
      this.trainingSection.replaceChildren(...this.trainingViews.map((v) => v.element));
      this.checkpointSection.className = `checkpoint-section columns-${refs.length}`;
      this.checkpointSection.replaceChildren(...this.checkpointViews.map((v) => v.element));
      if (this.timeline?.runId !== primary) {
        this.timeline?.dispose();
        this.timeline = new TimelineView(this.context, primary, { selectEpoch: (epoch) => this.selectEpoch(epoch) });
      }
      this.body.replaceChildren(this.trainingSection, this.timeline.element, this.checkpointSection);
    }
    this.timeline?.setSelected(this.ui.epoch);
    for (const view of this.trainingViews) {
      view.setSelected(
        refs.filter((r): r is CheckpointRef => r !== null && r.runId === view.runId).map((r) => r.epoch),
      );
      view.update();
    }
    for (const view of this.checkpointViews) view.update();
    this.shareScales();
  }

  private disposeViews(): void {
    for (const view of this.trainingViews) view.dispose();
    for (const view of this.checkpointViews) view.dispose();
    this.trainingViews = [];
    this.checkpointViews = [];
  }
}

import type { RunTrajectory } from '../../core/analysis/trajectoryTypes';
import { trajectoryChart, type TrajectoryChart } from '../charts/trajectoryChart';
import {
  drawFigure,
  PRECISION_RULES,
  trajectoryFigures,
  type TrajectoryFigure,
  type TrajectoryFigureId,
} from '../charts/trajectoryFigures';
import { toCsv } from '../export/csv';
import { serializeSvg } from '../export/serializeSvg';
import { formatPercent } from '../../shared/formatNumber';
import { POINTER_FOCUS_EVENT, type PointerFocusDetail } from '../interaction/pointer';
import { ChartCard } from './chartCard';
import { el, svgElement } from './dom';
import type { ViewContext } from './viewContext';

export interface TimelineActions {
  /** The person clicked an epoch that has a checkpoint: the inspector moves there. */
  selectEpoch(epoch: number): void;
}

/** One figure of the timeline in its card, redrawn as points arrive. */
interface FigureCard {
  readonly card: ChartCard;
  readonly chart: TrajectoryChart;
  readonly svg: SVGSVGElement;
  figure: TrajectoryFigure;
}

/**
 * The timeline of the inspector's run: per-layer κ, κ of the Jacobian, the
 * broken share of each round trip and the generation score against epoch,
 * with the float32 and float64 limits 1/ε on both κ figures. Hovering an epoch
 * gives every value there; clicking it moves the inspector to that checkpoint.
 * Points the host is still computing fill in as they arrive, with what is
 * being computed said above the figures.
 */
export class TimelineView {
  readonly element: HTMLElement;
  private readonly status = el('p', { class: 'timeline-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly progress = el('progress', { class: 'state-progress timeline-progress', attrs: { max: '1' } });
  private readonly grid = el('div', { class: 'cards timeline-cards' });
  private readonly figures = new Map<TrajectoryFigureId, FigureCard>();
  private selected: number | null = null;
  /** The run's checkpoint epochs: the x axis spans them all from the first point on. */
  private span: readonly number[] = [];
  private frame = 0;

  constructor(
    private readonly context: ViewContext,
    readonly runId: string,
    private readonly actions: TimelineActions,
  ) {
    this.element = el('section', { class: 'timeline', attrs: { 'aria-label': 'Timeline' }, data: { run: runId } }, [
      el('header', { class: 'timeline-header' }, [
        el('h2', { class: 'timeline-title', text: 'Timeline' }),
        el('p', {
          class: 'card-description',
          text: 'When and where the inverse breaks: each analysed checkpoint of this run against epoch. Hover an epoch for its values; click it to inspect that checkpoint.',
        }),
      ]),
      this.status,
      this.progress,
      this.grid,
    ]);
    this.progress.hidden = true;
    this.element.addEventListener(POINTER_FOCUS_EVENT, (event) => {
      const detail = (event as CustomEvent<PointerFocusDetail>).detail;
      const epoch = (detail.datum as { epoch?: unknown } | null)?.epoch;
      if (!detail.pinned || typeof epoch !== 'number') return;
      const checkpoints = this.context.model.run(this.runId)?.checkpoints.map((c) => c.epoch) ?? [];
      if (checkpoints.includes(epoch) && epoch !== this.selected) this.actions.selectEpoch(epoch);
    });
    this.update();
  }

  /** The checkpoint the inspector shows, drawn as a rule in every figure. */
  setSelected(epoch: number | null): void {
    if (epoch === this.selected) return;
    this.selected = epoch;
    this.scheduleDraw();
  }

  /** The host sent the trajectory again (a point arrived, progress, the run changed). */
  update(): void {
    const message = this.context.model.trajectories.get(this.runId);
    const run = this.context.model.run(this.runId);
    this.status.textContent = this.statusText();
    const computing = message?.computing ?? null;
    this.progress.hidden = computing === null;
    if (computing?.fraction === null || computing === null) this.progress.removeAttribute('value');
    else this.progress.value = computing.fraction;
    if (!message || !run) return;
    this.span = run.checkpoints.map((c) => c.epoch);
    const trajectory: RunTrajectory = {
      runId: this.runId,
      architectureName: run.config.architecture.name,
      objective: run.config.objective,
      points: message.points,
      dataDescription: message.points.find((p) => p.dataDescription)?.dataDescription ?? '',
    };
    const figures = trajectoryFigures(trajectory)
      .filter((f) => f.id !== 'noise-tolerance' && f.id !== 'bits-per-dim')
      // Both precision limits on both κ figures, whatever the κ: where each precision gives out is the point of the card.
      .map((f) => (f.id === 'layer-condition' ? { ...f, rules: PRECISION_RULES } : f));
    const wanted = new Set(figures.map((f) => f.id));
    for (const [id, entry] of this.figures) {
      if (wanted.has(id)) continue;
      entry.card.dispose();
      entry.card.element.remove();
      this.figures.delete(id);
    }
    for (const figure of figures) {
      const entry = this.figures.get(figure.id) ?? this.addCard(figure);
      entry.figure = figure;
    }
    // Cards in the figures' reading order, whenever they joined.
    this.grid.replaceChildren(...figures.map((f) => (this.figures.get(f.id) as FigureCard).card.element));
    this.scheduleDraw();
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    for (const entry of this.figures.values()) entry.card.dispose();
    this.figures.clear();
  }

  private statusText(): string {
    const message = this.context.model.trajectories.get(this.runId);
    const run = this.context.model.run(this.runId);
    if (!message || !run) return 'Reading the run\u2019s trajectory…';
    const total = run.checkpoints.length;
    if (total === 0) return 'No checkpoint yet: the timeline starts with the first one.';
    const have = message.points.length;
    const images = message.points.find((p) => p.dataDescription)?.dataDescription;
    const measured = images ? ` Measured on ${images}.` : '';
    if (message.computing) {
      const fraction = message.computing.fraction === null ? '' : ` (${formatPercent(message.computing.fraction)})`;
      return `${have} of ${total} checkpoints analysed; analysing ${message.computing.message}${fraction}.${measured}`;
    }
    if (message.problem) return `${have} of ${total} checkpoints analysed. ${message.problem}`;
    if (message.missing.length > 0)
      return `${have} of ${total} checkpoints analysed; the others follow once the checkpoint shown is analysed.${measured}`;
    return `All ${total} checkpoint${total === 1 ? '' : 's'} analysed.${measured}`;
  }

  private addCard(figure: TrajectoryFigure): FigureCard {
    const svg = svgElement('trajectory');
    svg.dataset.figure = figure.id;
    const chart = trajectoryChart();
    const entry: FigureCard = {
      chart,
      svg,
      figure,
      card: new ChartCard(this.context, {
        id: 'trajectory',
        title: figure.title,
        description: figure.description,
        fileStem: () => `${this.runId}-timeline-${entry.figure.id}`.replace(/[^A-Za-z0-9._-]+/g, '-'),
        exporter: {
          svg: (background) => {
            entry.card.renderNow();
            return {
              text: serializeSvg(svg, { title: `${entry.figure.title} · ${this.runId}`, background }),
              width: Number(svg.getAttribute('width')),
              height: Number(svg.getAttribute('height')),
            };
          },
          csv: () =>
            toCsv(
              ['series', 'epoch', 'value', 'lower_bound'],
              entry.figure.series.flatMap((s) =>
                s.values.map((v) => [s.label, v.epoch, v.value, v.lowerBound === true]),
              ),
            ),
        },
      }),
    };
    entry.card.element.dataset.figure = figure.id;
    entry.card.body.append(svg);
    entry.card.onResize((width) =>
      drawFigure(entry.figure, entry.chart).selectedEpoch(this.selected).epochSpan(this.span).width(width).height(230)(
        svg,
      ),
    );
    this.figures.set(figure.id, entry);
    return entry;
  }

  /** Redraws every figure once per frame, however many points arrived. */
  private scheduleDraw(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const entry of this.figures.values()) entry.card.renderNow();
    });
  }
}

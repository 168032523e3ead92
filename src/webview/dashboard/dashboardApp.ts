import { CardRegistry, type RegisteredCard } from '../app/cardRegistry';
import { ChartCard, type CardHost } from '../app/chartCard';
import { el, svgElement } from '../app/dom';
import { FLOAT32_LIMIT, FLOAT64_LIMIT } from '../charts/conditionChart';
import type { DashboardHostMessage, DashboardRow, DashboardWebviewMessage } from '../../contracts/dashboardProtocol';
import type { DashboardChartId } from '../../shared/charts';
import { toCsv } from '../export/csv';
import { serializeSvg } from '../export/serializeSvg';
import { formatNumber, formatPercent } from '../../shared/formatNumber';
import type { Channel } from '../host/vscodeApi';
import {
  button,
  checkbox,
  radioGroup,
  slider,
  textField,
  type CheckboxControl,
  type RadioControl,
  type SliderControl,
  type TextFieldControl,
} from '../ui/controls';
import { COLUMNS } from './columns';
import { DashboardModel } from './dashboardModel';
import { restoreDashboardUi, type DashboardUiState, type LossView } from './dashboardUiState';
import { overlayChart, type OverlayChart, type OverlaySeries } from './overlayChart';
import { brokenPoints, kappaPoints, lossPoints, seriesCsv } from './overlaySeries';
import { matchesFilter, parseFilter, sortRows } from './rowQuery';
import { RunsTable } from './runsTable';
import { DISTINCT_STYLES, runStyle, type RunStyle } from './runStyles';
import { BROKEN_MAE } from '../../shared/thresholds';

export type DashboardChannel = Channel<DashboardHostMessage, DashboardWebviewMessage>;

const ROUND_TRIP_CHOICES = [
  { value: 'float32', label: 'float32 round trip' },
  { value: 'mixed', label: 'float32 embedding, float64 inverse' },
  { value: 'float64', label: 'float64 round trip' },
];

/** One overlay chart in its card, redrawn at most once per frame. */
interface OverlayCard {
  readonly card: ChartCard<DashboardChartId>;
  readonly chart: OverlayChart;
  readonly svg: SVGSVGElement;
  /** The series on screen, for the CSV export. */
  series: OverlaySeries[];
}

/**
 * The runs dashboard page: a sortable, filterable table of every run, and the
 * ticked runs overlaid in three charts (loss, κ of the Jacobian, broken
 * reconstructions) against epoch, each run in its own colour. The person's
 * choices are saved with setState.
 */
export class DashboardApp {
  private ui: DashboardUiState;
  private readonly model = new DashboardModel();
  private readonly cards = new CardRegistry<RegisteredCard<DashboardChartId>>();
  private readonly host: CardHost<DashboardChartId>;
  private readonly statusLine = el('p', { class: 'status-line', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly meta = el('p', { class: 'run-meta' });
  private readonly table: RunsTable;
  private readonly tableCard: ChartCard<DashboardChartId>;
  private readonly filterControl: TextFieldControl;
  private readonly countLine = el('span', { class: 'table-count' });
  private readonly loss: OverlayCard;
  private readonly kappa: OverlayCard;
  private readonly broken: OverlayCard;
  private readonly lossViewControl: RadioControl;
  private readonly smoothingControl: SliderControl;
  private readonly logControl: CheckboxControl;
  private readonly roundTripControl: RadioControl;
  private readonly body = el('div', { class: 'dashboard-body' });
  private readonly overlayGrid: HTMLElement;
  /** Runs the host streams for the overlay, as last told. */
  private watchedKey = '';
  private frame = 0;
  private dirty = { table: false, loss: false, trajectory: false };
  private initArrivedAt: number | null = null;
  private tableShownSent = false;

  constructor(
    root: HTMLElement,
    private readonly channel: DashboardChannel,
  ) {
    this.ui = restoreDashboardUi(channel.loadState());
    this.host = {
      cards: this.cards,
      channel,
      announce: (text) => {
        this.statusLine.textContent = text;
      },
    };
    this.table = new RunsTable({
      toggle: (runId, selected) =>
        this.setSelected(selected ? [...this.ui.selected, runId] : this.ui.selected.filter((id) => id !== runId)),
      toggleShown: (selected) => {
        const shown = this.shownRows().map((r) => r.id);
        this.setSelected(
          selected
            ? [...this.ui.selected, ...shown.filter((id) => !this.ui.selected.includes(id))]
            : this.ui.selected.filter((id) => !shown.includes(id)),
        );
      },
      sortBy: (key) =>
        this.update(
          {
            sort: {
              key,
              descending:
                this.ui.sort.key === key
                  ? !this.ui.sort.descending
                  : COLUMNS.find((c) => c.key === key)?.numeric === true,
            },
          },
          'table',
        ),
      openRun: (runId) => this.channel.post({ type: 'openRun', runId }),
    });
    this.filterControl = textField({
      name: 'filter',
      label: 'Filter',
      value: this.ui.filter,
      placeholder: 'text, model:base, lr<0.01, kappa>1e10',
      onInput: (value) => this.update({ filter: value }, 'table'),
    });
    this.tableCard = new ChartCard<DashboardChartId>(this.host, {
      id: 'runs-table',
      title: 'Runs',
      description:
        'One row per run of the runs folder. Click a heading to sort, tick runs to overlay them below, click a run to open it in the inspector.',
      fileStem: () => 'runs',
      exporter: { csv: () => this.tableCsv() },
      wide: true,
    });
    const clear = button({ name: 'clear-selection', label: 'Untick all', onClick: () => this.setSelected([]) });
    this.tableCard.controls.append(this.filterControl.element, clear, this.countLine);
    this.tableCard.body.append(this.table.element);

    this.loss = this.overlayCard(
      'runs-loss',
      'Loss',
      'The ticked runs\u2019 loss against epoch: every logged step smoothed (train), or each epoch\u2019s test loss or test bits/dim.',
      'loss',
    );
    this.lossViewControl = radioGroup({
      name: 'loss-view',
      label: 'Show',
      choices: [
        { value: 'train', label: 'train (steps)' },
        { value: 'test', label: 'test (epochs)' },
        { value: 'bits', label: 'test bits/dim (flows)' },
      ],
      value: this.ui.lossView,
      onChange: (v) => this.update({ lossView: v as LossView }, 'loss'),
    });
    this.smoothingControl = slider({
      name: 'smoothing',
      label: 'Smoothing',
      min: 0,
      max: 0.99,
      step: 0.01,
      value: this.ui.smoothing,
      format: (v) => (v === 0 ? 'off' : v.toFixed(2)),
      onInput: (v) => {
        this.ui = { ...this.ui, smoothing: v };
        this.schedule('loss');
      },
      onChange: (v) => this.update({ smoothing: v }, 'loss'),
    });
    this.logControl = checkbox({
      name: 'loss-log',
      label: 'Log scale',
      checked: this.ui.logY,
      onChange: (v) => this.update({ logY: v }, 'loss'),
    });
    this.loss.card.controls.append(
      this.lossViewControl.element,
      this.smoothingControl.element,
      this.logControl.element,
    );

    this.kappa = this.overlayCard(
      'runs-condition',
      'κ of the Jacobian',
      'κ(J) of each analysed checkpoint, with the float32 and float64 limits 1/ε: above a line, that precision cannot invert the network. A hollow dot is a lower bound (σmin beyond float64).',
      'kappa',
    );
    this.kappa.chart
      .logY(true)
      .yLabel('κ(J)')
      .markers(true)
      .references([
        { value: FLOAT32_LIMIT, label: 'float32 1/ε' },
        { value: FLOAT64_LIMIT, label: 'float64 1/ε' },
      ]);
    this.broken = this.overlayCard(
      'runs-broken',
      'Broken reconstructions',
      `Share of test images a round trip does not reconstruct (mean absolute error above ${BROKEN_MAE}), at each analysed checkpoint.`,
      'broken',
    );
    this.broken.chart.yLabel('broken').yDomain([0, 1]).yFormat(formatPercent).markers(true);
    this.roundTripControl = radioGroup({
      name: 'round-trip',
      label: 'Round trip',
      choices: ROUND_TRIP_CHOICES,
      value: this.ui.roundTrip,
      onChange: (v) => this.update({ roundTrip: v as DashboardUiState['roundTrip'] }, 'trajectory'),
    });
    this.broken.card.controls.append(this.roundTripControl.element);

    this.overlayGrid = el('div', { class: 'overlay-grid' }, [
      this.loss.card.element,
      this.kappa.card.element,
      this.broken.card.element,
    ]);
    root.replaceChildren(
      el('main', { class: 'dashboard' }, [
        el('header', { class: 'run-header' }, [
          el('div', { class: 'run-identity' }, [el('h1', { class: 'run-title', text: 'Runs' }), this.meta]),
        ]),
        this.statusLine,
        this.body,
      ]),
    );
    this.body.replaceChildren(el('p', { class: 'boot-note', text: 'Listing the runs…' }));
  }

  /** Listens first, then says ready: the host sends nothing before that. */
  start(): void {
    this.channel.onMessage((message) => this.receive(message));
    this.channel.post({ type: 'ready' });
  }

  private receive(message: DashboardHostMessage): void {
    const change = this.model.apply(message);
    switch (change.kind) {
      case 'init':
        this.initArrivedAt = performance.now();
        this.watchedKey = '';
        this.body.replaceChildren(this.tableCard.element);
        this.pruneSelection();
        this.renderMeta();
        this.drawTable();
        this.syncWatched();
        // The table first: the chart cards (and their controls) join the page once it is on screen, not in the frame that paints it.
        requestAnimationFrame(() =>
          setTimeout(() => {
            this.body.append(this.overlayGrid);
            for (const card of [this.loss, this.kappa, this.broken])
              card.card.onResize((width) => this.drawOverlay(card, width));
            this.schedule('loss', 'trajectory');
          }, 0),
        );
        break;
      case 'rows':
        if (change.removed.length > 0) this.pruneSelection();
        this.renderMeta();
        this.schedule('table', 'loss', 'trajectory');
        this.syncWatched();
        break;
      case 'loss':
        this.schedule('loss');
        break;
      case 'trajectory':
        this.schedule('trajectory');
        break;
      case 'export':
        this.statusLine.textContent = change.result.ok
          ? `Saved ${change.result.detail}`
          : `Export failed: ${change.result.detail}`;
        break;
    }
  }

  private overlayCard(id: DashboardChartId, title: string, description: string, valueName: string): OverlayCard {
    const svg = svgElement(id);
    const chart = overlayChart();
    const entry: OverlayCard = {
      chart,
      svg,
      series: [],
      card: new ChartCard<DashboardChartId>(this.host, {
        id,
        title,
        description,
        fileStem: () => `runs-${valueName}`,
        exporter: {
          svg: (background) => {
            entry.card.renderNow();
            return {
              text: serializeSvg(svg, { title, background }),
              width: Number(svg.getAttribute('width')),
              height: Number(svg.getAttribute('height')),
            };
          },
          csv: () => seriesCsv(valueName, entry.series, id === 'runs-condition'),
        },
      }),
    };
    entry.card.body.append(svg);
    return entry;
  }

  private update(patch: Partial<DashboardUiState>, ...what: Array<keyof DashboardApp['dirty']>): void {
    this.ui = { ...this.ui, ...patch };
    this.channel.saveState(this.ui);
    this.schedule(...what);
  }

  private setSelected(ids: readonly string[]): void {
    this.update({ selected: [...new Set(ids)] }, 'table', 'loss', 'trajectory');
    this.syncWatched();
  }

  /** Runs deleted on disk leave the selection. */
  private pruneSelection(): void {
    const kept = this.ui.selected.filter((id) => this.model.rows.has(id));
    if (kept.length !== this.ui.selected.length) this.update({ selected: kept });
  }

  /** Each ticked run's style, in tick order; runs past what the overlay can tell apart get null and are not drawn. */
  private styles(): Map<string, RunStyle | null> {
    return new Map(this.ui.selected.map((id, i) => [id, i < DISTINCT_STYLES ? runStyle(i) : null]));
  }

  private overlaid(): string[] {
    return this.ui.selected.filter((id) => this.model.rows.has(id)).slice(0, DISTINCT_STYLES);
  }

  /** Tells the host which runs to stream when that changed; runs no longer overlaid are forgotten here too. */
  private syncWatched(): void {
    const ids = this.overlaid();
    const key = ids.join('\n');
    if (key === this.watchedKey) return;
    const wanted = new Set(ids);
    for (const id of [...this.model.losses.keys(), ...this.model.trajectories.keys()])
      if (!wanted.has(id)) this.model.unwatch(id);
    this.watchedKey = key;
    this.channel.post({ type: 'watchRuns', runIds: ids });
  }

  private shownRows(): DashboardRow[] {
    const filter = parseFilter(this.ui.filter);
    return sortRows(
      [...this.model.rows.values()].filter((r) => matchesFilter(r, filter.terms)),
      this.ui.sort,
    );
  }

  private schedule(...what: Array<keyof DashboardApp['dirty']>): void {
    for (const w of what) this.dirty[w] = true;
    if (this.frame !== 0 || !this.model.initialized) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const dirty = this.dirty;
      this.dirty = { table: false, loss: false, trajectory: false };
      if (dirty.table) this.drawTable();
      if (dirty.loss) this.loss.card.renderNow();
      if (dirty.trajectory) {
        this.kappa.card.renderNow();
        this.broken.card.renderNow();
      }
    });
  }

  private renderMeta(): void {
    const m = this.model;
    const damaged =
      m.damaged > 0 ? ` · ${m.damaged} run folder${m.damaged === 1 ? '' : 's'} cannot be read (see the Runs view)` : '';
    this.meta.textContent = `${m.rows.size} run${m.rows.size === 1 ? '' : 's'} in ${m.runsFolder}${damaged}`;
  }

  private drawTable(): void {
    const filter = parseFilter(this.ui.filter);
    this.filterControl.setProblem(filter.problems.join('; '));
    const shown = this.shownRows();
    this.table.render(shown, this.styles(), this.ui.sort);
    const over = this.ui.selected.length > DISTINCT_STYLES ? ` · the overlay shows the first ${DISTINCT_STYLES}` : '';
    this.countLine.textContent = `${shown.length} of ${this.model.rows.size} shown · ${this.ui.selected.length} ticked${over}`;
    this.reportFirstTable(shown.length);
  }

  /** Tells the host, once, how long the first table took from its data to the screen (the next frame is after paint). */
  private reportFirstTable(rows: number): void {
    if (this.tableShownSent || this.initArrivedAt === null) return;
    this.tableShownSent = true;
    const arrived = this.initArrivedAt;
    requestAnimationFrame(() =>
      setTimeout(() => this.channel.post({ type: 'tableShown', rows, renderMs: performance.now() - arrived }), 0),
    );
  }

  /** Draws an overlay at `width` (its card calls this on resize and from renderNow). Controls are only read here: setting them would swallow a click. */
  private drawOverlay(card: OverlayCard, width: number): void {
    const ids = this.overlaid();
    const styles = this.styles();
    const label = (id: string): string => id;
    if (card === this.loss) {
      this.smoothingControl.setDisabled(this.ui.lossView !== 'train');
      card.series = ids.map((id) => {
        const loss = this.model.losses.get(id);
        const row = this.model.rows.get(id) as DashboardRow;
        return {
          key: id,
          label: label(id),
          style: styles.get(id) as RunStyle,
          points: loss ? lossPoints(loss, this.ui.lossView, this.ui.smoothing, row.stepsPerEpoch) : [],
        };
      });
      const positive = card.series.every((s) => s.points.every((p) => !Number.isFinite(p.y) || p.y > 0));
      this.logControl.setDisabled(
        !positive,
        'Some values are zero or negative (a flow\u2019s loss); a log scale cannot show them.',
      );
      const yLabel =
        this.ui.lossView === 'bits' ? 'test bits/dim' : this.ui.lossView === 'test' ? 'test loss' : 'train loss';
      card.chart
        .logY(this.ui.logY && positive)
        .yLabel(yLabel)
        .markers(this.ui.lossView !== 'train')
        .emptyText(
          ids.length === 0
            ? 'Tick runs in the table to overlay their loss.'
            : this.ui.lossView === 'bits'
              ? 'No ticked run is a flow on dequantized pixels.'
              : 'No loss recorded yet.',
        );
    } else {
      const roundTrip = this.ui.roundTrip;
      card.series = ids.map((id) => {
        const points = this.model.trajectories.get(id) ?? [];
        return {
          key: id,
          label: label(id),
          style: styles.get(id) as RunStyle,
          points: card === this.kappa ? kappaPoints(points) : brokenPoints(points, roundTrip),
        };
      });
      card.chart.emptyText(
        ids.length === 0 ? 'Tick runs in the table to overlay them.' : 'No ticked run has an analysed checkpoint yet.',
      );
      card.chart.tip(({ series, point }) => ({
        title: `${series.label} · epoch ${formatNumber(point.x)}`,
        rows:
          card === this.kappa
            ? [['κ(J)', `${point.open ? '> ' : ''}${formatNumber(point.y)}`]]
            : [[ROUND_TRIP_CHOICES.find((c) => c.value === roundTrip)?.label ?? roundTrip, formatPercent(point.y)]],
        note: point.open ? 'A lower bound: σmin is below what float64 resolves next to σmax' : undefined,
      }));
    }
    if (card === this.loss) {
      card.chart.tip(({ series, point }) => ({
        title: `${series.label} · epoch ${formatNumber(point.x, { digits: 4 })}`,
        rows: [[card.chart.yLabel(), formatNumber(point.y, { digits: 5 })]],
      }));
    }
    card.chart.series(card.series).width(width).height(300)(card.svg);
  }

  private tableCsv(): string {
    const rows = this.shownRows();
    return toCsv(
      COLUMNS.map((c) => c.key),
      rows.map((row) => COLUMNS.map((c) => c.csv(row))),
    );
  }
}

import type { EpochMetric, MetricRecord, RunRecord, StepMetric } from '../../core/store/runTypes';
import { EPOCH_DIGITS, formatCount, formatNumber } from '../../shared/formatNumber';
import type { Objective } from '../../core/train/config';
import { canUseLogScale, lossChart, lossSeries, type LossPart } from '../charts/lossChart';
import { toCsv } from '../export/csv';
import { serializeSvg } from '../export/serializeSvg';
import {
  checkbox,
  radioGroup,
  slider,
  type CheckboxControl,
  type RadioControl,
  type SliderControl,
} from '../ui/controls';
import { ChartCard } from './chartCard';
import { svgElement } from './dom';
import type { ViewContext } from './viewContext';

/** The names of the two loss parts each objective records (MetricRecord.parts). */
function partNames(objective: Objective): readonly [string, string] {
  return objective === 'flow' ? ['latent NLL', '−log|det J|'] : ['NLL', 'variance penalty'];
}

/** Steps per epoch, to put logged steps on the epoch axis. */
function stepsPerEpoch(run: RunRecord): number {
  return Math.max(1, Math.ceil(run.data.trainCount / Math.max(1, run.config.batchSize)));
}

/** A run's loss curves with their controls; redrawn as the host appends metrics. */
export class TrainingView {
  readonly element: HTMLElement;
  private readonly card: ChartCard;
  private readonly chart = lossChart();
  private readonly svg = svgElement('loss');
  private readonly partControl: RadioControl;
  private readonly smoothingControl: SliderControl;
  private readonly logControl: CheckboxControl;
  private selected: readonly number[] = [];
  private frame = 0;
  /** The objective whose part names the "Show" choices carry; the run record may arrive after this view is built. */
  private namedFor: Objective | null = null;

  constructor(
    private readonly context: ViewContext,
    readonly runId: string,
    title: string,
  ) {
    const ui = context.ui();
    this.card = new ChartCard(context, {
      id: 'loss',
      title,
      description:
        'Every logged step (faint), smoothed, and each epoch\u2019s train and test loss. Updates live while the run trains; a diverged step leaves a gap.',
      fileStem: () => `${runId}-loss`.replace(/[^A-Za-z0-9._-]+/g, '-'),
      exporter: {
        svg: (background) => {
          this.flushDraw();
          return {
            text: serializeSvg(this.svg, { title: `${title} · ${runId}`, background }),
            width: Number(this.svg.getAttribute('width')),
            height: Number(this.svg.getAttribute('height')),
          };
        },
        csv: () => this.csv(),
      },
      wide: true,
    });
    this.partControl = radioGroup({
      name: 'loss-part',
      label: 'Show',
      choices: [],
      value: ui.lossPart,
      onChange: (v) => context.updateUi({ lossPart: v as LossPart }),
    });
    this.smoothingControl = slider({
      name: 'smoothing',
      label: 'Smoothing',
      min: 0,
      max: 0.99,
      step: 0.01,
      value: ui.smoothing,
      format: (v) => (v === 0 ? 'off' : v.toFixed(2)),
      onInput: (v) => this.draw(v),
      onChange: (v) => context.updateUi({ smoothing: v }),
    });
    this.logControl = checkbox({
      name: 'loss-log',
      label: 'Log scale',
      checked: ui.lossLogY,
      onChange: (v) => context.updateUi({ lossLogY: v }),
    });
    this.card.controls.append(this.partControl.element, this.smoothingControl.element, this.logControl.element);
    this.card.body.append(this.svg);
    this.card.onResize(() => this.draw());
    this.element = this.card.element;
    this.refreshUi();
  }

  /** Marks the checkpoint epochs the inspector currently shows. */
  setSelected(epochs: readonly number[]): void {
    this.selected = epochs;
    this.scheduleDraw();
  }

  /** Metrics or the run record changed: redraw once per frame however many messages came. */
  update(): void {
    this.scheduleDraw();
  }

  refreshUi(): void {
    const ui = this.context.ui();
    this.nameParts(true);
    this.smoothingControl.setValue(ui.smoothing);
    this.logControl.setChecked(ui.lossLogY);
    // Detached (from the constructor), a draw would be at a guessed width and is
    // always followed by the one the inspector schedules once the view is placed.
    if (this.svg.isConnected) this.card.renderNow();
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.card.dispose();
  }

  /** Labels the "Show" choices with the run's own loss parts (again when the run record has changed objective, or `force`). */
  private nameParts(force: boolean): void {
    const objective = this.context.model.run(this.runId)?.config.objective ?? 'seed';
    if (!force && objective === this.namedFor) return;
    this.namedFor = objective;
    const names = partNames(objective);
    this.partControl.setChoices(
      [
        { value: 'total', label: 'Total' },
        { value: 'part0', label: names[0] },
        { value: 'part1', label: names[1] },
      ],
      this.context.ui().lossPart,
    );
  }

  private scheduleDraw(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.card.renderNow();
    });
  }

  /** An export asked for before the scheduled frame gets the chart that frame would draw (the first one included). */
  private flushDraw(): void {
    if (this.frame === 0) return;
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.card.renderNow();
  }

  private draw(smoothing = this.context.ui().smoothing): void {
    const ui = this.context.ui();
    const run = this.context.model.run(this.runId);
    this.nameParts(false);
    const metrics = this.context.model.metricsOf(this.runId);
    const logPossible = canUseLogScale(metrics, ui.lossPart);
    this.logControl.setDisabled(!logPossible, 'Some values are zero or negative; a log scale cannot show them.');
    this.chart
      .metrics(metrics)
      .stepsPerEpoch(run ? stepsPerEpoch(run) : 1)
      .part(ui.lossPart)
      .partNames(partNames(run?.config.objective ?? 'seed'))
      .smoothing(smoothing)
      .logY(ui.lossLogY && logPossible)
      .checkpoints(run?.checkpoints.map((c) => c.epoch) ?? [])
      .selected(this.selected)
      .width(this.card.width())
      .height(280)(this.svg);
    this.card.footer.textContent = run ? runStatusLine(run, metrics) : '';
  }

  private csv(): string {
    const run = this.context.model.run(this.runId);
    const ui = this.context.ui();
    const metrics = this.context.model.metricsOf(this.runId);
    const series = lossSeries(metrics, run ? stepsPerEpoch(run) : 1, 'total', ui.smoothing);
    const smoothByStep = new Map(series.steps.map((s) => [s.record.step, s.smooth]));
    return toCsv(
      [
        'type',
        'epoch',
        'step',
        'loss',
        'part_1',
        'part_2',
        'smoothed_loss',
        'train_loss',
        'test_loss',
        'test_part_1',
        'test_part_2',
      ],
      metrics.map((m) =>
        m.type === 'step'
          ? [
              'step',
              m.epoch,
              m.step,
              m.loss,
              m.parts?.[0] ?? null,
              m.parts?.[1] ?? null,
              smoothByStep.get(m.step) ?? null,
              null,
              null,
              null,
              null,
            ]
          : [
              'epoch',
              m.epoch,
              null,
              null,
              m.trainParts?.[0] ?? null,
              m.trainParts?.[1] ?? null,
              null,
              m.trainLoss,
              m.testLoss,
              m.testParts?.[0] ?? null,
              m.testParts?.[1] ?? null,
            ],
      ),
    );
  }
}

function runStatusLine(run: RunRecord, metrics: readonly MetricRecord[]): string {
  const lastStep = [...metrics].reverse().find((m): m is StepMetric => m.type === 'step');
  const speed =
    lastStep && Number.isFinite(lastStep.samplesPerSecond)
      ? ` · ${formatCount(lastStep.samplesPerSecond)} samples/s`
      : '';
  const diverged = metrics.filter((m) => m.type === 'step' && !Number.isFinite(m.loss)).length;
  const warn = diverged > 0 ? ` · ${diverged} diverged step${diverged === 1 ? '' : 's'}` : '';
  return `${run.status} · epoch ${run.epochsCompleted} of ${run.config.epochs}${speed}${warn}${bitsLine(metrics)}`;
}

/**
 * A flow's latest test bits/dim and its best so far: the density's loss on a
 * scale that reads the same for every flow (8 = the uniform density).
 */
function bitsLine(metrics: readonly MetricRecord[]): string {
  const epochs = metrics.filter(
    (m): m is EpochMetric =>
      m.type === 'epoch' && typeof m.testBitsPerDim === 'number' && Number.isFinite(m.testBitsPerDim),
  );
  const last = epochs[epochs.length - 1];
  if (!last) return '';
  const best = epochs.reduce((b, m) => ((m.testBitsPerDim as number) < (b.testBitsPerDim as number) ? m : b), last);
  const bestText =
    best === last ? '' : `, best ${formatNumber(best.testBitsPerDim as number, EPOCH_DIGITS)} at epoch ${best.epoch}`;
  return ` · test ${formatNumber(last.testBitsPerDim as number, EPOCH_DIGITS)} bits/dim at epoch ${last.epoch}${bestText} (uniform density: 8)`;
}

import { extent, line, scaleLinear, scaleLog, symbol, symbolTriangle } from 'd3';
import type { EpochMetric, MetricRecord, StepMetric } from '../../core/store/runTypes';
import { EPOCH_DIGITS, formatNumber } from '../../shared/formatNumber';
import { pointer, type PointerTarget } from '../interaction/pointer';
import { smoothSeries } from '../math/smoothing';
import { accessor, isPositiveSize, type Accessor } from './accessor';
import { bottomAxis, frame, layer, leftAxis, legend, logTickFormat, logTicks } from './frame';

/**
 * Loss curves of one run: every logged step (faint), the same smoothed, and the
 * train/test loss of every finished epoch, against epochs. A step whose loss is
 * NaN or infinite (training diverged) leaves a gap in both step lines and a
 * marker on the x axis. Vertical rules mark the checkpoints.
 */
export type LossPart = 'total' | 'part0' | 'part1';

export interface LossChart {
  (svg: SVGSVGElement): void;
  metrics: Accessor<LossChart, readonly MetricRecord[]>;
  /** Optimizer steps per epoch, to place steps on the epoch axis. */
  stepsPerEpoch: Accessor<LossChart, number>;
  part: Accessor<LossChart, LossPart>;
  partNames: Accessor<LossChart, readonly [string, string]>;
  /** EMA weight in [0, 1); 0 draws no smoothed line. */
  smoothing: Accessor<LossChart, number>;
  /** Log y axis; ignored (linear) while any drawn value is ≤ 0. */
  logY: Accessor<LossChart, boolean>;
  checkpoints: Accessor<LossChart, readonly number[]>;
  /** Checkpoint epochs currently shown in the inspector, drawn emphasized. */
  selected: Accessor<LossChart, readonly number[]>;
  width: Accessor<LossChart, number>;
  height: Accessor<LossChart, number>;
}

export interface StepPoint {
  readonly record: StepMetric;
  readonly x: number;
  readonly raw: number;
  readonly smooth: number;
}

export interface LossSeries {
  readonly steps: StepPoint[];
  readonly epochs: EpochMetric[];
  readonly diverged: StepPoint[];
}

function stepValue(record: StepMetric, part: LossPart): number {
  const v = part === 'total' ? record.loss : record.parts?.[part === 'part0' ? 0 : 1];
  return typeof v === 'number' ? v : Number.NaN; // null from JSON is a diverged step too
}

function epochValues(record: EpochMetric, part: LossPart): { train: number; test: number } {
  const pick = (total: number, parts: readonly [number, number] | undefined): number => {
    const v = part === 'total' ? total : parts?.[part === 'part0' ? 0 : 1];
    return typeof v === 'number' ? v : Number.NaN;
  };
  return { train: pick(record.trainLoss, record.trainParts), test: pick(record.testLoss, record.testParts) };
}

export function lossSeries(
  metrics: readonly MetricRecord[],
  stepsPerEpoch: number,
  part: LossPart,
  smoothing: number,
): LossSeries {
  const stepRecords = metrics.filter((m): m is StepMetric => m.type === 'step');
  const raw = stepRecords.map((r) => stepValue(r, part));
  const smooth = smoothSeries(raw, smoothing);
  const steps = stepRecords.map((record, i) => ({
    record,
    x: record.step / stepsPerEpoch,
    raw: raw[i],
    smooth: smooth[i],
  }));
  return {
    steps,
    epochs: metrics.filter((m): m is EpochMetric => m.type === 'epoch'),
    diverged: steps.filter((s) => !Number.isFinite(s.raw)),
  };
}

/** Whether every finite value of the part is positive, so a log axis can show it. */
export function canUseLogScale(metrics: readonly MetricRecord[], part: LossPart): boolean {
  return metrics.every((m) => {
    const values = m.type === 'step' ? [stepValue(m, part)] : Object.values(epochValues(m, part));
    return values.every((v) => !Number.isFinite(v) || v > 0);
  });
}

const MARGIN = { top: 22, right: 18, bottom: 44, left: 64 };

export function lossChart(): LossChart {
  let metrics: readonly MetricRecord[] = [];
  let stepsPerEpoch = 1;
  let part: LossPart = 'total';
  let partNames: readonly [string, string] = ['part 1', 'part 2'];
  let smoothing = 0.6;
  let logY = true;
  let checkpoints: readonly number[] = [];
  let selected: readonly number[] = [];
  let width = 640;
  let height = 260;
  let targets: PointerTarget<StepPoint | EpochMetric>[] = [];
  let series: LossSeries = { steps: [], epochs: [], diverged: [] };

  const partLabel = (): string => (part === 'total' ? 'loss' : partNames[part === 'part0' ? 0 : 1]);
  const hover = pointer<StepPoint | EpochMetric>()
    .mode('x')
    .targets(() => targets)
    .tip((d) => {
      if ('record' in d) {
        const epoch = series.epochs.find((e) => e.epoch === d.record.epoch);
        const rows: Array<[string, string]> = [
          [
            partLabel(),
            Number.isFinite(d.raw) ? formatNumber(d.raw, { digits: 5 }) : `${formatNumber(d.raw)} (diverged)`,
          ],
        ];
        if (smoothing > 0) rows.push(['smoothed', formatNumber(d.smooth, { digits: 5 })]);
        rows.push(
          [partNames[0], formatNumber(d.record.parts?.[0], { digits: 4 })],
          [partNames[1], formatNumber(d.record.parts?.[1], { digits: 4 })],
        );
        if (epoch)
          rows.push(
            [`epoch ${epoch.epoch} train`, formatNumber(epochValues(epoch, part).train, EPOCH_DIGITS)],
            [`epoch ${epoch.epoch} test`, formatNumber(epochValues(epoch, part).test, EPOCH_DIGITS)],
          );
        if (typeof epoch?.testBitsPerDim === 'number')
          rows.push([`epoch ${epoch.epoch} test bits/dim`, formatNumber(epoch.testBitsPerDim, EPOCH_DIGITS)]);
        return { title: `Epoch ${d.record.epoch} · step ${d.record.step}`, rows };
      }
      const v = epochValues(d, part);
      const rows: Array<[string, string]> = [
        [`train ${partLabel()}`, formatNumber(v.train, EPOCH_DIGITS)],
        [`test ${partLabel()}`, formatNumber(v.test, EPOCH_DIGITS)],
      ];
      if (typeof d.testBitsPerDim === 'number')
        rows.push(['test bits/dim', formatNumber(d.testBitsPerDim, EPOCH_DIGITS)]);
      return { title: d.epoch === 0 ? 'Epoch 0 (initialized model)' : `Epoch ${d.epoch}`, rows };
    });

  const chart = ((svg: SVGSVGElement) => {
    const f = frame(svg, width, height, MARGIN, `Loss curves, ${partLabel()} against epoch`);
    series = lossSeries(metrics, stepsPerEpoch, part, smoothing);
    const epochPoints = series.epochs.map((e) => ({ e, ...epochValues(e, part) }));
    const values = [...series.steps.map((s) => s.raw), ...epochPoints.flatMap((p) => [p.train, p.test])].filter(
      Number.isFinite,
    );
    const useLog = logY && values.length > 0 && values.every((v) => v > 0);
    const [lo = 0, hi = 1] = extent(values);
    const y = useLog
      ? scaleLog()
          .domain([lo / 1.2, hi * 1.2])
          .range([f.innerHeight, 0])
      : scaleLinear()
          .domain(lo === hi ? [lo - 1, hi + 1] : [lo, hi])
          .nice()
          .range([f.innerHeight, 0]);
    const maxX = Math.max(1, ...series.steps.map((s) => s.x), ...series.epochs.map((e) => e.epoch), ...checkpoints);
    const x = scaleLinear().domain([0, maxX]).range([0, f.innerWidth]).nice();

    leftAxis(
      f.plot,
      y,
      f.innerWidth,
      f.innerHeight,
      useLog
        ? {
            ticks: logTicks(y.domain(), 6),
            format: logTickFormat(y.domain()),
            grid: f.innerWidth,
            label: useLog ? `${partLabel()} (log)` : partLabel(),
          }
        : { count: 6, format: (v: number) => formatNumber(v), grid: f.innerWidth, label: partLabel() },
    );
    bottomAxis(f.plot, x, f.innerHeight, f.innerWidth, { count: 8, format: (v) => formatNumber(v), label: 'epoch' });

    const selectedSet = new Set(selected);
    layer(f.plot, 'checkpoint-rules')
      .lower()
      .selectAll<SVGGElement, number>('g.checkpoint-rule')
      .data(checkpoints, (d) => String(d))
      .join((enter) => {
        const g = enter.append('g').attr('class', 'checkpoint-rule');
        g.append('line');
        g.append('text');
        return g;
      })
      .classed('is-selected', (d) => selectedSet.has(d))
      .attr('transform', (d) => `translate(${x(d)},0)`)
      .call((g) => g.select('line').attr('y1', 0).attr('y2', f.innerHeight))
      .call((g) =>
        g
          .select('text')
          .attr('x', 3)
          .attr('y', 10)
          .attr('text-anchor', 'start')
          .text((d) => (selectedSet.has(d) ? `epoch ${d}` : String(d))),
      );

    const defined = (v: number): boolean => Number.isFinite(v) && (!useLog || v > 0);
    const rawLine = line<StepPoint>()
      .defined((s) => defined(s.raw))
      .x((s) => x(s.x))
      .y((s) => y(s.raw));
    const smoothLine = line<StepPoint>()
      .defined((s) => defined(s.smooth))
      .x((s) => x(s.x))
      .y((s) => y(s.smooth));
    layer(f.plot, 'step-raw', 'path').attr('d', rawLine(series.steps) ?? '');
    layer(f.plot, 'step-smooth', 'path').attr('d', smoothing > 0 ? (smoothLine(series.steps) ?? '') : '');

    const trainLine = line<(typeof epochPoints)[number]>()
      .defined((p) => defined(p.train))
      .x((p) => x(p.e.epoch))
      .y((p) => y(p.train));
    const testLine = line<(typeof epochPoints)[number]>()
      .defined((p) => defined(p.test))
      .x((p) => x(p.e.epoch))
      .y((p) => y(p.test));
    layer(f.plot, 'epoch-train', 'path').attr('d', trainLine(epochPoints) ?? '');
    layer(f.plot, 'epoch-test', 'path').attr('d', testLine(epochPoints) ?? '');
    const dots = epochPoints
      .flatMap((p) => [
        { key: `train-${p.e.epoch}`, cls: 'epoch-dot train', cx: x(p.e.epoch), v: p.train },
        { key: `test-${p.e.epoch}`, cls: 'epoch-dot test', cx: x(p.e.epoch), v: p.test },
      ])
      .filter((d) => defined(d.v));
    // Dots only while they stay apart; hundreds of epochs would make a smear.
    layer(f.plot, 'epoch-dots')
      .selectAll<SVGCircleElement, (typeof dots)[number]>('circle')
      .data(epochPoints.length <= f.innerWidth / 8 ? dots : [], (d) => d.key)
      .join('circle')
      .attr('class', (d) => d.cls)
      .attr('cx', (d) => d.cx)
      .attr('cy', (d) => y(d.v))
      .attr('r', 2.5);

    const triangle = symbol(symbolTriangle, 40)() ?? '';
    layer(f.plot, 'diverged')
      .selectAll<SVGPathElement, StepPoint>('path.diverged-marker')
      .data(series.diverged, (d) => String(d.record.step))
      .join('path')
      .attr('class', 'diverged-marker')
      .attr('d', triangle)
      .attr('transform', (d) => `translate(${x(d.x)},${f.innerHeight - 6}) rotate(180)`)
      .attr('aria-label', (d) => `step ${d.record.step} diverged: loss ${formatNumber(d.raw)}`);

    legend(
      f.plot,
      [
        { cls: 'step-raw', text: 'steps' },
        ...(smoothing > 0 ? [{ cls: 'step-smooth', text: 'smoothed' }] : []),
        { cls: 'epoch-train', text: 'train (epoch)' },
        { cls: 'epoch-test', text: 'test (epoch)' },
        ...(series.diverged.length > 0
          ? [{ cls: 'diverged-marker', text: 'diverged step', swatch: 'triangle' as const }]
          : []),
      ],
      { x: f.innerWidth, y: -12, direction: 'row', align: 'end' },
    );

    targets =
      series.steps.length > 0
        ? series.steps.map((s) => ({
            x: MARGIN.left + x(s.x),
            y: MARGIN.top + (Number.isFinite(s.raw) ? y(Math.max(s.raw, y.domain()[0])) : f.innerHeight),
            datum: s,
          }))
        : series.epochs.map((e) => ({ x: MARGIN.left + x(e.epoch), y: MARGIN.top, datum: e }));
    hover.radius(Math.max(6, f.innerWidth / Math.max(1, targets.length)))(svg);
  }) as LossChart;

  chart.metrics = accessor(
    chart,
    'lossChart.metrics',
    () => metrics,
    (v) => {
      metrics = v;
    },
    Array.isArray,
  );
  chart.stepsPerEpoch = accessor(
    chart,
    'lossChart.stepsPerEpoch',
    () => stepsPerEpoch,
    (v) => {
      stepsPerEpoch = v;
    },
    (v) => Number.isFinite(v) && v > 0,
  );
  chart.part = accessor(
    chart,
    'lossChart.part',
    () => part,
    (v) => {
      part = v;
    },
    (v) => v === 'total' || v === 'part0' || v === 'part1',
  );
  chart.partNames = accessor(
    chart,
    'lossChart.partNames',
    () => partNames,
    (v) => {
      partNames = v;
    },
    (v) => Array.isArray(v) && v.length === 2,
  );
  chart.smoothing = accessor(
    chart,
    'lossChart.smoothing',
    () => smoothing,
    (v) => {
      smoothing = v;
    },
    (v) => v >= 0 && v < 1,
  );
  chart.logY = accessor(
    chart,
    'lossChart.logY',
    () => logY,
    (v) => {
      logY = v;
    },
    (v) => typeof v === 'boolean',
  );
  chart.checkpoints = accessor(
    chart,
    'lossChart.checkpoints',
    () => checkpoints,
    (v) => {
      checkpoints = v;
    },
    Array.isArray,
  );
  chart.selected = accessor(
    chart,
    'lossChart.selected',
    () => selected,
    (v) => {
      selected = v;
    },
    Array.isArray,
  );
  chart.width = accessor(
    chart,
    'lossChart.width',
    () => width,
    (v) => {
      width = v;
    },
    isPositiveSize,
  );
  chart.height = accessor(
    chart,
    'lossChart.height',
    () => height,
    (v) => {
      height = v;
    },
    isPositiveSize,
  );
  return chart;
}

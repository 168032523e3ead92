import { line, scaleLinear, scaleLog } from 'd3';
import type { AmplificationPoint, AmplificationReport } from '../../core/analysis/types';
import { formatDecibels, formatNumber, formatPercent } from '../../shared/formatNumber';
import { RECOGNIZABLE_PSNR } from '../../shared/thresholds';
import { formatDelta } from '../notation';
import { pointer, type PointerTarget } from '../interaction/pointer';
import { accessor, isPositiveSize, type Accessor } from './accessor';
import { bottomAxis, frame, layer, leftAxis, legend, logTickFormat, rightAxis } from './frame';

/**
 * Reconstruction quality against the noise level δ: PSNR (left axis) with the
 * 20 dB line below which digits stop being recognizable, and the classifier's
 * accuracy on the noisy reconstructions (right axis). The shaded band is the
 * range of δ the analysis found recognizable; the vertical rule is the δ shown
 * in the amplification chart.
 */
export interface RecognizabilityChart {
  (svg: SVGSVGElement): void;
  report: Accessor<RecognizabilityChart, AmplificationReport | null>;
  delta: Accessor<RecognizabilityChart, number>;
  width: Accessor<RecognizabilityChart, number>;
  height: Accessor<RecognizabilityChart, number>;
}

const MARGIN = { top: 26, right: 52, bottom: 44, left: 56 };

export function recognizabilityChart(): RecognizabilityChart {
  let report: AmplificationReport | null = null;
  let delta = 1e-3;
  let width = 420;
  let height = 240;
  let targets: PointerTarget<AmplificationPoint>[] = [];
  const hover = pointer<AmplificationPoint>()
    .mode('x')
    .targets(() => targets)
    .tip((p) => ({
      title: `δ = ${formatDelta(p.delta)}`,
      rows: [
        ['PSNR', formatDecibels(p.psnr)],
        ['classifier accuracy', formatPercent(p.classifierAccuracy)],
        ...(p.medianGrowth === undefined
          ? []
          : [['growth, median per image', `×${formatNumber(p.medianGrowth)}`] as [string, string]]),
        [
          'growth, pooled over images',
          `×${formatNumber(p.pooledGrowth ?? p.errorAfterStage[p.errorAfterStage.length - 1] / p.delta)}`,
        ],
        [
          'recognizable',
          report?.recognizableUpTo !== null &&
          report?.recognizableUpTo !== undefined &&
          p.delta <= report.recognizableUpTo
            ? 'yes'
            : 'no',
        ],
      ],
    }));

  const chart = ((svg: SVGSVGElement) => {
    const f = frame(
      svg,
      width,
      height,
      MARGIN,
      'Reconstruction PSNR and classifier accuracy against noise level delta',
    );
    const points = [...(report?.points ?? [])].sort((a, b) => a.delta - b.delta);
    const deltas = points.map((p) => p.delta);
    const lo = deltas.length > 0 ? Math.min(...deltas) : 1e-6;
    const hi = deltas.length > 0 ? Math.max(...deltas) : 1e-1;
    const x = scaleLog()
      .domain([lo / 2, hi * 2])
      .range([0, f.innerWidth]);
    const psnrs = points.map((p) => p.psnr).filter(Number.isFinite);
    const y = scaleLinear()
      .domain([Math.min(0, ...psnrs), Math.max(RECOGNIZABLE_PSNR + 10, ...psnrs) + 5])
      .nice()
      .range([f.innerHeight, 0]);
    const acc = scaleLinear().domain([0, 1]).range([f.innerHeight, 0]);

    bottomAxis(f.plot, x, f.innerHeight, f.innerWidth, {
      ticks: deltas,
      format: deltas.length > 0 ? formatDelta : logTickFormat(x.domain()),
      label: 'noise δ added to the embedding',
    });
    leftAxis(f.plot, y, f.innerWidth, f.innerHeight, {
      count: 5,
      format: (v) => String(v),
      grid: f.innerWidth,
      label: 'PSNR (dB)',
    });
    rightAxis(f.plot, acc, f.innerWidth, f.innerHeight, {
      count: 5,
      format: (v) => `${Math.round(v * 100)}%`,
      label: 'classifier accuracy',
    });

    const upTo = report?.recognizableUpTo ?? null;
    const band = layer(f.plot, 'recognizable-band', 'rect');
    if (upTo !== null) {
      band
        .attr('x', 0)
        .attr('y', 0)
        .attr('height', f.innerHeight)
        .attr('width', Math.max(0, x(upTo * Math.SQRT2)))
        .attr('display', null);
    } else {
      band.attr('display', 'none');
    }
    // Above the plot, where no line can run through it.
    layer(f.plot, 'recognizable-label', 'text')
      .attr('x', 0)
      .attr('y', -10)
      .attr('text-anchor', 'start')
      .text(upTo !== null ? `recognizable up to δ = ${formatDelta(upTo)}` : 'not recognizable at any tested δ');

    layer(f.plot, 'threshold', 'line')
      .attr('x1', 0)
      .attr('x2', f.innerWidth)
      .attr('y1', y(RECOGNIZABLE_PSNR))
      .attr('y2', y(RECOGNIZABLE_PSNR));
    layer(f.plot, 'threshold-label', 'text')
      .attr('x', f.innerWidth - 4)
      .attr('y', y(RECOGNIZABLE_PSNR) - 4)
      .attr('text-anchor', 'end')
      .text(`${RECOGNIZABLE_PSNR} dB`);

    const selected =
      points.length > 0
        ? points.reduce((b, p) => (Math.abs(Math.log(p.delta / delta)) < Math.abs(Math.log(b.delta / delta)) ? p : b))
        : null;
    layer(f.plot, 'selected-delta', 'line')
      .attr('display', selected ? null : 'none')
      .attr('x1', selected ? x(selected.delta) : 0)
      .attr('x2', selected ? x(selected.delta) : 0)
      .attr('y1', 0)
      .attr('y2', f.innerHeight);

    const psnrLine = line<AmplificationPoint>()
      .defined((p) => Number.isFinite(p.psnr))
      .x((p) => x(p.delta))
      .y((p) => y(p.psnr));
    const accLine = line<AmplificationPoint>()
      .defined((p) => Number.isFinite(p.classifierAccuracy))
      .x((p) => x(p.delta))
      .y((p) => acc(p.classifierAccuracy));
    layer(f.plot, 'psnr-line', 'path').attr('d', psnrLine(points) ?? '');
    layer(f.plot, 'accuracy-line', 'path').attr('d', accLine(points) ?? '');
    layer(f.plot, 'psnr-dots')
      .selectAll<SVGCircleElement, AmplificationPoint>('circle')
      .data(
        points.filter((p) => Number.isFinite(p.psnr)),
        (p) => String(p.delta),
      )
      .join('circle')
      .attr('class', 'psnr-dot')
      .classed('is-selected', (p) => p === selected)
      .attr('cx', (p) => x(p.delta))
      .attr('cy', (p) => y(p.psnr))
      .attr('r', (p) => (p === selected ? 5 : 3.5));

    legend(
      f.plot,
      [
        { cls: 'psnr-line', text: 'PSNR' },
        { cls: 'accuracy-line', text: 'classifier accuracy' },
      ],
      { x: f.innerWidth, y: -10, direction: 'row', align: 'end' },
    );

    targets = points.map((p) => ({
      x: MARGIN.left + x(p.delta),
      y: MARGIN.top + y(Number.isFinite(p.psnr) ? p.psnr : 0),
      datum: p,
    }));
    hover.radius(24)(svg);
  }) as RecognizabilityChart;

  chart.report = accessor(
    chart,
    'recognizabilityChart.report',
    () => report,
    (v) => {
      report = v;
    },
    (v) => v === null || Array.isArray(v.points),
  );
  chart.delta = accessor(
    chart,
    'recognizabilityChart.delta',
    () => delta,
    (v) => {
      delta = v;
    },
    (v) => Number.isFinite(v) && v > 0,
  );
  chart.width = accessor(
    chart,
    'recognizabilityChart.width',
    () => width,
    (v) => {
      width = v;
    },
    isPositiveSize,
  );
  chart.height = accessor(
    chart,
    'recognizabilityChart.height',
    () => height,
    (v) => {
      height = v;
    },
    isPositiveSize,
  );
  return chart;
}

import type { ViewContext } from '../app/viewContext';
import { ChartCard } from '../app/chartCard';
import { svgElement } from '../app/dom';
import { drawFigure, type TrajectoryFigure } from '../charts/trajectoryFigures';
import { trajectoryChart } from '../charts/trajectoryChart';
import { toCsv } from '../export/csv';
import { serializeSvg } from '../export/serializeSvg';

/**
 * A card holding one trajectory figure, with SVG, PNG and CSV export. `stem`
 * names its files, e.g. "base-layer-condition".
 */
export function trajectoryCard(
  context: ViewContext,
  figure: TrajectoryFigure,
  stem: string,
  caption: string,
): ChartCard {
  const svg = svgElement('trajectory');
  svg.dataset.figure = figure.id;
  const chart = drawFigure(figure, trajectoryChart());
  const card = new ChartCard(context, {
    id: 'trajectory',
    title: figure.title,
    description: figure.description,
    fileStem: () => stem,
    exporter: {
      svg: (background) => ({
        text: serializeSvg(svg, { title: `${figure.title} · ${caption}`, background }),
        width: Number(svg.getAttribute('width')),
        height: Number(svg.getAttribute('height')),
      }),
      csv: () =>
        toCsv(
          ['series', 'epoch', 'value', 'lower_bound'],
          figure.series.flatMap((s) => s.values.map((v) => [s.label, v.epoch, v.value, v.lowerBound === true])),
        ),
    },
  });
  card.element.dataset.figure = figure.id;
  card.body.append(svg);
  card.onResize((width) => chart.width(width)(svg));
  return card;
}

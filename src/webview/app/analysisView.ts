import type { AmplificationReport, CheckpointAnalysis, GeneratedSet } from '../../core/analysis/types';
import type { Domain } from '../charts/accessor';
import { amplificationChart, amplificationDomain, nearestPoint, stageData } from '../charts/amplificationChart';
import { conditionChart, conditionDomain } from '../charts/conditionChart';
import { distributionChart } from '../charts/distributionChart';
import { recognizabilityChart } from '../charts/recognizabilityChart';
import { spectrumChart, spectrumDomain } from '../charts/spectrumChart';
import { ANALYSIS_CSV } from '../export/analysisCsv';
import { gridToSvg } from '../export/gridSvg';
import { serializeSvg } from '../export/serializeSvg';
import { formatDelta } from '../notation';
import { companionSet, generationGrid, setKey, setLabel } from '../grids/generationGrid';
import { classNoun } from '../grids/classLabel';
import { reconstructionGrid } from '../grids/reconstructionGrid';
import { CHART_TITLES, type ChartId } from '../../shared/charts';
import type { CheckpointRef } from '../../shared/checkpointRef';
import { dropdown, radioGroup, type DropdownControl, type RadioControl } from '../ui/controls';
import { ChartCard, type CardExporter, type ChartCardOptions } from './chartCard';
import { el, svgElement } from './dom';
import { verdictSummary } from './verdictSummary';
import type { ViewContext } from './viewContext';

/** The y domains of the charts two columns must share to be compared by eye. */
export interface ScaleDomains {
  readonly condition: Domain;
  readonly spectrum: Domain;
  readonly amplification: Domain | null;
}

/** Panels per row of the distribution chart: ten classes as 5×2 when wide, down to 2 per row. */
function distributionColumns(width: number): number {
  return width > 900 ? 5 : width > 560 ? 4 : width > 380 ? 3 : 2;
}

/** The charts of one analysis, wired to the shared layer focus and UI state. */
export class AnalysisView {
  readonly element: HTMLElement;
  private readonly cards: ChartCard[] = [];
  private readonly condition = conditionChart();
  private readonly spectrum = spectrumChart();
  private readonly amplification = amplificationChart();
  private readonly recognizability = recognizabilityChart();
  private readonly distribution = distributionChart();
  private readonly svgs = {
    condition: svgElement('condition'),
    spectrum: svgElement('spectrum'),
    amplification: svgElement('amplification'),
    recognizability: svgElement('recognizability'),
    distribution: svgElement('distribution'),
  };
  private readonly deltaControl: DropdownControl;
  private readonly precisionControl: RadioControl | null;
  private readonly setControl: DropdownControl | null;
  private readonly generationBody: HTMLElement;
  private readonly reconstructionBody: HTMLElement;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly context: ViewContext,
    private readonly ref: CheckpointRef,
    private readonly analysis: CheckpointAnalysis,
  ) {
    const noun = classNoun(analysis.classes);
    const stem = (chart: string) => `${ref.runId}-epoch-${ref.epoch}-${chart}`.replace(/[^A-Za-z0-9._-]+/g, '-');
    this.condition.layers(analysis.layers);
    this.spectrum.layers(analysis.layers);
    this.amplification.layers(analysis.layers);
    this.distribution.classes(analysis.distribution.perClass).classNames(analysis.classes ?? null);

    const conditionCard = this.card(
      {
        id: 'condition',
        title: CHART_TITLES.condition,
        description:
          'κ = σmax/σmin of each weight matrix. Its inverse can turn a relative error ε into κ·ε; near the float32 limit nothing of the input survives.',
        fileStem: () => stem('condition'),
        exporter: this.svgExporter('condition', CHART_TITLES.condition, () => ANALYSIS_CSV.condition(analysis)),
      },
      this.svgs.condition,
      (w) => this.condition.width(w)(this.svgs.condition),
    );

    const spectrumCard = this.card(
      {
        id: 'spectrum',
        title: CHART_TITLES.spectrum,
        description:
          'All 784 singular values of each layer, largest first. The right end is where the inverse stretches.',
        fileStem: () => stem('spectrum'),
        exporter: this.svgExporter('spectrum', CHART_TITLES.spectrum, () => ANALYSIS_CSV.spectrum(analysis)),
      },
      this.svgs.spectrum,
      (w) => this.spectrum.width(w)(this.svgs.spectrum),
    );

    this.deltaControl = dropdown({
      name: 'delta',
      label: 'Noise δ',
      choices: [],
      value: '',
      onChange: (v) => context.updateUi({ delta: Number(v) }),
    });
    const precisions = analysis.amplification.map((a) => a.precision);
    this.precisionControl =
      precisions.length > 1
        ? radioGroup({
            name: 'amplification-precision',
            label: 'Inverse in',
            choices: precisions.map((p) => ({ value: p, label: p })),
            value: this.report()?.precision ?? precisions[0],
            onChange: (v) => context.updateUi({ amplificationPrecision: v === 'float64' ? 'float64' : 'float32' }),
          })
        : null;
    const amplificationCard = this.card(
      {
        id: 'amplification',
        title: CHART_TITLES.amplification,
        description:
          'Noise of size δ added to the embedding, followed through each inverse stage (last layer first): measured growth, pooled over the images, against the worst-case bound.',
        fileStem: () => stem('amplification'),
        exporter: this.svgExporter('amplification', CHART_TITLES.amplification, () =>
          ANALYSIS_CSV.amplification(analysis),
        ),
      },
      this.svgs.amplification,
      (w) => this.amplification.width(w)(this.svgs.amplification),
    );
    amplificationCard.controls.append(
      this.deltaControl.element,
      ...(this.precisionControl ? [this.precisionControl.element] : []),
    );

    const recognizabilityCard = this.card(
      {
        id: 'recognizability',
        title: CHART_TITLES.recognizability,
        description: `Reconstruction quality against δ. Below 20 dB or once the classifier fails, an image is no longer recognizable as its ${noun}.`,
        fileStem: () => stem('recognizability'),
        exporter: this.svgExporter('recognizability', CHART_TITLES.recognizability, () =>
          ANALYSIS_CSV.recognizability(analysis),
        ),
      },
      this.svgs.recognizability,
      (w) => this.recognizability.width(w)(this.svgs.recognizability),
    );

    this.reconstructionBody = reconstructionGrid(analysis.reconstruction, analysis.classes);
    const reconstructionCard = this.card(
      {
        id: 'reconstruction',
        title: CHART_TITLES.reconstruction,
        description:
          'Test images through the network and back, in three round trips: float32 forward and inverse; the float32 embedding inverted in float64 (float64 cannot undo the embedding\u2019s float32 rounding); float64 forward and inverse.',
        fileStem: () => stem('reconstruction'),
        exporter: this.gridExporter(
          () => this.reconstructionBody,
          CHART_TITLES.reconstruction,
          () => ANALYSIS_CSV.reconstruction(analysis),
        ),
      },
      this.reconstructionBody,
      null,
    );

    const sets = analysis.generation.sets;
    this.setControl =
      sets.length > 0
        ? dropdown({
            name: 'generation-set',
            label: 'Samples',
            choices: sets.map((s) => ({ value: setKey(s), label: setLabel(s) })),
            value: setKey(this.generationSet() ?? sets[0]),
            onChange: (v) => {
              const chosen = sets.find((s) => setKey(s) === v);
              if (chosen)
                context.updateUi({
                  generation: { source: chosen.source, precision: chosen.precision, temperature: chosen.temperature },
                });
            },
          })
        : null;
    this.generationBody = el('div', { class: 'generation-body' });
    const generationCard = this.card(
      {
        id: 'generation',
        title: CHART_TITLES.generation,
        description:
          'Samples of what the objective maps each class onto, inverted: a working generator would produce images the classifier recognizes. The class Gaussian of training embeddings is a control, not a generator.',
        fileStem: () => stem('generation'),
        exporter: this.gridExporter(
          () => this.generationBody,
          CHART_TITLES.generation,
          () => ANALYSIS_CSV.generation(analysis),
        ),
      },
      this.generationBody,
      null,
    );
    if (this.setControl) generationCard.controls.append(this.setControl.element);

    const distributionCard = this.card(
      {
        id: 'distribution',
        title: CHART_TITLES.distribution,
        wide: true,
        description:
          analysis.density?.prior === 'class'
            ? `What the forward network outputs for each ${noun} (filled) against the paper\u2019s N(2a, 1) (dashed); this flow maps each ${noun} onto its own learned prior instead.`
            : `What the forward network outputs for each ${noun} (filled) against the N(2a, 1) its loss asks for (dashed).`,
        fileStem: () => stem('distribution'),
        exporter: this.svgExporter('distribution', CHART_TITLES.distribution, () =>
          ANALYSIS_CSV.distribution(analysis),
        ),
      },
      this.svgs.distribution,
      (w) => this.distribution.width(w).columns(distributionColumns(w))(this.svgs.distribution),
    );

    this.element = el('div', { class: 'analysis' }, [
      verdictSummary(analysis),
      el('div', { class: 'cards' }, [
        conditionCard.element,
        spectrumCard.element,
        amplificationCard.element,
        recognizabilityCard.element,
        reconstructionCard.element,
        generationCard.element,
        distributionCard.element,
      ]),
    ]);

    this.unsubscribe = context.layerFocus.subscribe((layer) => {
      this.condition.highlight(layer);
      this.spectrum.highlight(layer);
      this.amplification.highlight(layer);
    });
    this.refreshUi();
  }

  /** Draws every chart at its card's current width (called once in the document). */
  attach(): void {
    const layer = this.context.layerFocus.layer;
    this.condition.highlight(layer);
    this.spectrum.highlight(layer);
    this.amplification.highlight(layer);
    for (const card of this.cards) card.renderNow();
  }

  refreshUi(): void {
    const ui = this.context.ui();
    const report = this.report();
    const deltas = [...new Set(this.analysis.amplification.flatMap((a) => a.points.map((p) => p.delta)))].sort(
      (a, b) => a - b,
    );
    const point = report ? nearestPoint(report.points, ui.delta) : null;
    this.deltaControl.setChoices(
      deltas.map((d) => ({ value: String(d), label: formatDelta(d) })),
      point ? String(point.delta) : '',
    );
    this.precisionControl?.setChoices(
      this.analysis.amplification.map((a) => ({ value: a.precision, label: a.precision })),
      report?.precision ?? 'float32',
    );
    this.amplification.report(report).delta(ui.delta);
    this.recognizability.report(report).delta(ui.delta);
    if (this.svgs.amplification.isConnected) {
      this.amplification(this.svgs.amplification);
      this.recognizability(this.svgs.recognizability);
    }
    const set = this.generationSet();
    if (set) {
      this.setControl?.setChoices(
        this.analysis.generation.sets.map((s) => ({ value: setKey(s), label: setLabel(s) })),
        setKey(set),
      );
      if (this.generationBody.dataset.set !== setKey(set)) {
        this.generationBody.dataset.set = setKey(set);
        this.generationBody.replaceChildren(
          generationGrid(
            set,
            this.analysis.generation.classifierTestAccuracy,
            this.analysis.classes,
            companionSet(set, this.analysis.generation.sets),
          ),
        );
      }
    } else {
      this.generationBody.replaceChildren(
        el('p', { class: 'state-detail', text: 'This analysis generated no images.' }),
      );
    }
  }

  dispose(): void {
    this.unsubscribe();
    for (const card of this.cards) card.dispose();
  }

  naturalDomains(): ScaleDomains {
    const report = this.report();
    const point = report ? nearestPoint(report.points, this.context.ui().delta) : null;
    return {
      condition: conditionDomain(this.analysis.layers),
      spectrum: spectrumDomain(this.analysis.layers),
      amplification: report && point ? amplificationDomain(stageData(report, point, null)) : null,
    };
  }

  shareDomains(domains: ScaleDomains | null): void {
    const same = (a: Domain | null, b: Domain | null): boolean =>
      a === b || (a !== null && b !== null && a[0] === b[0] && a[1] === b[1]);
    const next = {
      condition: domains?.condition ?? null,
      spectrum: domains?.spectrum ?? null,
      amplification: domains?.amplification ?? null,
    };
    if (
      same(this.condition.yDomain(), next.condition) &&
      same(this.spectrum.yDomain(), next.spectrum) &&
      same(this.amplification.yDomain(), next.amplification)
    )
      return;
    this.condition.yDomain(next.condition);
    this.spectrum.yDomain(next.spectrum);
    this.amplification.yDomain(next.amplification);
    if (this.svgs.condition.isConnected) {
      this.condition(this.svgs.condition);
      this.spectrum(this.svgs.spectrum);
      this.amplification(this.svgs.amplification);
    }
  }

  private report(): AmplificationReport | null {
    const wanted = this.context.ui().amplificationPrecision;
    return this.analysis.amplification.find((a) => a.precision === wanted) ?? this.analysis.amplification[0] ?? null;
  }

  private generationSet(): GeneratedSet | null {
    const g = this.context.ui().generation;
    const sets = this.analysis.generation.sets;
    return (
      (g
        ? sets.find((s) => s.source === g.source && s.precision === g.precision && s.temperature === g.temperature)
        : undefined) ??
      sets[0] ??
      null
    );
  }

  private card(options: ChartCardOptions, body: Element, render: ((width: number) => void) | null): ChartCard {
    const card = new ChartCard<ChartId>(this.context, options);
    card.body.append(body);
    if (render) card.onResize(render);
    this.cards.push(card);
    return card;
  }

  private svgExporter(chart: keyof AnalysisView['svgs'], title: string, csv: () => string): CardExporter {
    return {
      svg: (background) => {
        const svg = this.svgs[chart];
        return {
          text: serializeSvg(svg, { title: `${title} · ${this.ref.runId} epoch ${this.ref.epoch}`, background }),
          width: Number(svg.getAttribute('width')),
          height: Number(svg.getAttribute('height')),
        };
      },
      csv,
    };
  }

  private gridExporter(root: () => HTMLElement, title: string, csv: () => string): CardExporter {
    return {
      svg: (background) => {
        const grid = gridToSvg(root(), { title: `${title} · ${this.ref.runId} epoch ${this.ref.epoch}`, background });
        return { text: grid.svg, width: grid.width, height: grid.height };
      },
      csv,
    };
  }
}

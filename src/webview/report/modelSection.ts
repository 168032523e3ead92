import { lossPartNames } from '../../core/train/config';
import type { ReportModel } from '../../core/reproduce/reportData';
import { AnalysisView } from '../app/analysisView';
import { ChartCard } from '../app/chartCard';
import { el, svgElement } from '../app/dom';
import type { ViewContext } from '../app/viewContext';
import { canUseLogScale, lossChart } from '../charts/lossChart';
import { trajectoryFigures } from '../charts/trajectoryFigures';
import { toCsv } from '../export/csv';
import { serializeSvg } from '../export/serializeSvg';
import { LayerFocus, isLayerDatum } from '../interaction/layerFocus';
import { POINTER_FOCUS_EVENT, type PointerFocusDetail } from '../interaction/pointer';
import { InspectorModel } from '../state/model';
import { defaultUiState, type UiState } from '../state/uiState';
import { textTable } from './textTable';
import { trajectoryCard } from './trajectoryCard';
import { formatDuration } from '../../shared/formatNumber';

/** What every section shares: the export channel, the card registry and the status line. */
export type SharedContext = Pick<ViewContext, 'channel' | 'cards' | 'announce'>;

/** The file-name stem of a model's figures: its key, made safe. */
function modelStem(model: ReportModel): string {
  return model.key.replace(/[^A-Za-z0-9._-]+/g, '-');
}

/**
 * Everything the report says about one model: what was trained, the summary
 * table, the trajectory figures, the loss curves and the full analyses (the
 * inspector's own charts and grids). Hovering a layer in one of its charts
 * highlights that layer in its other charts, as in the inspector.
 */
export class ModelSection {
  readonly element: HTMLElement;
  private readonly cards: ChartCard[] = [];
  private readonly views: AnalysisView[] = [];
  private ui: UiState;

  constructor(
    shared: SharedContext,
    private readonly model: ReportModel,
  ) {
    this.ui = defaultUiState({ runId: model.runId, epoch: null, title: model.label });
    const layerFocus = new LayerFocus();
    const context: ViewContext = {
      ...shared,
      model: new InspectorModel(),
      layerFocus,
      ui: () => this.ui,
      updateUi: (patch) => {
        this.ui = { ...this.ui, ...patch };
        for (const view of this.views) view.refreshUi();
      },
    };
    const stem = modelStem(model);
    const caption = `${model.label}`;
    for (const figure of trajectoryFigures(model.trajectory))
      this.cards.push(trajectoryCard(context, figure, `${stem}-${figure.id}`, caption));
    if (model.epochMetrics.length > 0) this.cards.push(this.lossCard(context, stem));

    const analyses = model.analyses.map(({ epoch, analysis }) => {
      const view = new AnalysisView(context, { runId: model.runId, epoch }, analysis);
      this.views.push(view);
      return el(
        'section',
        {
          class: 'report-analysis',
          data: { epoch: String(epoch) },
          attrs: { 'aria-label': `${model.label}, epoch ${epoch}, full analysis` },
        },
        [
          el('h3', { text: `Epoch ${epoch}: the full analysis` }),
          el('p', { class: 'report-note', text: analysis.dataDescription ?? '' }),
          view.element,
        ],
      );
    });

    const facts = [
      model.architecture,
      model.objective === 'seed' ? "the paper's loss" : 'exact maximum likelihood (a flow)',
      `${model.epochs} epochs`,
      ...(model.backend ? [`trained on ${model.backend} in ${formatDuration(model.trainSeconds)}`] : []),
      `run ${model.runId}`,
    ];
    this.element = el(
      'section',
      { class: 'report-model', data: { model: model.key }, attrs: { 'aria-label': model.label } },
      [
        el('h2', { text: model.label }),
        el('p', { class: 'report-meta', text: facts.join(' · ') }),
        ...(model.dataWarning
          ? [el('p', { class: 'report-warning', text: model.dataWarning, attrs: { role: 'note' } })]
          : []),
        textTable(
          model.table,
          `${model.label}: every analysed checkpoint (${model.trajectory.dataDescription})`,
          `model-${model.key}`,
        ),
        el(
          'div',
          { class: 'cards' },
          this.cards.map((c) => c.element),
        ),
        ...analyses,
      ],
    );
    this.element.addEventListener(POINTER_FOCUS_EVENT, (event) => {
      const datum = (event as CustomEvent<PointerFocusDetail>).detail.datum;
      layerFocus.set(isLayerDatum(datum) ? datum.layer : null);
    });
  }

  /** Draws every chart at its card's width (once the section is in the document). */
  attach(): void {
    for (const card of this.cards) card.renderNow();
    for (const view of this.views) view.attach();
  }

  private lossCard(context: ViewContext, stem: string): ChartCard {
    const metrics = this.model.epochMetrics;
    const svg = svgElement('loss');
    const chart = lossChart()
      .metrics(metrics)
      .stepsPerEpoch(1)
      .smoothing(0)
      .partNames(lossPartNames(this.model.objective))
      .logY(canUseLogScale(metrics, 'total'))
      .checkpoints(this.model.trajectory.points.map((p) => p.epoch))
      .height(260);
    const card = new ChartCard(context, {
      id: 'loss',
      title: 'Loss per epoch',
      description: 'Train and test loss after every epoch; the rules mark the analysed checkpoints.',
      fileStem: () => `${stem}-loss`,
      exporter: {
        svg: (background) => ({
          text: serializeSvg(svg, { title: `Loss · ${this.model.label}`, background }),
          width: Number(svg.getAttribute('width')),
          height: Number(svg.getAttribute('height')),
        }),
        csv: () =>
          toCsv(
            ['epoch', 'train_loss', 'test_loss', 'test_bits_per_dim'],
            metrics.map((m) => [m.epoch, m.trainLoss, m.testLoss, m.testBitsPerDim ?? null]),
          ),
      },
    });
    card.body.append(svg);
    card.onResize((width) => chart.width(width)(svg));
    return card;
  }
}

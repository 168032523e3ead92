import { timingSentence, type ReportData } from '../../core/reproduce/reportData';
import { CardRegistry } from '../app/cardRegistry';
import type { ChartCard } from '../app/chartCard';
import { el } from '../app/dom';
import { comparisonFigures } from '../charts/trajectoryFigures';
import type { ExportMessage } from '../../contracts/inspectorProtocol';
import type { ExportFormat } from '../../shared/charts';
import { LayerFocus } from '../interaction/layerFocus';
import { InspectorModel } from '../state/model';
import { defaultUiState } from '../state/uiState';
import { ModelSection, type SharedContext } from './modelSection';
import type { ReportChannel } from './reportChannel';
import { textTable } from './textTable';
import { trajectoryCard } from './trajectoryCard';
import { formatPercent } from '../../shared/formatNumber';

const VERDICT_LABEL = {
  confirms: 'confirms',
  contradicts: 'contradicts',
  qualifies: 'qualifies',
  defines: 'definition',
} as const;

/**
 * The report page: what was run, the findings against the paper, the
 * trajectories of every model side by side, then one section per model.
 */
export class ReportApp {
  private readonly cards = new CardRegistry<ChartCard>();
  private readonly sections: ModelSection[] = [];
  private readonly overview: ChartCard[] = [];
  private readonly statusLine = el('p', { class: 'status-line', attrs: { role: 'status', 'aria-live': 'polite' } });

  constructor(
    private readonly root: HTMLElement,
    private readonly channel: ReportChannel,
    private readonly data: ReportData,
  ) {}

  start(): void {
    const shared: SharedContext = {
      channel: this.channel,
      cards: this.cards,
      announce: (text) => {
        this.statusLine.textContent = text;
      },
    };
    const data = this.data;
    const overviewContext = {
      ...shared,
      model: new InspectorModel(),
      layerFocus: new LayerFocus(),
      ui: () => defaultUiState({ runId: 'overview', epoch: null, title: data.title }),
      updateUi: () => undefined,
    };
    for (const figure of comparisonFigures(data.models.map((m) => ({ label: m.label, trajectory: m.trajectory })))) {
      this.overview.push(trajectoryCard(overviewContext, figure, `all-${figure.id}`, 'all models'));
    }
    for (const model of data.models) this.sections.push(new ModelSection(shared, model));

    const timing = data.timing ? ` · ${timingSentence(data.timing)}` : '';
    const classifier =
      data.classifierTestAccuracy === null
        ? ''
        : ` Generation is scored by a digit classifier that reads ${formatPercent(data.classifierTestAccuracy)} of real test digits correctly; chance is 10%.`;
    this.root.replaceChildren(
      el('main', { class: 'report' }, [
        el('header', { class: 'report-header' }, [
          el('h1', { text: data.title }),
          el('p', {
            class: 'report-meta',
            text: `Invertscope ${data.invertscopeVersion} · ${data.schedule === 'runs' ? 'runs given by the user' : `the ${data.schedule} schedule`} · written ${data.generatedAt}${timing}`,
          }),
        ]),
        this.statusLine,
        el('section', { class: 'report-findings', attrs: { 'aria-label': 'What it finds' } }, [
          el('h2', { text: 'What it finds' }),
          textTable(
            data.findingsTable,
            `The first trained and the last checkpoint of every model.${classifier}`,
            'findings',
          ),
          el(
            'ul',
            { class: 'finding-list' },
            data.findings.map((f) =>
              el('li', { class: `finding verdict-${f.verdict}`, data: { finding: f.id } }, [
                el('span', { class: 'finding-verdict', text: VERDICT_LABEL[f.verdict] }),
                el('strong', { class: 'finding-claim', text: f.claim }),
                el('span', { class: 'finding-text', text: ` ${f.text}` }),
              ]),
            ),
          ),
        ]),
        ...(this.overview.length > 0
          ? [
              el('section', { class: 'report-overview', attrs: { 'aria-label': 'All models' } }, [
                el('h2', { text: 'All models against epoch' }),
                el(
                  'div',
                  { class: 'cards' },
                  this.overview.map((c) => c.element),
                ),
              ]),
            ]
          : []),
        ...this.sections.map((s) => s.element),
      ]),
    );
    for (const card of this.overview) card.renderNow();
    for (const section of this.sections) section.attach();
  }

  /**
   * Every chart of the page exported as `format` (what the card buttons
   * save), for the report writer's headless browser.
   */
  async exportAll(format: ExportFormat): Promise<ExportMessage[]> {
    const files: ExportMessage[] = [];
    this.channel.collect((message) => files.push(message));
    try {
      for (const card of this.cards.all()) await card.exportAs(format);
    } finally {
      this.channel.collect(null);
    }
    return files;
  }
}

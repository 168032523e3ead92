import { pageBackground } from '../export/serializeSvg';
import { rasterizeSvg } from '../export/rasterize';
import type { ChartExportMessage } from '../../contracts/inspectorProtocol';
import type { ChartId, ExportFormat } from '../../shared/charts';
import { button } from '../ui/controls';
import type { CardRegistry, RegisteredCard } from './cardRegistry';
import { el } from './dom';

/** How a card turns its chart into files; PNG is rendered from the SVG. */
export interface CardExporter {
  /** Absent for a card that is not a chart (a table): it exports CSV only. */
  svg?(background: string): { readonly text: string; readonly width: number; readonly height: number };
  csv(): string;
}

/** What a card needs from its page: the inspector's ViewContext is one, the dashboard's another. */
export interface CardHost<Id extends string = ChartId> {
  readonly cards: CardRegistry<RegisteredCard<Id>>;
  readonly channel: { post(message: ChartExportMessage<Id>): void };
  /** A short message in the page's status line. */
  announce(text: string): void;
}

export interface ChartCardOptions<Id extends string = ChartId> {
  readonly id: Id;
  readonly title: string;
  /** One sentence on how to read the chart. */
  readonly description: string;
  /** File name without extension, e.g. "run-3-epoch-50-condition". */
  readonly fileStem: () => string;
  readonly exporter: CardExporter;
  readonly wide?: boolean;
}

let exportCounter = 0;

/**
 * A titled card holding one chart, its controls and its export buttons. The body
 * reports its width so the chart can be redrawn to fit.
 */
export class ChartCard<Id extends string = ChartId> {
  readonly element: HTMLElement;
  readonly controls: HTMLElement;
  readonly body: HTMLElement;
  readonly footer: HTMLElement;
  private observer: ResizeObserver | null = null;
  private render: ((width: number) => void) | null = null;
  /** The measured width last drawn at; 0 until a draw happens after layout. */
  private lastWidth = 0;

  readonly id: Id;

  constructor(
    private readonly context: CardHost<Id>,
    private readonly options: ChartCardOptions<Id>,
  ) {
    this.id = options.id;
    const titleId = `card-title-${options.id}-${++exportCounter}`;
    const exports = el(
      'div',
      { class: 'card-exports', attrs: { role: 'group', 'aria-label': `Export ${options.title}` } },
      (options.exporter.svg ? (['svg', 'png', 'csv'] as const) : (['csv'] as const)).map((format) =>
        button({
          name: `export-${format}`,
          label: format.toUpperCase(),
          description: `Export ${options.title} as ${format.toUpperCase()}`,
          onClick: () => void this.exportAs(format),
        }),
      ),
    );
    this.controls = el('div', { class: 'card-controls' });
    this.body = el('div', { class: 'card-body' });
    this.footer = el('div', { class: 'card-footer' });
    this.element = el(
      'section',
      {
        class: `card${options.wide ? ' card-wide' : ''}`,
        attrs: { 'aria-labelledby': titleId, tabindex: '-1' },
        data: { card: options.id },
      },
      [
        el('header', { class: 'card-header' }, [
          el('div', { class: 'card-heading' }, [
            el('h3', { class: 'card-title', text: options.title, attrs: { id: titleId } }),
            el('p', { class: 'card-description', text: options.description }),
          ]),
          exports,
        ]),
        this.controls,
        this.body,
        this.footer,
      ],
    );
    context.cards.add(this);
  }

  /**
   * Calls `render(width)` whenever the body's width changes, and from renderNow().
   * A width already drawn is skipped: the observer's first report would otherwise
   * redraw a chart just drawn at the same width.
   */
  onResize(render: (width: number) => void): void {
    this.observer?.disconnect();
    this.render = render;
    this.observer = new ResizeObserver(() => {
      const width = Math.floor(this.body.clientWidth);
      if (width > 0 && width !== this.lastWidth) {
        this.lastWidth = width;
        render(width);
      }
    });
    this.observer.observe(this.body);
  }

  /**
   * Draws now at the body's measured width (what the observer would pass), or
   * width()'s guess before layout, which the observer then replaces.
   */
  renderNow(): void {
    if (!this.render) return;
    const measured = Math.floor(this.body.clientWidth);
    if (measured > 0) this.lastWidth = measured;
    this.render(measured > 0 ? measured : this.width());
  }

  /** The body's current width, or a reasonable one before layout. */
  width(): number {
    return Math.max(240, Math.floor(this.body.clientWidth) || 480);
  }

  /** Scrolls the card to the top of the view and moves focus to it. */
  reveal(): void {
    this.element.scrollIntoView({ block: 'start' });
    this.element.focus({ preventScroll: true });
  }

  dispose(): void {
    this.observer?.disconnect();
    this.observer = null;
    this.context.cards.remove(this);
  }

  /**
   * Serializes the chart and posts it to the host, which saves it. `requestId`
   * answers a host's requestExport; a button press makes a new one.
   */
  async exportAs(format: ExportFormat, requestId = `export-${Date.now()}-${++exportCounter}`): Promise<void> {
    const name = `${this.options.fileStem()}.${format}`;
    try {
      let content: string;
      if (format === 'csv') content = this.options.exporter.csv();
      else {
        if (!this.options.exporter.svg)
          throw new Error(`${this.options.title} has no ${format.toUpperCase()} form; export it as CSV`);
        const svg = this.options.exporter.svg(pageBackground(document));
        content = format === 'svg' ? svg.text : await rasterizeSvg(svg.text, svg.width, svg.height);
      }
      this.context.channel.post({
        type: 'export',
        requestId,
        chart: this.options.id,
        format,
        content,
        encoding: format === 'png' ? 'base64' : 'utf8',
        suggestedName: name,
      });
      this.context.announce(`Exporting ${name}…`);
    } catch (error) {
      this.context.announce(`Could not export ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

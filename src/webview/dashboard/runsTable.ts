import { el } from '../app/dom';
import type { DashboardRow } from '../../contracts/dashboardProtocol';
import { listCheckbox } from '../ui/controls';
import { COLUMNS } from './columns';
import type { SortState } from './rowQuery';
import type { RunStyle } from './runStyles';

export interface RunsTableActions {
  /** The person ticked or unticked a run. */
  toggle(runId: string, selected: boolean): void;
  /** The header box: tick or untick every run shown. */
  toggleShown(selected: boolean): void;
  sortBy(key: string): void;
  openRun(runId: string): void;
}

/** Rows drawn above and below the visible ones, so a scroll by a wheel notch shows no gap. */
const OVERSCAN = 12;
/** Rows drawn before the table has a size to measure. */
const FIRST_WINDOW = 30;
/** Every row's height in CSS pixels: dashboard.css fixes it, so that spacers add up to the rows they stand for. */
const ROW_HEIGHT = 24;

/**
 * The runs table: one row per run, sortable by any column, a box per row to
 * overlay it (its colour next to the box once ticked). Only the rows in view
 * (and a few around them) are in the page, at fixed column widths, with spacers
 * standing for the others: a folder of hundreds of runs lays out and paints
 * like a few dozen. Rows are built once per run and content, and reused.
 */
export class RunsTable {
  readonly element: HTMLElement;
  private readonly table = el('table', { class: 'runs-table' });
  private readonly head = el('thead');
  private readonly body = el('tbody');
  private readonly allBox: HTMLInputElement;
  private readonly topSpacer = spacer();
  private readonly bottomSpacer = spacer();
  private readonly rowElements = new Map<string, { readonly tr: HTMLTableRowElement; readonly key: string }>();
  private readonly headerButtons = new Map<string, HTMLButtonElement>();
  private shown: readonly DashboardRow[] = [];
  private styles: ReadonlyMap<string, RunStyle | null> = new Map();
  /** The scroll region's height and position as last seen (on scroll or resize); nothing is measured while drawing, which would force a layout. */
  private viewport = { height: 0, top: 0 };
  private frame = 0;

  constructor(private readonly actions: RunsTableActions) {
    this.allBox = listCheckbox({
      name: 'select-shown',
      label: 'Overlay every run shown',
      checked: false,
      onChange: (checked) => actions.toggleShown(checked),
    });
    const headerCells = [
      el('th', { class: 'col-select', attrs: { scope: 'col' } }, [this.allBox]),
      ...COLUMNS.map((column) => {
        const sortButton = el('button', {
          class: 'sort-button',
          text: column.label,
          attrs: { type: 'button', title: column.title },
          data: { sort: column.key },
        });
        sortButton.addEventListener('click', () => actions.sortBy(column.key));
        this.headerButtons.set(column.key, sortButton);
        return el(
          'th',
          {
            class: `col-${column.key}${column.numeric ? ' is-numeric' : ''}`,
            attrs: { scope: 'col' },
            data: { column: column.key },
          },
          [sortButton],
        );
      }),
    ];
    const columns = el('colgroup', {}, [el('col', { class: 'col-select' }), ...COLUMNS.map(() => el('col'))]);
    COLUMNS.forEach((column, i) =>
      (columns.children[i + 1] as HTMLElement).style.setProperty('width', `${column.width}px`),
    );
    this.head.append(el('tr', { attrs: { 'aria-rowindex': '1' } }, headerCells));
    this.table.append(columns, this.head, this.body);
    this.table.style.setProperty('width', `${44 + COLUMNS.reduce((sum, c) => sum + c.width, 0)}px`);
    this.element = el(
      'div',
      { class: 'table-scroll', attrs: { role: 'region', 'aria-label': 'Runs', tabindex: '0' } },
      [this.table],
    );
    const look = (): void => {
      this.viewport = { height: this.element.clientHeight, top: this.element.scrollTop };
      if (this.frame === 0)
        this.frame = requestAnimationFrame(() => {
          this.frame = 0;
          this.drawWindow();
        });
    };
    this.element.addEventListener('scroll', look, { passive: true });
    new ResizeObserver(look).observe(this.element);
  }

  /** Shows `shown` in this order; `styles` has every ticked run (its overlay style, or null when the overlay is full). */
  render(shown: readonly DashboardRow[], styles: ReadonlyMap<string, RunStyle | null>, sort: SortState): void {
    this.shown = shown;
    this.styles = styles;
    const wanted = new Set(shown.map((r) => r.id));
    for (const id of [...this.rowElements.keys()]) if (!wanted.has(id)) this.rowElements.delete(id);
    this.table.setAttribute('aria-rowcount', String(shown.length + 1));
    const ticked = shown.filter((r) => styles.has(r.id)).length;
    this.allBox.checked = shown.length > 0 && ticked === shown.length;
    this.allBox.indeterminate = ticked > 0 && ticked < shown.length;
    for (const [key, button] of this.headerButtons) {
      const th = button.parentElement as HTMLElement;
      if (key === sort.key) th.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
    this.drawWindow();
  }

  /** The rows in view and around them, between spacers as tall as the rows they stand for. */
  private drawWindow(): void {
    const { height, top } = this.viewport;
    const first =
      height > 0 ? Math.max(0, Math.min(Math.floor(top / ROW_HEIGHT) - OVERSCAN, this.shown.length - 1)) : 0;
    const last = Math.min(
      this.shown.length,
      height > 0 ? first + Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN : FIRST_WINDOW,
    );
    const rows = this.shown.slice(first, last).map((row, i) => this.rowFor(row, first + i));
    setHeight(this.topSpacer, first * ROW_HEIGHT);
    setHeight(this.bottomSpacer, (this.shown.length - last) * ROW_HEIGHT);
    this.body.replaceChildren(this.topSpacer, ...rows, this.bottomSpacer);
  }

  private rowFor(row: DashboardRow, index: number): HTMLTableRowElement {
    const style = this.styles.get(row.id);
    const key = `${JSON.stringify(row)}|${style === undefined ? '-' : style === null ? 'full' : `${style.colour}${style.dash}`}`;
    let entry = this.rowElements.get(row.id);
    if (!entry || entry.key !== key) {
      entry = { tr: this.buildRow(row, style), key };
      this.rowElements.set(row.id, entry);
    }
    entry.tr.setAttribute('aria-rowindex', String(index + 2));
    return entry.tr;
  }

  private buildRow(row: DashboardRow, style: RunStyle | null | undefined): HTMLTableRowElement {
    const box = listCheckbox({
      name: 'select-run',
      label: `Overlay ${row.id}`,
      checked: style !== undefined,
      onChange: (checked) => this.actions.toggle(row.id, checked),
    });
    const swatch = el('span', { class: 'run-swatch', attrs: { 'aria-hidden': 'true' } });
    if (style) {
      swatch.style.setProperty('--swatch', style.colour);
      if (style.dash) swatch.classList.add('is-dashed');
    } else if (style === null) {
      swatch.classList.add('is-over');
      swatch.title = 'Ticked, but the overlay already shows as many runs as it can tell apart';
    }
    const cells = COLUMNS.map((column) => {
      const text = column.text(row);
      const td = el('td', {
        class: `col-${column.key}${column.numeric ? ' is-numeric' : ''}`,
        data: { column: column.key },
      });
      if (column.key === 'run') {
        const open = el('button', {
          class: 'run-link',
          text,
          attrs: { type: 'button', title: `Open ${row.id} in the inspector` },
        });
        open.addEventListener('click', () => this.actions.openRun(row.id));
        td.append(open);
      } else td.textContent = text;
      if (column.key === 'status') td.dataset.status = row.status;
      if (column.key === 'verdict' && row.latest) td.dataset.verdict = row.latest.verdict;
      const detail = column.detail?.(row);
      if (detail) td.title = detail;
      return td;
    });
    return el('tr', { data: { run: row.id } }, [el('td', { class: 'col-select' }, [box, swatch]), ...cells]);
  }
}

function spacer(): HTMLTableRowElement {
  return el('tr', { class: 'row-spacer', attrs: { 'aria-hidden': 'true' } }, [
    el('td', { attrs: { colspan: String(COLUMNS.length + 1) } }),
  ]);
}

/** CSSOM, not a style attribute: the page's CSP forbids inline style attributes. */
function setHeight(row: HTMLTableRowElement, px: number): void {
  row.style.setProperty('height', `${px}px`);
  row.hidden = px === 0;
}

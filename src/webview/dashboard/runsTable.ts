import { el } from '../app/dom';
import type { DashboardRow } from '../dashboardProtocol';
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

/**
 * The runs table: one row per run, sortable by any column, a box per row to
 * overlay it (its colour next to the box once ticked). Rows are built once and
 * kept by run id; a render moves and hides them and rebuilds only the rows whose
 * data or selection changed, so hundreds of rows re-sort in a frame.
 */
export class RunsTable {
  readonly element: HTMLElement;
  private readonly table = el('table', { class: 'runs-table' });
  private readonly head = el('thead');
  private readonly body = el('tbody');
  private readonly allBox: HTMLInputElement;
  private readonly rowElements = new Map<string, { readonly tr: HTMLTableRowElement; key: string }>();
  private readonly headerButtons = new Map<string, HTMLButtonElement>();

  constructor(private readonly actions: RunsTableActions) {
    this.allBox = listCheckbox({ name: 'select-shown', label: 'Overlay every run shown', checked: false, onChange: (checked) => actions.toggleShown(checked) });
    const headerCells = [
      el('th', { class: 'col-select', attrs: { scope: 'col' } }, [this.allBox]),
      ...COLUMNS.map((column) => {
        const sortButton = el('button', { class: 'sort-button', text: column.label, attrs: { type: 'button', title: column.title }, data: { sort: column.key } });
        sortButton.addEventListener('click', () => actions.sortBy(column.key));
        this.headerButtons.set(column.key, sortButton);
        return el('th', { class: `col-${column.key}${column.numeric ? ' is-numeric' : ''}`, attrs: { scope: 'col' }, data: { column: column.key } }, [sortButton]);
      }),
    ];
    this.head.append(el('tr', {}, headerCells));
    this.table.append(this.head, this.body);
    this.element = el('div', { class: 'table-scroll', attrs: { role: 'region', 'aria-label': 'Runs', tabindex: '0' } }, [this.table]);
  }

  /** Shows `shown` in this order; `styles` has every ticked run (its overlay style, or null when the overlay is full). */
  render(shown: readonly DashboardRow[], styles: ReadonlyMap<string, RunStyle | null>, sort: SortState): void {
    const wanted = new Set(shown.map((r) => r.id));
    for (const [id, entry] of this.rowElements) {
      if (!wanted.has(id)) {
        entry.tr.remove();
        this.rowElements.delete(id);
      }
    }
    const fragment = document.createDocumentFragment();
    for (const row of shown) {
      const style = styles.get(row.id);
      const key = `${JSON.stringify(row)}|${style === undefined ? '-' : style === null ? 'full' : `${style.colour}${style.dash}`}`;
      let entry = this.rowElements.get(row.id);
      if (!entry || entry.key !== key) {
        const tr = this.buildRow(row, style);
        entry?.tr.replaceWith(tr);
        entry = { tr, key };
        this.rowElements.set(row.id, entry);
      }
      fragment.append(entry.tr);
    }
    this.body.append(fragment);
    const ticked = shown.filter((r) => styles.has(r.id)).length;
    this.allBox.checked = shown.length > 0 && ticked === shown.length;
    this.allBox.indeterminate = ticked > 0 && ticked < shown.length;
    for (const [key, button] of this.headerButtons) {
      const th = button.parentElement as HTMLElement;
      if (key === sort.key) th.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
  }

  private buildRow(row: DashboardRow, style: RunStyle | null | undefined): HTMLTableRowElement {
    const box = listCheckbox({ name: 'select-run', label: `Overlay ${row.id}`, checked: style !== undefined, onChange: (checked) => this.actions.toggle(row.id, checked) });
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
      const td = el('td', { class: `col-${column.key}${column.numeric ? ' is-numeric' : ''}`, data: { column: column.key } });
      if (column.key === 'run') {
        const open = el('button', { class: 'run-link', text, attrs: { type: 'button', title: `Open ${row.id} in the inspector` } });
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

import type { TextTable } from '../../core/reproduce/reportData';
import { el } from '../app/dom';

/** A report table (summaryTable.ts) as an HTML table; numbers right-aligned by the stylesheet. */
export function textTable(table: TextTable, caption: string, name: string): HTMLElement {
  return el('table', { class: 'report-table', data: { table: name } }, [
    el('caption', { text: caption }),
    el('thead', {}, [
      el(
        'tr',
        {},
        table.header.map((h) => el('th', { text: h, attrs: { scope: 'col' } })),
      ),
    ]),
    el(
      'tbody',
      {},
      table.rows.map((row) =>
        el(
          'tr',
          {},
          row.map((cell, i) =>
            i === 0 ? el('th', { text: cell, attrs: { scope: 'row' } }) : el('td', { text: cell }),
          ),
        ),
      ),
    ),
  ]);
}

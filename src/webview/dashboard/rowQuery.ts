import type { DashboardRow } from '../../contracts/dashboardProtocol';
import { COLUMNS, columnByKey, type Column } from './columns';

/**
 * Sorting and filtering the table, as pure functions of rows. A filter is
 * words separated by spaces, all of which must hold:
 *   base            any cell contains "base" (case-insensitive)
 *   model:base      the Model cell contains "base"
 *   lr<0.01         a numeric column compared with a number (<, <=, >, >=, =)
 *   kappa>1e10      unknown values (not analysed) never match a comparison
 */
export interface SortState {
  readonly key: string;
  readonly descending: boolean;
}

export type FilterTerm =
  | { readonly kind: 'any'; readonly text: string }
  | { readonly kind: 'contains'; readonly column: Column; readonly text: string }
  | {
      readonly kind: 'compare';
      readonly column: Column;
      readonly op: '<' | '<=' | '>' | '>=' | '=';
      readonly value: number;
    };

export interface ParsedFilter {
  readonly terms: readonly FilterTerm[];
  /** Words that name no column or compare with something that is not a number, said plainly. */
  readonly problems: readonly string[];
}

export function parseFilter(input: string): ParsedFilter {
  const terms: FilterTerm[] = [];
  const problems: string[] = [];
  for (const word of input
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '')) {
    const m = /^([A-Za-z]+)(<=|>=|<|>|=|:)(.*)$/.exec(word);
    if (!m) {
      terms.push({ kind: 'any', text: word.toLowerCase() });
      continue;
    }
    const column = columnByKey(m[1].toLowerCase()) ?? COLUMNS.find((c) => c.label.toLowerCase() === m[1].toLowerCase());
    if (!column) {
      problems.push(`"${m[1]}" is not a column (${COLUMNS.map((c) => c.key).join(', ')})`);
      continue;
    }
    if (m[2] === ':') {
      terms.push({ kind: 'contains', column, text: m[3].toLowerCase() });
      continue;
    }
    const value = Number(m[3]);
    if (m[3] === '' || !Number.isFinite(value)) {
      problems.push(`${word}: "${m[3]}" is not a number`);
      continue;
    }
    if (!column.numeric) {
      problems.push(`${word}: ${column.label} is not a numeric column; use ${column.key}:text`);
      continue;
    }
    terms.push({ kind: 'compare', column, op: m[2] as '<' | '<=' | '>' | '>=' | '=', value });
  }
  return { terms, problems };
}

export function matchesFilter(row: DashboardRow, terms: readonly FilterTerm[]): boolean {
  return terms.every((term) => {
    switch (term.kind) {
      case 'any':
        return COLUMNS.some((c) => c.text(row).toLowerCase().includes(term.text));
      case 'contains':
        return term.column.text(row).toLowerCase().includes(term.text);
      case 'compare': {
        const v = term.column.value(row);
        if (typeof v !== 'number' || Number.isNaN(v)) return false;
        switch (term.op) {
          case '<':
            return v < term.value;
          case '<=':
            return v <= term.value;
          case '>':
            return v > term.value;
          case '>=':
            return v >= term.value;
          case '=':
            return v === term.value;
        }
      }
    }
    return false;
  });
}

/** Rows in display order: by the sort column, unknown values last, then newest first and by id, so equal keys keep a stable order. */
export function sortRows(rows: readonly DashboardRow[], sort: SortState): DashboardRow[] {
  const column = columnByKey(sort.key) ?? COLUMNS[0];
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const va = column.value(a),
      vb = column.value(b);
    const unknownA = va === null || (typeof va === 'number' && Number.isNaN(va));
    const unknownB = vb === null || (typeof vb === 'number' && Number.isNaN(vb));
    if (unknownA !== unknownB) return unknownA ? 1 : -1;
    let order = 0;
    if (!unknownA && !unknownB) {
      order =
        typeof va === 'number' && typeof vb === 'number'
          ? va - vb
          : String(va).localeCompare(String(vb), 'en', { numeric: true });
    }
    return sign * order || b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id);
  });
}

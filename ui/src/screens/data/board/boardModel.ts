// Pure helpers of the kanban board: which fields can make its columns, the
// columns of a field, and the filter of one column.
import type { AggregateGroup } from '../../../api/report';
import type { FieldDef, Filter, FormRecord, User } from '../../../api/types';
import { queryPath } from '../../../fields/catalog';
import { ApiError } from '../../../api/client';
import { errorText } from '../../../util/errors';

/** BOARD_TYPES are the field types a board can group by: one choice or one member per record. */
export function boardable(f: FieldDef): boolean {
  return f.type === 'select' || (f.type === 'user' && !f.multiple);
}

/** SUM_TYPES are the field types a column header can sum. */
export const SUM_TYPES = new Set(['number', 'money', 'percent']);

/** CARD_DEFAULT is how many fields a card shows when the view names none. */
export const CARD_DEFAULT = 3;

/** NONE is the column key of the records without a value. */
export const NONE = '\u0000none';

/** Column is one column of the board: key is the stored value (NONE for none). */
export interface Column { key: string; label: string; color?: string }

/** ColumnTotals are a column's header figures. */
export interface ColumnTotals { count: number; sum: number | null }

/** keyOf is the column key of a stored value. */
export function keyOf(v: unknown): string {
  return v === null || v === undefined || v === '' ? NONE : String(v);
}

/**
 * columnsOf lists a field's columns: a select field's options in their
 * order, then values the records hold that are no longer options; a member
 * field's members that hold records, by name; then the records without a
 * value.
 */
export function columnsOf(f: FieldDef, groups: AggregateGroup[], users: User[], noneLabel: string): Column[] {
  const present = groups.map((g) => keyOf(g.keys[0])).filter((k) => k !== NONE);
  let cols: Column[];
  if (f.type === 'select') {
    cols = (f.options ?? []).map((o) => ({ key: o.value, label: o.label, color: o.color }));
    for (const k of present) if (!cols.some((c) => c.key === k)) cols.push({ key: k, label: k });
  } else {
    const name = (id: string) => users.find((u) => u.id === id)?.name ?? id;
    cols = present.map((k) => ({ key: k, label: name(k) })).sort((a, b) => a.label.localeCompare(b.label));
  }
  return [...cols, { key: NONE, label: noneLabel }];
}

/** totalsOf reads the aggregate's count and sum per column key. */
export function totalsOf(groups: AggregateGroup[], withSum: boolean): Map<string, ColumnTotals> {
  const out = new Map<string, ColumnTotals>();
  for (const g of groups) {
    const k = keyOf(g.keys[0]);
    const prev = out.get(k) ?? { count: 0, sum: withSum ? 0 : null };
    const sum = withSum ? (prev.sum ?? 0) + Number(g.values[1] ?? 0) : null;
    out.set(k, { count: prev.count + Number(g.values[0] ?? 0), sum });
  }
  return out;
}

/** columnFilter narrows the view's filter to one column's records. */
export function columnFilter(filter: Filter | undefined, f: FieldDef, key: string): Filter {
  const path = queryPath(f);
  const cond: Filter = key === NONE ? { field: path, op: 'empty', value: true } : { field: path, op: 'eq', value: key };
  return filter ? { and: [filter, cond] } : cond;
}

/** valueOf is what a record dropped on a column stores in the field. */
export function valueOf(key: string): string | null {
  return key === NONE ? null : key;
}

/** sumOf reads a record's value of the summed field as a number (0 when it has none). */
export function sumOf(f: FieldDef | undefined, r: FormRecord): number {
  if (!f) return 0;
  const v = r.data[f.key];
  const n = f.type === 'money' && v && typeof v === 'object' ? Number((v as { amount?: unknown }).amount) : Number(v);
  return Number.isFinite(n) ? n : 0;
}

/** refusal is the text of a refused write: the per-field messages (a stage gate's), else the error's own. */
export function refusal(e: unknown): string {
  if (e instanceof ApiError && e.fields.length > 0) return [...new Set(e.fields.map((x) => x.message || x.code))].join('；');
  return errorText(e);
}

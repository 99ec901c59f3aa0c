import type { FieldDef } from '../../api/types';
import { formatValue, type FormatContext } from '../../fields/format';

/** SUMMABLE field types get a total in the table and sums in group headers. */
export const SUMMABLE = new Set(['number', 'money', 'percent']);

/** SEARCHABLE field types are what the quick search looks in. */
export const SEARCHABLE = new Set(['text', 'textarea', 'email', 'phone', 'url', 'serial']);

/** GROUPABLE field types can group the table. */
export const GROUPABLE = new Set(['select', 'user', 'department', 'boolean', 'text']);

/** formatSum renders an aggregate of a number, money or percent field like one of its values. */
export function formatSum(f: FieldDef, v: unknown, ctx: FormatContext): string {
  if (v === null || v === undefined) return '';
  return formatValue(f, f.type === 'money' ? { amount: v } : v, ctx);
}

/**
 * orderGroups orders the groups of a grouped table as the board orders its
 * columns: a select field's groups in option order (values no longer an
 * option after them), other fields as the server sorted them; the group of
 * records without a value last.
 */
export function orderGroups<G extends { keys: unknown[] }>(f: FieldDef, groups: G[]): G[] {
  const empty = (g: G) => g.keys[0] === null || g.keys[0] === undefined || g.keys[0] === '';
  const rank = new Map((f.type === 'select' ? f.options ?? [] : []).map((o, i) => [o.value, i]));
  const at = (g: G) => (empty(g) ? Number.MAX_SAFE_INTEGER : rank.get(String(g.keys[0])) ?? rank.size);
  return groups.map((g, i) => ({ g, i })).sort((a, b) => at(a.g) - at(b.g) || a.i - b.i).map((x) => x.g);
}

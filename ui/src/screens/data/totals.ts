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

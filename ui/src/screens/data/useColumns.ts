import { useCallback, useState } from 'react';
import type { ViewColumn } from '../../api/report';

/** The table's own columns besides the form's fields. */
export const SYSTEM_COLUMNS = ['_owner', '_updatedAt'] as const;

export interface ColumnState {
  /** order lists every column key, shown or not, in display order. */
  order: string[];
  hidden: string[];
  widths: Record<string, number>;
}

const storageKey = (formId: string) => `formloom.columns.${formId}`;

/** fromView turns a saved view's columns into a column state over keys (fields and system columns). */
export function fromView(columns: ViewColumn[] | undefined, keys: string[]): ColumnState {
  if (!columns?.length) return { order: keys, hidden: [], widths: {} };
  const shown = columns.map((c) => c.key).filter((k) => keys.includes(k));
  const widths: Record<string, number> = {};
  for (const c of columns) if (c.width) widths[c.key] = c.width;
  return { order: [...shown, ...keys.filter((k) => !shown.includes(k))], hidden: keys.filter((k) => !shown.includes(k)), widths };
}

/** toView is the saved form of a column state: the shown columns in order, with their widths. */
export function toView(s: ColumnState, keys: string[]): ViewColumn[] {
  return ordered(s, keys).filter((k) => !s.hidden.includes(k)).map((k) => (s.widths[k] ? { key: k, width: s.widths[k] } : { key: k }));
}

/** ordered is every key in the state's order; keys the state does not know yet go last. */
export function ordered(s: ColumnState, keys: string[]): string[] {
  return [...s.order.filter((k) => keys.includes(k)), ...keys.filter((k) => !s.order.includes(k))];
}

/** move moves key one place up (-1) or down (+1) among keys. */
export function move(s: ColumnState, keys: string[], key: string, by: -1 | 1): ColumnState {
  const o = ordered(s, keys);
  const i = o.indexOf(key); const j = i + by;
  if (i < 0 || j < 0 || j >= o.length) return s;
  [o[i], o[j]] = [o[j], o[i]];
  return { ...s, order: o };
}

/** useColumns keeps the column state of a form's table in this browser until a view replaces it. */
export function useColumns(formId: string) {
  const [state, setState] = useState<ColumnState>(() => {
    try {
      const raw = JSON.parse(localStorage.getItem(storageKey(formId)) ?? 'null') as unknown;
      // Older versions kept only the hidden keys.
      if (Array.isArray(raw)) return { order: [], hidden: raw as string[], widths: {} };
      if (raw && typeof raw === 'object') return { order: [], hidden: [], widths: {}, ...(raw as Partial<ColumnState>) } as ColumnState;
    } catch { /* ignore */ }
    return { order: [], hidden: [], widths: {} };
  });
  const set = useCallback((s: ColumnState) => {
    setState(s);
    try { localStorage.setItem(storageKey(formId), JSON.stringify(s)); } catch { /* ignore */ }
  }, [formId]);
  return [state, set] as const;
}

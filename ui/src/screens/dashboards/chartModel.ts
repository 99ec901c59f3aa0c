// Pure helpers of the chart screens: labels, series, pivots and CSV from a
// chart's data (no React, no ECharts), so they are unit-tested.
import type { Chart, ChartData, Measure } from '../../api/dashboards';

export type T = (key: string, opts?: Record<string, unknown>) => string;

/**
 * Names resolves what a chart shows by key: a field of the chart's form to its
 * label and type, a member's id to their name. Any part may be missing; then
 * the key shows as is.
 */
export interface Names {
  field?: (key: string) => { label: string; type: string } | undefined;
  user?: (id: string) => string | undefined;
}

/** SYSTEM_FIELDS are the record properties a chart may group by, with their i18n keys and types. */
const SYSTEM_FIELDS: Record<string, { label: string; type: string }> = {
  createdAt: { label: 'data.createdAt', type: 'datetime' }, updatedAt: { label: 'data.updatedAt', type: 'datetime' },
  createdBy: { label: 'data.createdBy', type: 'user' }, updatedBy: { label: 'data.updatedBy', type: 'user' },
  ownedBy: { label: 'data.owner', type: 'user' },
};

function fieldOf(key: string | undefined, names: Names | undefined, t: T): { label: string; type: string } | undefined {
  if (!key) return undefined;
  const f = names?.field?.(key) ?? (key.endsWith('.amount') ? names?.field?.(key.slice(0, -'.amount'.length)) : undefined);
  if (f) return f;
  const s = SYSTEM_FIELDS[key];
  return s ? { label: t(s.label), type: s.type } : undefined;
}

/** fieldText names a field of the chart's form: its label, else its key. */
export function fieldText(key: string | undefined, names: Names | undefined, t: T): string {
  return fieldOf(key, names, t)?.label || key || '';
}

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * dateText shows a date or datetime in the viewer's language and time zone:
 * an instant ("2026-10-22T19:44:26Z") with its time, a calendar date
 * ("2026-10-22", only for a date field) without shifting it. Anything else
 * is undefined.
 */
export function dateText(v: unknown, locale: string, type?: string, timeZone?: string): string | undefined {
  if (typeof v !== 'string') return undefined;
  if (ISO_DATETIME.test(v)) {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) return undefined;
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(d);
  }
  const m = type === 'date' || type === 'datetime' ? ISO_DATE.exec(v) : null;
  if (m) return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
  return undefined;
}

/**
 * keyText names a group key value: an option label or user name, a date in
 * the viewer's locale, a bucket as is, "(empty)" for none.
 */
export function keyText(data: ChartData, i: number, v: unknown, t: T, names?: Names, locale = 'zh-CN'): string {
  if (v === null || v === undefined || v === '') return t('dashboards.empty_value');
  const key = data.keys[i];
  const s = typeof v === 'string' ? v : String(v);
  const l = key?.labels?.[s];
  if (l) return l;
  const f = fieldOf(key?.field, names, t);
  if (f?.type === 'user') return names?.user?.(s) ?? s;
  if (!key?.bucket) return dateText(v, locale, f?.type) ?? s;
  return s;
}

/** measureText names a measure: its label, else its function and field's label. */
export function measureText(m: Measure | undefined, id: string, t: T, names?: Names): string {
  if (!m) return id;
  if (m.label) return m.label;
  if (m.op === 'count') return t('dashboards.op.count');
  if (m.op === 'expr') return m.expr ?? id;
  return `${t(`dashboards.op.${m.op}`)} ${m.field ? fieldText(m.field, names, t) : ''}`.trim();
}

/** valueText shows a measure's figure: a number with at most two decimals, a date (a min or max of one) in the viewer's locale. */
export function valueText(v: unknown, locale: string, m?: Measure, names?: Names, t?: T): string {
  if (typeof v === 'string') return dateText(v, locale, m?.field && t ? fieldOf(m.field, names, t)?.type : undefined) ?? v;
  return formatNumber(v, locale);
}

/** num is a figure as a number (null for none). */
export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** formatNumber shows a figure with at most two decimals. */
export function formatNumber(v: unknown, locale: string): string {
  const n = num(v);
  if (n === null) return typeof v === 'string' ? v : '–';
  return n.toLocaleString(locale, { maximumFractionDigits: 2 });
}

export interface Series { name: string; measure: string; split?: unknown; values: (number | null)[] }

/**
 * seriesOf lays a chart's rows out for an axis chart: categories are the
 * first key's values in row order; with a second key each of its values is
 * a series of the first measure, otherwise each measure is a series.
 * keysAt returns the group keys behind a category and series (for drill-down).
 */
export function seriesOf(chart: Chart, data: ChartData, t: T, names?: Names, locale?: string): {
  categories: unknown[]; labels: string[]; series: Series[]; keysAt: (cat: number, ser: number) => unknown[];
} {
  const cats: unknown[] = [];
  const catIndex = new Map<string, number>();
  const id = (v: unknown) => JSON.stringify(v ?? null);
  for (const r of data.rows) {
    const k = id(r.keys[0]);
    if (!catIndex.has(k)) { catIndex.set(k, cats.length); cats.push(r.keys[0] ?? null); }
  }
  const measures = chart.measures ?? [];
  const labels = cats.map((c) => keyText(data, 0, c, t, names, locale));
  if (data.keys.length > 1) {
    const splits: unknown[] = [];
    const splitIndex = new Map<string, number>();
    for (const r of data.rows) {
      const k = id(r.keys[1]);
      if (!splitIndex.has(k)) { splitIndex.set(k, splits.length); splits.push(r.keys[1] ?? null); }
    }
    const series: Series[] = splits.map((s) => ({ name: keyText(data, 1, s, t, names, locale), measure: data.measures[0], split: s, values: cats.map(() => null) }));
    for (const r of data.rows) {
      series[splitIndex.get(id(r.keys[1]))!].values[catIndex.get(id(r.keys[0]))!] = num(r.values[0]);
    }
    return { categories: cats, labels, series, keysAt: (c, s) => [cats[c], splits[s]] };
  }
  const series: Series[] = data.measures.map((m) => ({
    name: measureText(measures.find((x) => x.id === m), m, t, names), measure: m, values: cats.map(() => null),
  }));
  for (const r of data.rows) {
    const c = catIndex.get(id(r.keys[0]))!;
    data.measures.forEach((_, j) => { series[j].values[c] = num(r.values[j]); });
  }
  return { categories: cats, labels, series, keysAt: (c) => [cats[c]] };
}

/** pivotOf turns a two-key table into rows of the first key and columns of the second (first measure). */
export function pivotOf(data: ChartData, t: T, names?: Names, locale?: string): { rows: { key: unknown; label: string; cells: (number | null)[] }[]; cols: { key: unknown; label: string }[] } {
  const id = (v: unknown) => JSON.stringify(v ?? null);
  const cols: { key: unknown; label: string }[] = [];
  const colIndex = new Map<string, number>();
  const rows: { key: unknown; label: string; cells: (number | null)[] }[] = [];
  const rowIndex = new Map<string, number>();
  for (const r of data.rows) {
    const c = id(r.keys[1]);
    if (!colIndex.has(c)) { colIndex.set(c, cols.length); cols.push({ key: r.keys[1] ?? null, label: keyText(data, 1, r.keys[1], t, names, locale) }); }
  }
  for (const r of data.rows) {
    const k = id(r.keys[0]);
    if (!rowIndex.has(k)) { rowIndex.set(k, rows.length); rows.push({ key: r.keys[0] ?? null, label: keyText(data, 0, r.keys[0], t, names, locale), cells: cols.map(() => null) }); }
    rows[rowIndex.get(k)!].cells[colIndex.get(id(r.keys[1]))!] = num(r.values[0]);
  }
  return { rows, cols };
}

/** csvOf renders a chart's data as CSV (keys then measures; a funnel's stages), with a BOM so Excel reads UTF-8. */
export function csvOf(chart: Chart, data: ChartData, t: T, keyNames: string[], names?: Names, locale?: string): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${(/^[=+\-@]/.test(s) ? "'" : '') + s.replace(/"/g, '""')}"` : s;
  };
  const lines: string[] = [];
  if (data.funnel) {
    lines.push([t('dashboards.funnel.stage'), t('dashboards.funnel.count'), t('dashboards.funnel.reached'), t('dashboards.funnel.conversion'), t('dashboards.funnel.amount')].map(cell).join(','));
    for (const s of data.funnel.stages) lines.push([s.label || s.value, s.count, s.reached, s.conversion ?? '', s.amount ?? ''].map(cell).join(','));
  } else {
    const measures = chart.measures ?? [];
    lines.push([...keyNames, ...data.measures.map((m) => measureText(measures.find((x) => x.id === m), m, t, names))].map(cell).join(','));
    for (const r of data.rows) lines.push([...r.keys.map((k, i) => keyText(data, i, k, t, names, locale)), ...r.values].map(cell).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** stackOrder is the order charts stack in on a phone: by row, then column. */
export function stackOrder(charts: Chart[]): Chart[] {
  return [...charts].sort((a, b) => a.layout.y - b.layout.y || a.layout.x - b.layout.x);
}

/** nextCell places a new chart next to the last row's charts when it fits, else under all of them. */
export function nextCell(charts: Chart[], w = 6, h = 4): { x: number; y: number; w: number; h: number } {
  const bottom = charts.reduce((m, c) => Math.max(m, c.layout.y + c.layout.h), 0);
  const lastY = charts.reduce((m, c) => Math.max(m, c.layout.y), -1);
  const right = charts.filter((c) => c.layout.y === lastY).reduce((m, c) => Math.max(m, c.layout.x + c.layout.w), 0);
  if (lastY >= 0 && right + w <= 12) return { x: right, y: lastY, w, h };
  return { x: 0, y: bottom, w, h };
}

/** measureId proposes a free id for a new measure. */
export function measureId(op: string, field: string | undefined, taken: string[]): string {
  const base = (op === 'count' ? 'n' : `${op}_${(field ?? '').replace(/[^a-z0-9_]/gi, '_')}`).toLowerCase().replace(/^[^a-z_]/, '_').slice(0, 28);
  let id = base || 'm';
  for (let i = 2; taken.includes(id); i++) id = `${base}_${i}`;
  return id;
}

/** duration shows milliseconds as days or hours. */
export function duration(ms: number | undefined, t: T): string {
  if (ms === undefined || ms === null) return '–';
  const h = ms / 3_600_000;
  return h >= 48 ? t('dashboards.funnel.days', { n: (h / 24).toFixed(1) }) : t('dashboards.funnel.hours', { n: h.toFixed(1) });
}

/** percent shows a 0..1 share. */
export function percent(v: number | undefined): string {
  return v === undefined || v === null ? '–' : `${(v * 100).toFixed(1)}%`;
}

/** namesOf builds a chart's Names from its form's fields (subform fields too) and the workspace's members. */
export function namesOf(fields: { key: string; label: string; type: string; fields?: unknown[] }[] | undefined, users: { id: string; name: string }[]): Names {
  const byKey = new Map<string, { label: string; type: string }>();
  const walk = (fs: typeof fields) => { for (const f of fs ?? []) { byKey.set(f.key, { label: f.label, type: f.type }); walk(f.fields as typeof fields); } };
  walk(fields);
  const byId = new Map(users.map((u) => [u.id, u.name]));
  return { field: (k) => byKey.get(k), user: (id) => byId.get(id) };
}

import dayjs from 'dayjs';
import type { Address, Department, FieldDef, Location, StoredFile, User } from '../api/types';

/** displayText renders any stored value as plain text (used for labels and fallbacks). */
export function displayText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map(displayText).filter(Boolean).join(', ');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('amount' in o) return `${o.amount ?? ''} ${o.currency ?? ''}`.trim();
    if ('name' in o) return String(o.name);
    if ('province' in o || 'city' in o || 'detail' in o) {
      const a = o as Address;
      return [a.province, a.city, a.district, a.detail].filter(Boolean).join(' ');
    }
    if ('lat' in o) {
      const l = o as Location;
      return l.text || `${l.lat}, ${l.lng}`;
    }
    return JSON.stringify(v);
  }
  return String(v);
}

export interface FormatContext {
  users: User[]; departments: Department[]; t: (k: string, o?: Record<string, unknown>) => string; relationLabels?: Map<string, string>;
  /** lookups maps a lookup field's key to the field it shows in the related form (see useLookupSources). */
  lookups?: Map<string, FieldDef>;
}

/** LOOKUP_AS_IS are source types a lookup shows as plain text (their display needs more than the value). */
const LOOKUP_AS_IS = new Set(['relation', 'lookup', 'subform', 'formula']);
/** MULTI holds the types whose value is a list by themselves. */
const MULTI = new Set(['multiselect', 'users', 'departments', 'attachment', 'image', 'signature', 'subform']);

function stripHTML(s: string): string {
  return s.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ').trim();
}

/** formatValue renders a stored value of field for tables and the record drawer. */
export function formatValue(f: FieldDef, v: unknown, ctx: FormatContext): string {
  if (v === null || v === undefined || v === '') return '';
  const userName = (id: unknown) => ctx.users.find((u) => u.id === id)?.name ?? String(id);
  const depName = (id: unknown) => ctx.departments.find((d) => d.id === id)?.name ?? String(id);
  switch (f.type) {
    case 'richtext': return stripHTML(String(v));
    case 'money': {
      const m = v as { amount: unknown; currency?: string };
      const n = Number(m.amount);
      return `${m.currency ?? f.currency ?? 'CNY'} ${Number.isFinite(n) ? n.toLocaleString(undefined, { minimumFractionDigits: f.precision ?? 2, maximumFractionDigits: f.precision ?? 2 }) : String(m.amount)}`;
    }
    case 'percent': return `${Math.round(Number(v) * 100 * 10 ** (f.precision ?? 0)) / 10 ** (f.precision ?? 0)}%`;
    case 'rating': { const n = Number(v); const max = f.max ?? 5; return '★'.repeat(n) + '☆'.repeat(Math.max(0, max - n)); }
    case 'boolean': return v ? ctx.t('common.yes') : ctx.t('common.no');
    case 'datetime': return dayjs(String(v)).format('YYYY-MM-DD HH:mm');
    case 'select': return f.options?.find((o) => o.value === v)?.label ?? String(v);
    case 'multiselect': return (v as string[]).map((x) => f.options?.find((o) => o.value === x)?.label ?? x).join(', ');
    case 'user': return userName(v);
    case 'users': return (v as string[]).map(userName).join(', ');
    case 'department': return depName(v);
    case 'departments': return (v as string[]).map(depName).join(', ');
    case 'relation': {
      const ids = Array.isArray(v) ? v : [v];
      return ids.map((id) => ctx.relationLabels?.get(String(id)) ?? String(id)).join(', ');
    }
    case 'attachment': case 'image': case 'signature':
      return (v as StoredFile[]).map((x) => x.name).join(', ');
    case 'subform': return ctx.t('data.rows', { count: (v as unknown[]).length });
    case 'formula': return formatFormula(f, v, ctx);
    case 'lookup': {
      // A lookup shows the related record's value as that field would: an option's label, a member's name, a date.
      const src = ctx.lookups?.get(f.key);
      if (!src || LOOKUP_AS_IS.has(src.type)) return displayText(v);
      if (Array.isArray(v) && !MULTI.has(src.type)) return v.map((x) => formatValue(src, x, ctx)).filter((x) => x !== '').join(', ');
      return formatValue(src, v, ctx);
    }
    default: return displayText(v);
  }
}

/**
 * formatFormula shows a formula result like its result type: the field's
 * display (money in its currency, percent, number with its precision), a
 * boolean as yes/no; without a display a number shows as number fields do.
 */
export function formatFormula(f: FieldDef, v: unknown, ctx: FormatContext): string {
  if (typeof v === 'boolean') return v ? ctx.t('common.yes') : ctx.t('common.no');
  if (typeof v !== 'number' || !Number.isFinite(v) || f.display === 'text') return displayText(v);
  const digits = (d: number) => ({ minimumFractionDigits: f.precision ?? d, maximumFractionDigits: f.precision ?? Math.max(d, 10) });
  switch (f.display) {
    case 'money': return `${f.currency || 'CNY'} ${v.toLocaleString(undefined, { minimumFractionDigits: f.precision ?? 2, maximumFractionDigits: f.precision ?? 2 })}`;
    case 'percent': return `${(v * 100).toLocaleString(undefined, { minimumFractionDigits: f.precision ?? 0, maximumFractionDigits: f.precision ?? 2 })}%`;
    case 'number': return v.toLocaleString(undefined, digits(0));
    default: return f.precision === undefined ? displayText(v) : v.toLocaleString(undefined, digits(0));
  }
}

/** exprValue converts a form value to what expressions see (money is its amount). */
export function exprVars(fields: FieldDef[], values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.key];
    if (f.type === 'money') out[f.key] = v && typeof v === 'object' ? (v as { amount: unknown }).amount ?? null : null;
    else out[f.key] = v === undefined ? null : v;
  }
  return out;
}

// The designer's model: the built-in action kinds with their settings,
// new-action defaults, the checks the designer makes before the server does
// (so a mapping to a missing field is marked on its input at once), and the
// cron helper.
import type { Action, Design, Trigger, TriggerType } from '../../api/automation';
import type { FieldDef, FieldType, Filter } from '../../api/types';

/** The built-in action kinds, in the order the "add action" menu lists them. */
export const BUILTIN_KINDS = ['record.create', 'record.update', 'record.upsert', 'record.delete', 'notify', 'assign', 'tags', 'alert.raise'] as const;
export type BuiltinKind = (typeof BUILTIN_KINDS)[number];
export const isBuiltin = (k: string): k is BuiltinKind => (BUILTIN_KINDS as readonly string[]).includes(k);

/** Values maps a target field key to the expression that computes it. */
export type Values = Record<string, string>;

export type RecipientKind = 'owner' | 'field' | 'user' | 'role' | 'department';
export interface Recipient { kind: RecipientKind; id?: string; field?: string }

export interface CreateConfig { form: string; values: Values }
export interface UpdateConfig { target: 'this' | 'filter'; form?: string; filter?: Filter | null; values: Values }
export interface UpsertConfig { form: string; filter?: Filter | null; values: Values }
export interface DeleteConfig { target: 'this' | 'filter'; form?: string; filter?: Filter | null }
export interface NotifyConfig { recipients: Recipient[]; title: string; body?: string }
export interface AssignConfig {
  field: string; strategy: 'round_robin' | 'least_loaded' | 'expression';
  pool?: { kind: 'users' | 'role' | 'department'; ids?: string[]; id?: string };
  /** openFilter says which records count as open for least-loaded. */
  openFilter?: Filter | null;
  expression?: string;
}
export interface TagsConfig { field: string; add?: string[]; remove?: string[] }
export interface AlertConfig { severity: 'info' | 'warning' | 'critical'; key?: string; title: string; body?: string; escalation?: { afterHours?: number; role?: string } }

/** newAction is the action the "add" menu inserts: its settings start empty but well-formed. */
export function newAction(kind: string, formId: string): Action {
  switch (kind) {
    case 'record.create': return { kind, config: { form: '', values: {} } };
    case 'record.update': return { kind, config: { target: 'this', form: formId, values: {} } };
    case 'record.upsert': return { kind, config: { form: '', filter: null, values: {} } };
    case 'record.delete': return { kind, config: { target: 'this', form: formId } };
    case 'notify': return { kind, config: { recipients: [{ kind: 'owner' }], title: '', body: '' } };
    case 'assign': return { kind, config: { field: '', strategy: 'round_robin', pool: { kind: 'users', ids: [] } } };
    case 'tags': return { kind, config: { field: '', add: [], remove: [] } };
    case 'alert.raise': return { kind, config: { severity: 'warning', key: 'new.id', title: '', body: '', escalation: { afterHours: 24 } } };
    default: return { kind, config: {} };
  }
}

export function newDesign(actor: string): Design {
  return { name: '', trigger: { type: 'record.created' }, condition: '', actions: [], actor, retrigger: false };
}

/** Problem is a designer-side error at a design path ("actions[0].config.values.amount"), as a message key and its params. */
export interface Problem { path: string; key: string; params?: Record<string, unknown> }

/** FormFields gives a form's published fields (undefined while loading or unknown). */
export type FormFields = (formId: string) => FieldDef[] | undefined;

const USER_TYPES: FieldType[] = ['user', 'users'];
const DATE_TYPES: FieldType[] = ['date', 'datetime'];
const NOT_WRITABLE: FieldType[] = ['formula', 'lookup', 'serial'];

/** writable lists the fields an action may set (not computed ones). */
export function writable(fields: FieldDef[]): FieldDef[] { return fields.filter((f) => !NOT_WRITABLE.includes(f.type)); }

/** placeholders lists the {{key}} names a template uses. */
export function placeholders(tpl: string): string[] {
  return [...tpl.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)].map((m) => m[1]);
}

function checkValues(path: string, values: Values | undefined, target: FieldDef[] | undefined, out: Problem[], needSome: boolean, create = false) {
  const entries = Object.entries(values ?? {});
  if (needSome && entries.length === 0) out.push({ path: `${path}.values`, key: 'needMapping' });
  for (const [k, src] of entries) {
    const p = `${path}.values.${k}`;
    if (target) {
      const f = target.find((x) => x.key === k);
      if (!f) { out.push({ path: p, key: 'noSuchField', params: { field: k } }); continue; }
      if (NOT_WRITABLE.includes(f.type)) out.push({ path: p, key: 'notWritable', params: { field: f.label } });
    }
    if (!src || !src.trim()) out.push({ path: p, key: 'needExpression' });
  }
  if (target) {
    for (const f of target) {
      if (create && f.required && !f.defaultExpression && f.default === undefined && !(f.key in (values ?? {})) && !NOT_WRITABLE.includes(f.type)) {
        out.push({ path: `${path}.values.${f.key}`, key: 'requiredTarget', params: { field: f.label } });
      }
    }
  }
}

/**
 * validateAction checks one action against the forms it names: a target
 * form is chosen, every mapped field exists there and can be written, a
 * create maps each required field, recipients and templates are complete
 * and name fields of this form. The server checks again on publish.
 */
export function validateAction(a: Action, i: number, own: FieldDef[], fieldsOf: FormFields): Problem[] {
  const out: Problem[] = [];
  const base = `actions[${i}].config`;
  const c = a.config as Record<string, unknown>;
  const tplCheck = (key: string) => {
    const v = String(c[key] ?? '');
    for (const name of placeholders(v)) {
      const k = name.replace(/^new\./, '').split('.')[0];
      if (!own.some((f) => f.key === k) && !['ownedBy', 'id', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'].includes(k)) {
        out.push({ path: `${base}.${key}`, key: 'badPlaceholder', params: { name } });
      }
    }
  };
  switch (a.kind) {
    case 'record.create': case 'record.upsert': {
      const cc = c as unknown as CreateConfig;
      if (!cc.form) { out.push({ path: `${base}.form`, key: 'needForm' }); break; }
      checkValues(base, cc.values, fieldsOf(cc.form), out, a.kind === 'record.create', a.kind !== 'record.update');
      if (a.kind === 'record.upsert' && !(c as unknown as UpsertConfig).filter) out.push({ path: `${base}.filter`, key: 'needFilter' });
      break;
    }
    case 'record.update': {
      const uc = c as unknown as UpdateConfig;
      if (uc.target === 'filter' && !uc.form) out.push({ path: `${base}.form`, key: 'needForm' });
      if (uc.target === 'filter' && !uc.filter) out.push({ path: `${base}.filter`, key: 'needFilter' });
      const target = uc.target === 'this' ? own : uc.form ? fieldsOf(uc.form) : undefined;
      checkValues(base, uc.values, target, out, true);
      break;
    }
    case 'record.delete': {
      const dc = c as unknown as DeleteConfig;
      if (dc.target === 'filter' && !dc.form) out.push({ path: `${base}.form`, key: 'needForm' });
      if (dc.target === 'filter' && !dc.filter) out.push({ path: `${base}.filter`, key: 'needFilter' });
      break;
    }
    case 'notify': {
      const nc = c as unknown as NotifyConfig;
      if (!nc.recipients?.length) out.push({ path: `${base}.recipients`, key: 'needRecipient' });
      (nc.recipients ?? []).forEach((r, j) => {
        if (r.kind === 'field') {
          const f = own.find((x) => x.key === r.field);
          if (!f) out.push({ path: `${base}.recipients[${j}]`, key: 'needUserField' });
          else if (!USER_TYPES.includes(f.type)) out.push({ path: `${base}.recipients[${j}]`, key: 'notUserField', params: { field: f.label } });
        }
        if ((r.kind === 'user' || r.kind === 'role' || r.kind === 'department') && !r.id) out.push({ path: `${base}.recipients[${j}]`, key: 'needRecipientId' });
      });
      if (!nc.title?.trim()) out.push({ path: `${base}.title`, key: 'needTitle' });
      tplCheck('title'); tplCheck('body');
      break;
    }
    case 'assign': {
      const ac = c as unknown as AssignConfig;
      const f = own.find((x) => x.key === ac.field);
      if (!ac.field) out.push({ path: `${base}.field`, key: 'needField' });
      else if (!f || !USER_TYPES.includes(f.type)) out.push({ path: `${base}.field`, key: 'notUserField', params: { field: f?.label ?? ac.field } });
      if (ac.strategy === 'expression' && !ac.expression?.trim()) out.push({ path: `${base}.expression`, key: 'needExpression' });
      if (ac.strategy !== 'expression') {
        const p = ac.pool;
        if (!p || (p.kind === 'users' ? !p.ids?.length : !p.id)) out.push({ path: `${base}.pool`, key: 'needPool' });
      }
      break;
    }
    case 'tags': {
      const tc = c as unknown as TagsConfig;
      const f = own.find((x) => x.key === tc.field);
      if (!tc.field) out.push({ path: `${base}.field`, key: 'needField' });
      else if (!f || f.type !== 'multiselect') out.push({ path: `${base}.field`, key: 'notTagField', params: { field: f?.label ?? tc.field } });
      if (!tc.add?.length && !tc.remove?.length) out.push({ path: `${base}.add`, key: 'needTags' });
      break;
    }
    case 'alert.raise': {
      const al = c as unknown as AlertConfig;
      if (!al.title?.trim()) out.push({ path: `${base}.title`, key: 'needTitle' });
      tplCheck('title'); tplCheck('body');
      break;
    }
  }
  return out;
}

/** validateTrigger checks a trigger's own settings. */
export function validateTrigger(tr: Trigger, own: FieldDef[]): Problem[] {
  const out: Problem[] = [];
  switch (tr.type) {
    case 'fields.changed':
      if (!tr.fields?.length) out.push({ path: 'trigger.fields', key: 'needFields' });
      for (const k of tr.fields ?? []) if (!own.some((f) => f.key === k)) out.push({ path: 'trigger.fields', key: 'noSuchField', params: { field: k } });
      break;
    case 'schedule':
      if (!tr.cron?.trim()) out.push({ path: 'trigger.cron', key: 'needCron' });
      else if (!cronValid(tr.cron)) out.push({ path: 'trigger.cron', key: 'badCron' });
      break;
    case 'date': {
      const f = own.find((x) => x.key === tr.date?.field);
      if (!tr.date?.field) out.push({ path: 'trigger.date.field', key: 'needField' });
      else if (!f || !DATE_TYPES.includes(f.type)) out.push({ path: 'trigger.date.field', key: 'notDateField', params: { field: f?.label ?? tr.date.field } });
      if (tr.date?.time && !/^([01]\d|2[0-3]):[0-5]\d$/.test(tr.date.time)) out.push({ path: 'trigger.date.time', key: 'badTime' });
      break;
    }
    case 'event':
      if (!tr.event || !/^[a-z][a-z0-9_.]{0,62}$/.test(tr.event)) out.push({ path: 'trigger.event', key: 'badEvent' });
      break;
  }
  return out;
}

/** validateDesign runs every designer-side check of a design. */
export function validateDesign(d: Design, own: FieldDef[], fieldsOf: FormFields): Problem[] {
  const out: Problem[] = [];
  if (!d.name.trim()) out.push({ path: 'name', key: 'needName' });
  if (!d.actor) out.push({ path: 'actor', key: 'needActor' });
  out.push(...validateTrigger(d.trigger, own));
  if (d.actions.length === 0) out.push({ path: 'actions', key: 'needAction' });
  d.actions.forEach((a, i) => out.push(...validateAction(a, i, own, fieldsOf)));
  return out;
}

/** setTriggerType switches the trigger kind, keeping nothing that does not belong to the new kind. */
export function setTriggerType(tr: Trigger, type: TriggerType): Trigger {
  switch (type) {
    case 'fields.changed': return { type, fields: tr.fields ?? [] };
    case 'schedule': return { type, cron: tr.cron || '0 9 * * *', scan: tr.scan ?? null };
    case 'date': return { type, date: tr.date ?? { field: '', offsetDays: -3, time: '09:00' } };
    case 'event': return { type, event: tr.event ?? '' };
    default: return { type };
  }
}

/** The signed offset of a date trigger as the designer shows it: a count of days and before/after. */
export function splitOffset(offset: number): { days: number; when: 'before' | 'after' } {
  return { days: Math.abs(offset), when: offset < 0 ? 'before' : 'after' };
}
export function joinOffset(days: number, when: 'before' | 'after'): number { return when === 'before' ? -Math.abs(days) : Math.abs(days); }

// Cron helper: five fields, minute hour day-of-month month day-of-week.

const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
const CRON_RANGES: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];

/** cronValid says whether src is a five-field cron expression with values in range. */
export function cronValid(src: string): boolean {
  const parts = src.trim().split(/\s+/);
  if (parts.length !== 5) return false;
  return parts.every((p, i) => {
    if (!CRON_FIELD.test(p)) return false;
    const [lo, hi] = CRON_RANGES[i];
    return [...p.matchAll(/\d+/g)].every((m, j, all) => {
      // A step (/n) is not a value of the field.
      const isStep = p.includes('/') && j === all.length - 1 && p.endsWith(`/${m[0]}`);
      const n = Number(m[0]);
      return isStep ? n > 0 : n >= lo && n <= hi;
    });
  });
}

/** CronPreset is one of the helper's common schedules. */
export interface CronPreset { kind: 'daily' | 'weekdays' | 'weekly' | 'monthly' | 'hourly'; hour: number; minute: number; weekday?: number; day?: number }

/** cronOf writes a preset as cron. */
export function cronOf(p: CronPreset): string {
  switch (p.kind) {
    case 'hourly': return `${p.minute} * * * *`;
    case 'daily': return `${p.minute} ${p.hour} * * *`;
    case 'weekdays': return `${p.minute} ${p.hour} * * 1-5`;
    case 'weekly': return `${p.minute} ${p.hour} * * ${p.weekday ?? 1}`;
    case 'monthly': return `${p.minute} ${p.hour} ${p.day ?? 1} * *`;
  }
}

/** presetOf reads cron back as a preset, or null when the helper cannot show it (the raw text stays editable). */
export function presetOf(src: string): CronPreset | null {
  const parts = src.trim().split(/\s+/);
  if (parts.length !== 5 || !cronValid(src)) return null;
  const [mi, h, dom, mon, dow] = parts;
  const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : NaN);
  const minute = num(mi);
  if (Number.isNaN(minute) || mon !== '*') return null;
  if (h === '*' && dom === '*' && dow === '*') return { kind: 'hourly', hour: 0, minute };
  const hour = num(h);
  if (Number.isNaN(hour)) return null;
  if (dom === '*' && dow === '*') return { kind: 'daily', hour, minute };
  if (dom === '*' && dow === '1-5') return { kind: 'weekdays', hour, minute };
  if (dom === '*' && /^\d$/.test(dow)) return { kind: 'weekly', hour, minute, weekday: Number(dow) % 7 };
  if (/^\d+$/.test(dom) && dow === '*') return { kind: 'monthly', hour, minute, day: Number(dom) };
  return null;
}

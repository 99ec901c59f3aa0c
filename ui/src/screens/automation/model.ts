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

/**
 * Recipients says who a notification goes to (engine/automation
 * action_notify.go): the record's owner, member fields of the record,
 * members, roles ("admin": the workspace admins), departments.
 */
export interface Recipients { owner?: boolean; fields?: string[]; users?: string[]; roles?: string[]; departments?: string[] }

/** Target of update and delete: the triggering record, or the records a query selects. */
export type Target = 'record' | 'query';

/** RecordConfig is the settings of create, update, upsert and delete; match adds field == expression conditions to filter. */
export interface RecordConfig { form?: string; target?: Target; filter?: Filter | null; match?: Values; values?: Values; limit?: number }
export interface NotifyConfig { title: string; body?: string; recipients: Recipients; severity?: '' | 'info' | 'warning' | 'critical' }
export interface AssignConfig {
  field: string; strategy: 'round_robin' | 'least_loaded' | 'expression';
  users?: string[]; role?: string; department?: string;
  /** open selects the records that count as a candidate's load (least loaded). */
  open?: Filter | null;
  expression?: string;
  onlyEmpty?: boolean;
}
export interface TagsConfig { field: string; add?: string[]; remove?: string[] }
export interface AlertConfig {
  severity: 'info' | 'warning' | 'critical'; title: string; body?: string; dedupe?: string;
  escalation?: { headAfterHours?: number; role?: string; roleAfterHours?: number } | null; autoResolve?: boolean;
}

/** newAction is the action the "add" menu inserts: its settings start empty but well-formed. */
export function newAction(kind: string): Action {
  switch (kind) {
    case 'record.create': return { kind, config: { form: '', values: {} } };
    case 'record.update': return { kind, config: { target: 'record', values: {} } };
    case 'record.upsert': return { kind, config: { form: '', match: {}, values: {} } };
    case 'record.delete': return { kind, config: { target: 'record' } };
    case 'notify': return { kind, config: { recipients: { owner: true }, title: '', body: '' } };
    case 'assign': return { kind, config: { field: '', strategy: 'round_robin', users: [] } };
    case 'tags': return { kind, config: { field: '', add: [], remove: [] } };
    case 'alert.raise': return { kind, config: { severity: 'warning', title: '', body: '', escalation: { headAfterHours: 24 } } };
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

function checkValues(path: string, values: Values | undefined, target: FieldDef[] | undefined, out: Problem[], needSome: boolean, create = false, prop: 'values' | 'match' = 'values') {
  const entries = Object.entries(values ?? {});
  if (needSome && entries.length === 0) out.push({ path: `${path}.${prop}`, key: 'needMapping' });
  for (const [k, src] of entries) {
    const p = `${path}.${prop}.${k}`;
    if (target) {
      const f = target.find((x) => x.key === k);
      if (!f) { out.push({ path: p, key: 'noSuchField', params: { field: k } }); continue; }
      if (prop === 'values' && NOT_WRITABLE.includes(f.type)) out.push({ path: p, key: 'notWritable', params: { field: f.label } });
    }
    if (!src || !src.trim()) out.push({ path: p, key: 'needExpression' });
  }
  if (target) {
    for (const f of target) {
      if (create && prop === 'values' && f.required && !f.defaultExpression && f.default === undefined && !(f.key in (values ?? {})) && !NOT_WRITABLE.includes(f.type)) {
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
      const k = name.replace(/^(new|old)\./, '').split('.')[0];
      if (!own.some((f) => f.key === k) && !['ownedBy', 'id', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy'].includes(k)) {
        out.push({ path: `${base}.${key}`, key: 'badPlaceholder', params: { name } });
      }
    }
  };
  switch (a.kind) {
    case 'record.create': case 'record.upsert': {
      const cc = c as RecordConfig;
      if (!cc.form) { out.push({ path: `${base}.form`, key: 'needForm' }); break; }
      const target = fieldsOf(cc.form);
      checkValues(base, cc.values, target, out, true, true);
      if (a.kind === 'record.upsert') {
        if (!cc.filter && !Object.keys(cc.match ?? {}).length) out.push({ path: `${base}.match`, key: 'needFilter' });
        checkValues(base, cc.match, target, out, false, false, 'match');
      }
      break;
    }
    case 'record.update': case 'record.delete': {
      const uc = c as RecordConfig;
      const query = uc.target === 'query';
      if (query && !uc.form) out.push({ path: `${base}.form`, key: 'needForm' });
      const target = !query ? own : uc.form ? fieldsOf(uc.form) : undefined;
      if (query && !uc.filter && !Object.keys(uc.match ?? {}).length) out.push({ path: `${base}.match`, key: 'needFilter' });
      if (query) checkValues(base, uc.match, target, out, false, false, 'match');
      if (a.kind === 'record.update') checkValues(base, uc.values, target, out, true);
      break;
    }
    case 'notify': {
      const nc = c as unknown as NotifyConfig;
      const r = nc.recipients ?? {};
      if (!r.owner && !r.fields?.length && !r.users?.length && !r.roles?.length && !r.departments?.length) out.push({ path: `${base}.recipients`, key: 'needRecipient' });
      (r.fields ?? []).forEach((k, j) => {
        const f = own.find((x) => x.key === k);
        if (!f || !USER_TYPES.includes(f.type)) out.push({ path: `${base}.recipients.fields[${j}]`, key: 'notUserField', params: { field: f?.label ?? k } });
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
      if (ac.strategy !== 'expression' && !ac.users?.length && !ac.role && !ac.department) out.push({ path: `${base}.users`, key: 'needPool' });
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
      if (!['info', 'warning', 'critical'].includes(al.severity)) out.push({ path: `${base}.severity`, key: 'needSeverity' });
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

/**
 * cleanConfig drops the settings left empty (null, undefined, an empty
 * text, list or map) before a design is saved: the server refuses unknown
 * keys and reads an absent one as its default.
 */
export function cleanConfig(c: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (v === null || v === undefined || v === '') continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (typeof v === 'object' && !Array.isArray(v) && k !== 'filter' && k !== 'open') {
      const inner = k === 'values' || k === 'match' ? v as Record<string, unknown> : cleanConfig(v as Record<string, unknown>);
      if (Object.keys(inner).length === 0 && k !== 'values' && k !== 'recipients') continue;
      out[k] = inner;
      continue;
    }
    out[k] = v;
  }
  return out;
}

/** cleanDesign is the design as saved: every action's settings cleaned. */
export function cleanDesign(d: Design): Design {
  return { ...d, actions: d.actions.map((a) => ({ ...a, config: cleanConfig(a.config) })) };
}

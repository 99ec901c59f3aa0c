// Pure helpers of the template screens: localized texts, version order,
// problems grouped per template item, an upgrade plan in sections, and
// reading an uploaded bundle file.
import type { FieldError } from '../../api/types';
import { MAX_BUNDLE_BYTES, type Bundle, type PlanChange, type PlanConflict, type Resolution, type Text, type UpgradePlan } from '../../api/templates';

/** localized picks the text of lang from a per-language text (then zh-CN, en, any), or the text itself. */
export function localized(t: Text | undefined, lang: string): string {
  if (!t) return '';
  if (typeof t === 'string') return t;
  return t[lang] ?? t['zh-CN'] ?? t.en ?? Object.values(t)[0] ?? '';
}

/** compareVersions orders dotted versions numerically ("1.10.0" after "1.9.2"); a non-numeric part compares as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.+-]/); const pb = b.replace(/^v/, '').split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0'; const y = pb[i] ?? '0';
    const nx = Number(x); const ny = Number(y);
    const c = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
}

/** PART_ORDER is the order the parts of a package are listed in. */
export const PART_ORDER = ['forms', 'roles', 'stages', 'flows', 'automations', 'alerts', 'views', 'dashboards', 'webhooks', 'inbound', 'publinks'];

/** countList lists a package's non-zero part counts in PART_ORDER, unknown kinds after them. */
export function countList(counts: Record<string, number> | undefined): [string, number][] {
  const all = Object.entries(counts ?? {}).filter(([, n]) => typeof n === 'number' && n > 0);
  const rank = (k: string) => { const i = PART_ORDER.indexOf(k); return i < 0 ? PART_ORDER.length : i; };
  return all.sort((a, b) => rank(a[0]) - rank(b[0]) || a[0].localeCompare(b[0]));
}

/** ItemProblems are the problems of one item of a package (a form, a role, an automation…), or of the package itself. */
export interface ItemProblems { kind: string; key: string; problems: { path: string; message: string }[] }

const SEGMENT = /^([^[\]]+)((?:\[[^\]]*\])*)$/;

/**
 * groupProblems sorts a check's field errors by the item they belong to:
 * "forms.opportunity.definition.fields[3].key" is the form opportunity's
 * problem at definition.fields[3].key; "parts.automations.hot.spec.when"
 * (or "automations.hot.spec.when") the automation hot's. A path naming no
 * item ("template.version", "") is the package's own (kind "").
 */
export function groupProblems(fields: FieldError[]): ItemProblems[] {
  const out: ItemProblems[] = [];
  const find = (kind: string, key: string) => {
    let g = out.find((x) => x.kind === kind && x.key === key);
    if (!g) { g = { kind, key, problems: [] }; out.push(g); }
    return g;
  };
  for (const f of fields) {
    let segs = (f.path ?? '').split('.').filter(Boolean);
    while (segs[0] === 'bundle' || segs[0] === 'parts') segs = segs.slice(1);
    const message = f.message || f.code;
    const head = segs[0] ? SEGMENT.exec(segs[0]) : null;
    if (head && (PART_ORDER.includes(head[1]) || head[1] === 'sample')) {
      // "forms[2].key" names the item by position, "forms.opportunity" by key.
      if (head[2]) { find(head[1], head[2].slice(1, head[2].indexOf(']'))).problems.push({ path: segs.slice(1).join('.'), message }); continue; }
      // "parts.webhooks": the part as a whole (a kind this server does not have).
      if (segs.length === 1) { find(head[1], '').problems.push({ path: '', message }); continue; }
      if (segs.length >= 2) {
        const k = SEGMENT.exec(segs[1]);
        find(head[1], k ? k[1] : segs[1]).problems.push({ path: [k?.[2] ?? '', ...segs.slice(2)].filter(Boolean).join('.').replace(/^\./, ''), message });
        continue;
      }
    }
    find('', '').problems.push({ path: segs.join('.'), message });
  }
  return out;
}

/** FieldChange is a field of a form the upgrade adds, removes or changes. */
export interface FieldChange { form: string; field: string; op: PlanChange['op']; props: string[]; label?: string }

export interface PlanSections {
  fields: FieldChange[];
  /** items are whole forms, roles and parts' items added, removed or changed (a form's field changes are in fields). */
  items: PlanChange[];
}

/** fieldOf finds the field a change of a form is about: its path (fields.budget, definition.fields[budget].label) or its detail. */
function fieldOf(c: PlanChange): { field: string; props: string[] } | null {
  const d = c.detail ?? {};
  const path = c.path ?? '';
  const m = /(?:^|\.)fields(?:\.([^.[\]]+)|\[([^\]]+)\])(?:\.(.+))?$/.exec(path);
  if (m) return { field: m[1] ?? m[2], props: m[3] ? [m[3]] : propsOf(d) };
  if (typeof d.field === 'string') return { field: d.field, props: propsOf(d) };
  return null;
}
function propsOf(d: Record<string, unknown>): string[] {
  return Array.isArray(d.props) ? d.props.map(String) : [];
}

/** planSections splits an upgrade plan into field changes (per form) and the other items' changes. */
export function planSections(plan: UpgradePlan): PlanSections {
  const fields: FieldChange[] = [];
  const items: PlanChange[] = [];
  for (const c of plan.changes) {
    const f = c.kind === 'forms' ? fieldOf(c) : null;
    if (!f) { items.push(c); continue; }
    const label = typeof c.detail?.label === 'string' && c.detail.label !== f.field ? c.detail.label : undefined;
    const same = fields.find((x) => x.form === c.key && x.field === f.field && x.op === c.op);
    if (same) { for (const p of f.props) if (!same.props.includes(p)) same.props.push(p); } else fields.push({ form: c.key, field: f.field, op: c.op, props: f.props, ...(label ? { label } : {}) });
  }
  return { fields, items };
}

/** unresolved lists the conflicts without a choice yet. */
export function unresolved(conflicts: PlanConflict[], choices: Record<string, Resolution | undefined>): PlanConflict[] {
  return conflicts.filter((c) => choices[c.id] !== 'ours' && choices[c.id] !== 'theirs');
}

/** resolutionsOf is the upgrade's resolutions: a choice for every conflict of the plan, nothing else. */
export function resolutionsOf(conflicts: PlanConflict[], choices: Record<string, Resolution | undefined>): Record<string, Resolution> {
  const out: Record<string, Resolution> = {};
  for (const c of conflicts) { const v = choices[c.id]; if (v === 'ours' || v === 'theirs') out[c.id] = v; }
  return out;
}

/** itemName is the name a change's detail gives its form, role or item ("" when none). */
export function itemName(c: PlanChange): string {
  const n = c.detail?.name;
  return typeof n === 'string' && n !== c.key ? n : '';
}

const plain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * narrowed keeps, of a conflict whose values are objects (a whole field,
 * an automation's design), only the properties that differ between them,
 * so the admin reads what the choice is about; other values stay whole.
 */
export function narrowed(c: PlanConflict): { base: unknown; ours: unknown; theirs: unknown } {
  const vs = [c.base, c.ours, c.theirs];
  if (!vs.every((v) => v === null || v === undefined || plain(v)) || !vs.some(plain)) return { base: c.base, ours: c.ours, theirs: c.theirs };
  const objs = vs.map((v) => (plain(v) ? v : null));
  const keys = [...new Set(objs.flatMap((o) => (o ? Object.keys(o) : [])))];
  // A side without the object (added on both sides, removed on one) does not make every property differ.
  const present = objs.filter((o): o is Record<string, unknown> => o !== null);
  const differ = keys.filter((k) => new Set(present.map((o) => JSON.stringify(o[k] ?? null))).size > 1);
  const pick = (o: Record<string, unknown> | null) => (o ? Object.fromEntries(differ.filter((k) => k in o).map((k) => [k, o[k]])) : null);
  return { base: pick(objs[0]), ours: pick(objs[1]), theirs: pick(objs[2]) };
}

/** shown renders a conflict's value for reading: text as is, anything else as indented JSON. */
export function shown(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v, null, 2);
}

/** BundleFileError says why an uploaded file is not a bundle: too large, not JSON, or not an object. */
export class BundleFileError extends Error {
  constructor(public reason: 'tooLarge' | 'notJSON' | 'notBundle', detail = '') { super(detail || reason); }
}

/** readBundle reads an uploaded template file: at most 8 MiB of JSON holding an object with a template. */
export async function readBundle(file: Blob): Promise<Bundle> {
  if (file.size > MAX_BUNDLE_BYTES) throw new BundleFileError('tooLarge');
  const text = await blobText(file);
  let v: unknown;
  try { v = JSON.parse(text); } catch (e) { throw new BundleFileError('notJSON', (e as Error).message); }
  if (!v || typeof v !== 'object' || Array.isArray(v) || !('template' in v)) throw new BundleFileError('notBundle');
  return v as Bundle;
}

/** blobText reads a file as UTF-8 text (FileReader where Blob.text is missing). */
function blobText(b: Blob): Promise<string> {
  if (typeof b.text === 'function') return b.text();
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result ?? ''));
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsText(b);
  });
}

/** bundleSummary reads what an unchecked bundle says about itself: its template's key, version and name. */
export function bundleSummary(b: Bundle): { key: string; version: string; name?: Text } {
  const t = (b.template && typeof b.template === 'object' ? b.template : {}) as Record<string, unknown>;
  return { key: String(t.key ?? ''), version: String(t.version ?? ''), name: t.name as Text | undefined };
}

/**
 * freeName is name, or "name 2", "name 3"… when an app of the workspace
 * already has it (app names are unique), so installing a template twice
 * does not start with a refusal.
 */
export function freeName(name: string, taken: readonly string[] | undefined): string {
  if (!name || !taken?.length) return name;
  const used = new Set(taken.map((n) => n.trim()));
  if (!used.has(name)) return name;
  for (let i = 2; ; i++) {
    const n = `${name} ${i}`;
    if (!used.has(n)) return n;
  }
}

// Pure helpers of the stage screens: building a pipeline from a select
// field, placing publish problems on the settings' inputs, the moves a
// pipeline allows, the days in a stage and the merged record timeline.
import type { TimelineEntry } from '../../api/flows';
import type { FieldDef, Definition } from '../../api/types';
import type { Pipeline, Stage, StageView, Transition } from '../../api/stages';

/** selectFields are the fields a pipeline may run over. */
export function selectFields(def: Definition): FieldDef[] {
  return def.fields.filter((f) => f.type === 'select');
}

/** guessFlag marks options whose value or label says won or lost (赢单, 输单, closed_won …). */
export function guessFlag(value: string, label: string): Stage['flag'] {
  const s = `${value} ${label}`.toLowerCase();
  const word = (w: string) => new RegExp(`(^|[^a-z])(${w})([^a-z]|$)`).test(s);
  if (word('lost|lose') || /输单|丢单|失败/.test(s)) return 'lost';
  if (word('won|win') || /赢单|成交|签约/.test(s)) return 'won';
  return undefined;
}

/**
 * pipelineFor makes a pipeline over the select field key: one stage per
 * option in the option order, keeping the settings of stages p already has
 * for the same values (so switching back and forth loses nothing).
 */
export function pipelineFor(def: Definition, key: string, p?: Pipeline | null): Pipeline {
  const f = def.fields.find((x) => x.key === key);
  const old = new Map((p?.field === key ? p.stages : []).map((s) => [s.value, s]));
  const stages: Stage[] = (f?.options ?? []).map((o) => old.get(o.value) ?? { value: o.value, flag: guessFlag(o.value, o.label) });
  // Stages p orders differently keep p's order.
  if (p?.field === key) {
    const order = new Map(p.stages.map((s, i) => [s.value, i]));
    stages.sort((a, b) => (order.get(a.value) ?? 1e6) - (order.get(b.value) ?? 1e6));
  }
  return { field: key, transitions: p?.transitions || 'forward', enteredAtField: p?.enteredAtField, stages };
}

/** missingOptions are the options of the stage field the pipeline does not list. */
export function missingOptions(def: Definition, p: Pipeline): { value: string; label: string }[] {
  const f = def.fields.find((x) => x.key === p.field);
  const have = new Set(p.stages.map((s) => s.value));
  return (f?.options ?? []).filter((o) => !have.has(o.value));
}

/** move returns list with the item at i moved by d (-1 up, +1 down). */
export function move<T>(list: T[], i: number, d: number): T[] {
  const j = i + d;
  if (j < 0 || j >= list.length) return list;
  const out = [...list];
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}

const PREFIX = 'extensions.stages';

/**
 * stageProblems gathers the publish problems of the pipeline by the input
 * they belong to: "extensions.stages.stages[2].required[0]" goes to
 * "stages[2].required", "extensions.stages" (the whole setting) to "".
 */
export function stageProblems(problems: { path: string; message: string }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of problems) {
    if (p.path !== PREFIX && !p.path.startsWith(PREFIX + '.')) continue;
    let k = p.path === PREFIX ? '' : p.path.slice(PREFIX.length + 1);
    k = k.replace(/\.(required|checklist|next)\[\d+\]$/, '.$1').replace(/\.message\.[\w-]+$/, '.message');
    out.set(k, [...(out.get(k) ?? []), p.message]);
  }
  return out;
}

/** closed reports whether a stage ends the pipeline. */
export const closed = (s?: Stage) => s?.flag === 'won' || s?.flag === 'lost';

/**
 * allowedMove mirrors the server's transition rule (engine/workflow
 * stage_gate.go allowed) so the bar can grey out moves the pipeline forbids;
 * the server decides.
 */
export function allowedMove(p: Pick<Pipeline, 'transitions'> & { stages: Stage[] }, from: string, to: string): boolean {
  if (from === to) return false;
  const fi = p.stages.findIndex((s) => s.value === from);
  const ti = p.stages.findIndex((s) => s.value === to);
  if (ti < 0) return false;
  if (fi < 0) return true;
  if (p.transitions === 'any') return true;
  if (p.transitions === 'list') return (p.stages[fi].next ?? []).includes(to);
  if (closed(p.stages[fi])) return false;
  return ti > fi || closed(p.stages[ti]);
}

/**
 * enteredAt is when the record entered its current stage: the pipeline's
 * entered-at field, else its last transition into the stage, else its
 * creation.
 */
export function enteredAt(stage: string, data: Record<string, unknown>, p: Pipeline | null, history: Transition[], createdAt: string): string {
  const v = p?.enteredAtField ? data[p.enteredAtField] : undefined;
  if (typeof v === 'string' && v) return v;
  for (let i = history.length - 1; i >= 0; i--) if (history[i].to === stage) return history[i].at;
  return createdAt;
}

/** daysBetween counts whole days from a to b (never negative). */
export function daysBetween(a: string, b: Date): number {
  const ms = b.getTime() - new Date(a).getTime();
  return ms > 0 ? Math.floor(ms / 86_400_000) : 0;
}

/** Event is one line of the record's timeline: a stage change or an approval step. */
export type TimelineItem =
  | { kind: 'stage'; at: string; t: Transition }
  | { kind: 'approval'; at: string; e: TimelineEntry; flow?: string };

/** APPROVAL_KINDS are the approval steps the record timeline shows (decisions, comments, signatures and the ends). */
const APPROVAL_KINDS = new Set(['started', 'decided', 'returned', 'transferred', 'added', 'auto', 'escalated', 'withdrawn', 'ended', 'reactivated', 'completed']);

/** mergeTimeline puts the stage changes and the approvals' steps in one list, newest first. */
export function mergeTimeline(history: Transition[], instances: { flowName?: string; timeline?: TimelineEntry[] | null }[]): TimelineItem[] {
  const out: TimelineItem[] = history.map((t) => ({ kind: 'stage', at: t.at, t }));
  for (const inst of instances) {
    for (const e of inst.timeline ?? []) if (APPROVAL_KINDS.has(e.kind)) out.push({ kind: 'approval', at: e.at, e, flow: inst.flowName });
  }
  // Stable: equal times keep their order (a transition before the approval it started).
  return out.map((x, i) => ({ x, i })).sort((a, b) => (a.x.at < b.x.at ? 1 : a.x.at > b.x.at ? -1 : b.i - a.i)).map((y) => y.x);
}

/**
 * formatInZone writes an instant as YYYY-MM-DD HH:mm (the app's format) in
 * the workspace's time zone, the browser's when unknown or not recognised.
 */
export function formatInZone(at: string, timeZone?: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  const opts: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', { ...opts, timeZone }).formatToParts(d);
  } catch {
    parts = new Intl.DateTimeFormat('en-US', opts).formatToParts(d);
  }
  const p = (type: string) => parts.find((x) => x.type === type)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}`;
}

/** stageLabel names a stage value by the published view, then the field's options. */
export function stageLabel(value: string, views: StageView[], f?: FieldDef): string {
  return views.find((s) => s.value === value)?.label ?? f?.options?.find((o) => o.value === value)?.label ?? value;
}

// Types and calls of the automations API (docs/automations.md;
// engine/automation design.go, run_types.go, alert_types.go).
import { request } from './client';
import type { Diagnostic, Filter } from './types';

export type TriggerType =
  | 'record.created' | 'record.updated' | 'record.deleted' | 'record.restored'
  | 'fields.changed' | 'schedule' | 'date' | 'event';

export const TRIGGER_TYPES: TriggerType[] = ['record.created', 'record.updated', 'record.deleted', 'record.restored', 'fields.changed', 'schedule', 'date', 'event'];

/** Scan makes a schedule visit the records whose field is older than N days (a store query on an index). */
export interface Scan { field: string; olderThanDays: number; filter?: Filter | null }

/** DateTrigger is "offsetDays days after field" (negative: before), at time (HH:MM) for a date field. */
export interface DateTrigger { field: string; offsetDays: number; time?: string }

export interface Trigger {
  type: TriggerType;
  fields?: string[];
  cron?: string;
  scan?: Scan | null;
  date?: DateTrigger | null;
  event?: string;
}

export interface Action { kind: string; name?: string; config: Record<string, unknown> }

export interface Design {
  name: string;
  description?: string;
  trigger: Trigger;
  condition?: string;
  actions: Action[];
  actor: string;
  retrigger?: boolean;
}

export type RunStatus = 'succeeded' | 'no_match' | 'failed' | 'stopped' | 'running' | 'preview';
export type ActionStatus = 'ok' | 'failed' | 'skipped' | 'would';

/** Automation is an automation as stored: its draft, its published version and whether it runs. */
export interface Automation {
  id: string; workspace: string; form: string; app: string; draft: Design;
  published: number; enabled: boolean; version: number; createdAt: string; createdBy: string; updatedAt: string;
  publishedAt?: string; alert: boolean; current?: Design | null;
  /** The list's summary of the log (when the server gives it). */
  lastRun?: { status: RunStatus; startedAt: string } | null;
  failures?: number;
  summary?: RunSummary | null;
}

/** Outcome counts runs: matched ones succeeded or failed; notMatched includes conditionErrors; skipped are its own writes, stopped those loop protection stopped. */
export interface Outcome { matched: number; notMatched: number; conditionErrors: number; succeeded: number; failed: number; stopped: number; skipped: number }

/** RunSummary is an automation's runs by outcome over 24 hours and 7 days, with its last error. */
export interface RunSummary {
  automation: string; last24h: Outcome; last7d: Outcome;
  lastError?: { at: string; run?: string; event?: string; code: string; message: Record<string, string> } | null;
}

export interface AutomationVersion { automation: string; number: number; design: Design; publishedAt: string; publishedBy: string }

export interface RunError { code: string; message: Record<string, string>; fields?: { path: string; code: string }[] }

export interface ActionResult {
  index: number; kind: string; name?: string; status: ActionStatus;
  summary?: Record<string, string>; detail?: Record<string, unknown>; error?: RunError | null; durationMs: number;
}

/** Run is one entry of the execution log. */
export interface Run {
  id: string; workspace: string; automation: string; name: string; version: number; form: string; record?: string;
  event: string; eventType: string; trigger: TriggerType; status: RunStatus; matched: boolean; conditionError?: string;
  error?: RunError | null; actions: ActionResult[]; replay?: boolean; dryRun?: boolean; startedAt: string; durationMs: number;
}

export type Severity = 'info' | 'warning' | 'critical';
export type AlertState = 'open' | 'acknowledged' | 'resolved';

export interface Alert {
  id: string; workspace: string; rule: string; ruleName: string; form: string; record?: string; key: string;
  severity: Severity; state: AlertState; title: string; body?: string; owner?: string; level: number; notified: string[];
  raisedAt: string; acknowledgedAt?: string; acknowledgedBy?: string; resolvedAt?: string; resolvedBy?: string;
  resolution?: 'manual' | 'auto' | ''; version: number;
}

export interface AlertCount { rule: string; ruleName: string; week: string; start: string; raised: number; critical: number }

/** ActionKindInfo is an action kind the server offers: the built-in ones and those capabilities registered. */
export interface ActionKindInfo {
  kind: string; label: Record<string, string>; builtIn?: boolean;
  /** schema describes a registered kind's settings, when its capability gives one (a JSON-Schema-like object). */
  schema?: ConfigSchema | null;
}

/** ConfigSchema is the small JSON-Schema subset a registered action's settings are rendered from. */
export interface ConfigSchema {
  type?: string;
  properties?: Record<string, ConfigProp>;
  required?: string[];
}
export interface ConfigProp {
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  title?: string | Record<string, string>;
  description?: string | Record<string, string>;
  enum?: string[];
  /** format "expression" edits the value with the expression editor; "template" with the placeholder inserter. */
  format?: string;
  default?: unknown;
}

/** DryRunInput runs against a stored record, or an edited old/new pair. */
/** design, when given, is tried instead of the saved draft (the designer's unsaved edits). */
/** event holds values of the event variable's fields (event.to of a stage change, for example). */
export interface DryRunInput { record?: string; old?: Record<string, unknown> | null; new?: Record<string, unknown> | null; design?: Design; event?: Record<string, unknown> | null }

/** RunNowResult is what "run now" of a scheduled automation did: runs are keyed by the period's tick, so a period fires once. */
export interface RunNowResult {
  id: string; automation: string; tick: string; ran: number; alreadyRun: number; notMatched: number; requestedBy: string; requestedAt: string;
}

export interface ReplayInput { from: string; to: string; dryRun: boolean }

/** ReplayResult counts what a replay (or its preview) did over the events of the range. */
export interface ReplayResult {
  /** events start the automation; matched held its condition; alreadyRun were run by this version before (skipped); ran were run now, failed of them failed. */
  dryRun: boolean; events: number; matched: number; alreadyRun: number; ran: number; failed: number;
  runs: Run[]; truncated: boolean;
}

export interface ConditionCheck { type?: string; diagnostics?: Diagnostic[] }

/** EventTypeInfo is an event type an event trigger may name, as a capability declared it: its label and the event variable's fields (field → type). */
export interface EventTypeInfo { type: string; label?: Record<string, string>; fields: Record<string, string> }

/** COMMON_EVENT_FIELDS are the fields every trigger's event variable has; record triggers add changed and source. */
export const COMMON_EVENT_FIELDS = ['type', 'id', 'form', 'record', 'by'];

const enc = encodeURIComponent;

function list<T>(v: unknown): T[] {
  if (Array.isArray(v)) return v as T[];
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['items', 'automations', 'runs', 'alerts', 'counts', 'kinds', 'actions', 'versions']) if (Array.isArray(o[k])) return o[k] as T[];
  }
  return [];
}

function qs(p: Record<string, string | undefined>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v) s.set(k, v);
  const q = s.toString();
  return q ? `?${q}` : '';
}

export const automationApi = {
  formAutomations: async (form: string) => list<Automation>(await request('GET', `/forms/${enc(form)}/automations`)),
  appAutomations: async (app: string) => list<Automation>(await request('GET', `/apps/${enc(app)}/automations`)),
  create: (form: string, draft: Design) => request<Automation>('POST', `/forms/${enc(form)}/automations`, { draft }),
  get: (id: string) => request<Automation>('GET', `/automations/${enc(id)}`),
  save: (id: string, draft: Design, version: number) => request<Automation>('PUT', `/automations/${enc(id)}`, { draft, version }),
  publish: (id: string, version: number) => request<Automation>('POST', `/automations/${enc(id)}/publish`, { version }),
  setEnabled: (id: string, enabled: boolean, version: number) => request<Automation>('POST', `/automations/${enc(id)}/enabled`, { enabled, version }),
  remove: (id: string) => request<void>('DELETE', `/automations/${enc(id)}`),
  versions: async (id: string) => list<AutomationVersion>(await request('GET', `/automations/${enc(id)}/versions`)),
  /** checkExpression type-checks a condition or mapping expression in the automation's scope (old, new, changed, user, now, and event typed for the trigger). */
  checkExpression: (form: string, expression: string, kind: 'condition' | 'value', signal?: AbortSignal, trigger?: Trigger) =>
    request<ConditionCheck>('POST', `/forms/${enc(form)}/automations/expressions/check`, trigger ? { expression, kind, trigger } : { expression, kind }, { signal }),
  actionKinds: async () => list<ActionKindInfo>(await request('GET', '/automation-actions')),
  eventTypes: async () => list<EventTypeInfo>(await request('GET', '/automation-events')),
  summary: (id: string) => request<RunSummary>('GET', `/automations/${enc(id)}/summary`),
  runs: async (id: string, q: { status?: string; cursor?: string } = {}) => list<Run>(await request('GET', `/automations/${enc(id)}/runs${qs(q)}`)),
  recordRuns: async (form: string, record: string) => list<Run>(await request('GET', `/forms/${enc(form)}/records/${enc(record)}/automation-runs`)),
  dryRun: (id: string, b: DryRunInput) => request<Run>('POST', `/automations/${enc(id)}/dry-run`, b),
  replay: (id: string, b: ReplayInput) => request<ReplayResult>('POST', `/automations/${enc(id)}/replay`, b),
  /** runNow runs a published, enabled scheduled automation (or alert rule) at once, as its current period's tick. */
  runNow: (id: string) => request<RunNowResult>('POST', `/automations/${enc(id)}/run-now`),
  alerts: async (q: { rule?: string; severity?: string; state?: string; owner?: string; form?: string; record?: string } = {}) =>
    list<Alert>(await request('GET', `/alerts${qs(q)}`)),
  acknowledge: (id: string, version: number) => request<Alert>('POST', `/alerts/${enc(id)}/acknowledge`, { version }),
  resolve: (id: string, version: number) => request<Alert>('POST', `/alerts/${enc(id)}/resolve`, { version }),
  alertCounts: async (q: { weeks?: string } = {}) => list<AlertCount>(await request('GET', `/alerts/counts${qs(q)}`)),
};

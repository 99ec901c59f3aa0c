// Types and client of the approval-flow API, mirroring docs/workflows.md
// ("Approval flows") and engine/workflow: a form's flows with their drafts
// and published versions, instances, and the task inbox.
import { request, uploadFile } from './client';
import type { FieldAccess, FieldError, FormRecord, StoredFile } from './types';

/** NodeKind is what a node of a flow does. */
export type NodeKind = 'start' | 'end' | 'approver' | 'handler' | 'cc' | 'condition' | 'parallel' | 'join';

/** AssigneeKind names how a node's people are found. */
export type AssigneeKind = 'users' | 'role' | 'head' | 'field' | 'initiator_choice' | 'initiator';

/** Assignee names who approves or handles a node (a list of them is united). */
export interface Assignee {
  kind: AssigneeKind;
  users?: string[];
  role?: string;
  /** head: 1 = the head of the initiator's department, 2 = of its parent, … */
  level?: number;
  field?: string;
}

export type DueAction = 'remind' | 'auto_approve' | 'auto_return' | 'escalate';

/** Due is a node's deadline: a duration (Go syntax, "24h") or a date field of the record, and what happens then. */
export interface Due { after?: string; field?: string; action: DueAction; escalateTo?: Assignee[] }

/** TaskActionName is an action a node may offer its assignees. */
export type TaskActionName = 'approve' | 'reject' | 'return' | 'transfer' | 'add' | 'cc';

/** FlowNode is one step of a flow; which settings apply depends on kind. */
export interface FlowNode {
  id: string;
  kind: NodeKind;
  name: string;
  position?: { x: number; y: number };
  assignees?: Assignee[];
  /** approver: any one (或签), all (会签), a vote (票签) or one after another (依次审批); handler: any, all or sequence. */
  mode?: 'any' | 'all' | 'vote' | 'sequence';
  /** vote: the fraction of the assignees that must approve, 0 < t ≤ 1. */
  threshold?: number;
  /** per-field access of the node's assignees; a field not named is view. */
  fields?: Record<string, FieldAccess>;
  actions?: TaskActionName[];
  /** edit fields that must hold a value before the assignee approves (submits). */
  required?: string[];
  due?: Due | null;
  /** parallel: the join node its branches meet at. */
  join?: string;
}

/** FlowEdge links two nodes; out of a condition node it carries its condition, or is the default. */
export interface FlowEdge { id: string; from: string; to: string; condition?: string; default?: boolean; priority?: number; label?: string }

/** Design is a flow's graph. */
export interface Design { nodes: FlowNode[]; edges: FlowEdge[] }

/** Fallback applies when nobody resolves for a node. */
export type Fallback = 'admins' | 'auto_approve';

/** Flow is one approval flow of a form. */
export interface Flow {
  id: string; form: string; app: string; name: string; description: string;
  startOnCreate: boolean; fallback: Fallback; enabled: boolean;
  draft: Design;
  /** the newest published version, 0 if none. */
  published: number;
  version: number;
  createdAt: string; updatedAt: string;
}

/** FlowInput creates a flow or replaces its draft and settings (version: the one read, for saves). */
export interface FlowInput { name: string; description?: string; startOnCreate: boolean; fallback: Fallback; enabled?: boolean; draft: Design; version?: number }

/** FlowVersion is one published, immutable version. */
export interface FlowVersion {
  flow: string; version: number; formVersion: number; name?: string; fallback?: Fallback; startOnCreate?: boolean;
  design?: Design; publishedAt: string; publishedBy: string;
}

/** NodeProblem is one validation problem, with the node (or edge) it belongs to. */
export interface NodeProblem { node?: string; edge?: string; code: string; message: string }

export type TaskStatus = 'pending' | 'waiting' | 'approved' | 'rejected' | 'returned' | 'transferred' | 'escalated' | 'cancelled' | 'cc';

/** Task is one person's piece of work at a node of an instance. */
export interface Task {
  id: string; instance: string; flow: string; flowName?: string; form: string; record: string;
  node: string; nodeName: string; kind: 'approve' | 'handle' | 'resubmit' | 'cc';
  assignee: string; initiator: string; status: TaskStatus;
  createdAt: string; decidedAt?: string | null; dueAt?: string | null;
  comment?: string; signature?: StoredFile | null; read?: boolean; version: number;
}

export type InboxBox = 'todo' | 'done' | 'cc' | 'started';

export interface InboxCounts { todo: number; done: number; cc: number; ccUnread?: number; started: number }

export type InstanceStatus = 'running' | 'approved' | 'rejected' | 'withdrawn' | 'ended';

/** TimelineEntry is one step of an instance's story. */
export interface TimelineEntry {
  at: string;
  kind: 'started' | 'node_entered' | 'decided' | 'returned' | 'transferred' | 'added' | 'cc' | 'auto' | 'escalated' | 'reminded'
    | 'withdrawn' | 'ended' | 'reactivated' | 'completed' | string;
  node?: string; nodeName?: string; user?: string; action?: string; comment?: string;
  signature?: StoredFile | null; task?: string; to?: string[] | null; target?: string;
}

/** Instance is one run of a flow over a record. */
export interface Instance {
  id: string; flow: string; flowVersion: number; flowName?: string; form: string; record: string;
  status: InstanceStatus; initiator: string; active?: string[] | null;
  startedAt: string; endedAt?: string | null; version: number;
  timeline?: TimelineEntry[] | null; tasks?: Task[] | null;
}

/** TaskDetail is an open task: the record masked per the node, its field access and what the user may do now. */
export interface TaskDetail {
  task: Task; record: FormRecord; fields: Record<string, FieldAccess>; actions: TaskActionName[];
  returnTargets: { node: string; name: string }[]; instance: Instance;
}

/** Decision is the body of a task action. */
export interface Decision {
  comment?: string; signature?: StoredFile | null; fields?: Record<string, unknown>;
  node?: string; to?: string; users?: string[]; position?: 'before' | 'after';
}

/** ValidateResult is the answer of a validation. */
export interface ValidateResult { valid: boolean; errors?: FieldError[] | null }

const enc = encodeURIComponent;

function items<T>(v: unknown): T[] {
  if (Array.isArray(v)) return v as T[];
  const o = v as { items?: T[] } | null;
  return o?.items ?? [];
}

export const flows = {
  list: async (form: string) => items<Flow>(await request('GET', `/forms/${enc(form)}/flows`)),
  create: (form: string, b: FlowInput) => request<Flow>('POST', `/forms/${enc(form)}/flows`, b),
  get: (id: string) => request<Flow>('GET', `/flows/${enc(id)}`),
  save: (id: string, b: FlowInput) => request<Flow>('PUT', `/flows/${enc(id)}`, b),
  validate: (id: string, draft: Design) => request<ValidateResult>('POST', `/flows/${enc(id)}/validate`, { draft }),
  /** publish publishes the stored draft (save first). */
  publish: (id: string) => request<FlowVersion>('POST', `/flows/${enc(id)}/publish`),
  versions: async (id: string) => items<FlowVersion>(await request('GET', `/flows/${enc(id)}/versions`)),
  version: (id: string, n: number) => request<FlowVersion>('GET', `/flows/${enc(id)}/versions/${n}`),
  start: (id: string, record: string, choices?: Record<string, string[]>) => request<Instance>('POST', `/flows/${enc(id)}/start`, { record, choices }),

  instances: async (form: string, record: string) => items<Instance>(await request('GET', `/forms/${enc(form)}/records/${enc(record)}/approvals`)),
  instance: (id: string) => request<Instance>('GET', `/approvals/${enc(id)}`),
  withdraw: (id: string, comment?: string) => request<Instance>('POST', `/approvals/${enc(id)}/withdraw`, { comment }),
  end: (id: string, comment?: string) => request<Instance>('POST', `/approvals/${enc(id)}/end`, { comment }),
  reactivate: (id: string, comment?: string) => request<Instance>('POST', `/approvals/${enc(id)}/reactivate`, { comment }),

  inbox: async <T = Task>(box: InboxBox, cursor?: string): Promise<{ items: T[]; nextCursor?: string }> => {
    const p = await request<{ items?: T[]; nextCursor?: string }>('GET', `/tasks?box=${box}&limit=50${cursor ? `&cursor=${enc(cursor)}` : ''}`);
    return { items: p?.items ?? [], nextCursor: p?.nextCursor || undefined };
  },
  counts: () => request<InboxCounts>('GET', '/tasks/counts'),
  task: (id: string) => request<TaskDetail>('GET', `/tasks/${enc(id)}`),
  act: (id: string, action: TaskActionName | 'read', d: Decision = {}) => request<unknown>('POST', `/tasks/${enc(id)}/${action}`, d),
  batchApprove: async (tasks: string[], comment?: string) =>
    (await request<{ results?: { task: string; ok: boolean; error?: { code: string; message: string } }[] }>('POST', '/tasks/batch-approve', { tasks, comment })).results ?? [],
};

/** uploadSignature stores a drawn signature as a file and answers the reference a decision carries. */
export async function uploadSignature(png: Blob): Promise<StoredFile> {
  const f = await uploadFile(new File([png], 'signature.png', { type: 'image/png' }));
  return { id: f.id, name: f.name, size: f.size, contentType: f.contentType };
}

/** INBOX_CHANGED is the window event the inbox fires after a decision, so the nav count refreshes. */
export const INBOX_CHANGED = 'formloom:inbox-changed';

// Types of the HTTP API (/api/v1), mirroring the engine's JSON shapes
// (engine/app.go, engine/form.go, engine/form/form.go, engine/publish.go,
// engine/record.go, engine/record_read.go, engine/file.go, engine/member.go,
// engine/department.go, engine/workspace.go, engine/store/filter.go).

export type FieldType =
  | 'text' | 'textarea' | 'richtext' | 'number' | 'money' | 'percent' | 'rating'
  | 'date' | 'datetime' | 'select' | 'multiselect' | 'boolean' | 'email' | 'phone' | 'url'
  | 'user' | 'users' | 'department' | 'departments' | 'relation' | 'lookup' | 'subform'
  | 'serial' | 'address' | 'location' | 'attachment' | 'image' | 'signature' | 'formula';

export interface Option { value: string; label: string; color?: string }

export interface Serial { prefix?: string; datePart?: '' | 'YYYY' | 'YYYYMM' | 'YYYYMMDD'; width?: number; reset?: 'never' | 'day' | 'month' | 'year' }

export interface FieldDef {
  key: string;
  type: FieldType;
  label: string;
  description?: string;
  required?: boolean;
  unique?: boolean;
  indexed?: boolean;
  default?: unknown;
  defaultExpression?: string;
  visibleWhen?: string;
  requiredWhen?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  min?: number;
  max?: number;
  precision?: number;
  options?: Option[];
  /** radio/checkbox/dropdown for selects; number/money/percent/text: how a formula's result is shown. */
  display?: 'radio' | 'checkbox' | 'dropdown' | 'number' | 'money' | 'percent' | 'text' | '';
  currency?: string;
  form?: string;
  displayField?: string;
  multiple?: boolean;
  relation?: string;
  lookupField?: string;
  live?: boolean;
  fields?: FieldDef[];
  serial?: Serial;
  expression?: string;
  maxFiles?: number;
  maxFileBytes?: number;
  accept?: string[];
}

export interface SubmitRule { expression: string; message: Record<string, string>; field?: string }

export interface Definition { fields: FieldDef[]; columns?: number; submitRules?: SubmitRule[] }

export interface App {
  id: string; name: string; description: string; icon?: string;
  /** formOrder is the order of the app's forms (ids) its admins or its template set; the forms list comes in it. */
  formOrder?: string[];
  version: number; createdAt: string; updatedAt: string;
}

export interface Form {
  id: string; app: string; name: string; description: string; draft: Definition;
  published: number; version: number; createdAt: string; updatedAt: string;
}

export interface Change { kind: 'added' | 'removed' | 'changed' | 'restored'; field: string; props?: string[]; from?: string; to?: string }

export interface VersionInfo {
  number: number; definition: Definition; archived: FieldDef[] | null; changes: Change[] | null;
  publishedBy: string; publishedAt: string;
}

export type RecordData = Record<string, unknown>;

export interface FormRecord {
  id: string; version: number; formVersion: number; data: RecordData;
  createdAt: string; createdBy: string; updatedAt: string; updatedBy: string; deletedAt?: string;
  /** ownedBy is the record's owner (a user id): the creator unless transferred. */
  ownedBy?: string;
}

export type Op =
  | 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'nin' | 'exists' | 'empty'
  | 'contains' | 'startsWith' | 'containsAny' | 'containsAll' | 'between';

export interface Filter { and?: Filter[]; or?: Filter[]; not?: Filter; field?: string; op?: Op; value?: unknown }

export interface SortKey { field: string; desc?: boolean }

export interface RecordQuery {
  filter?: Filter; sort?: SortKey[]; limit?: number; cursor?: string; total?: boolean;
  /** Recycle bin: "only" lists deleted records (server extension, see docs). */
  deleted?: 'only' | 'include';
}

export interface RecordPage { items: FormRecord[]; nextCursor?: string; total?: number }

export interface HistoryChange { field: string; old?: unknown; new?: unknown }

export interface HistoryEntry {
  id: string; record: string; version: number; action: string; actor: string; actorName: string;
  source: string; formVersion: number; at: string; changes: HistoryChange[];
}

export interface FileInfo { id: string; name: string; size: number; contentType: string; sha256?: string; createdAt?: string; createdBy?: string }

export interface StoredFile { id: string; name: string; size: number; contentType: string }

export type Role = 'admin' | 'member';

export interface User { id: string; email: string; name: string; disabled?: boolean; role?: Role; departments?: string[]; version?: number; memberId?: string; memberVersion?: number; memberDisabled?: boolean;
  /** roles are the workspace roles (ids) the member holds; adminApps the apps they administer. */
  roles?: string[]; adminApps?: string[] }

/** UserAdded answers adding someone by email: the same whether an account was created or its owner invited. */
export interface UserAdded { email: string; role: Role; departments: string[] }

/** Invitation is a pending invitation of the signed-in account to join a workspace. */
export interface Invitation { id: string; workspace: string; workspaceName: string; inviterName: string; role: Role; createdAt: string }

export interface Department { id: string; name: string; parent?: string; /** heads are the user ids of the department's heads (负责人). */ heads?: string[]; version: number }

export interface Workspace { id: string; name: string; timeZone: string; language: string; version: number; createdAt: string; role?: Role }

export interface Me { user: User; workspace?: Workspace | null; role?: Role; authMethod?: 'session' | 'token'; workspaces?: Workspace[];
  /** Apps the signed-in member administers (when the server says). */
  adminApps?: string[]; roles?: string[] }

export type Scope = 'read' | 'write' | 'admin';

export interface TokenInfo { id: string; name: string; workspace: string; scopes: Scope[]; createdAt: string; expiresAt?: string }

export interface TokenCreated extends TokenInfo { token: string }

export interface BulkItem { id: string; ok: boolean; error?: { code: string; message: string } }

export interface BulkResult { items: BulkItem[]; succeeded: number; failed: number }

/** Diagnostic is one expression problem: message is in the request's language and starts with the position; key and params are its message code. */
export interface Diagnostic { line: number; column: number; message: string; code: string; key?: string; params?: Record<string, unknown> }

export interface ExpressionResult { type?: string; diagnostics?: Diagnostic[] }

export interface FieldError { path: string; code: string; message: string }

export interface ErrorBody { error: { code: string; message: string; fields?: FieldError[] } }

export interface Address { province?: string; city?: string; district?: string; detail?: string }
export interface Location { lat?: number; lng?: number; text?: string }
export interface Money { amount: number | string | null; currency: string }

/** ImportReport answers an import or its dry run. */
export interface ImportReport {
  format: string;
  rows: number;
  created: number;
  dryRun: boolean;
  skipAutomations: boolean;
  valid: boolean;
  columns: { index: number; header: string; field?: string; ignored?: boolean; reason?: string; message?: string }[];
  errors: { row: number; column: string; path: string; code: string; message: string }[];
  errorsTruncated?: boolean;
  ids?: string[];
}

/** JobConsumer is an outbox consumer of the instance (Background work screen). */
export interface JobConsumer {
  name: string; position: number; lagEvents: number; lagCapped?: boolean; lagSeconds: number;
  state: 'running' | 'elsewhere' | 'idle'; deadLetters?: number; handled?: number; failures?: number; panics?: number;
}
/** JobQueue is a store queue with its depth. */
export interface JobQueue { name: string; depth: number }
/** JobDeadLetter is an event of the workspace a consumer failed to handle. */
export interface JobDeadLetter {
  id: string; consumer: string; eventId: string; eventType?: string; collection?: string; docId?: string; eventAt?: string;
  attempts: number; lastError: string; failedAt?: string;
}
/** JobRetryResult: ok, or the kept dead letter with its new error. */
export interface JobRetryResult { ok: boolean; deadLetter?: JobDeadLetter }
/** JobTaskDeadLetter is a timer, one-off job or schedule tick of the workspace that failed its last attempt. */
export interface JobTaskDeadLetter {
  id: string; job: string; kind: 'timer' | 'schedule' | 'job'; timer?: string; schedule?: string; tick?: string; dueAt?: string;
  attempts: number; lastError: string; failedAt: string; payload?: Record<string, unknown>;
}
/** JobTaskRetryResult: the dead task is queued again, due now. */
export interface JobTaskRetryResult { queued: boolean }

// Permissions (docs/permissions.md; engine/permission.go).

/** WorkspaceRole is a named role of the workspace (销售, 财务…) that members hold. */
export interface WorkspaceRole { id: string; name: string; description: string; version: number }

/** RecordAction is an action a permission set may grant, in the order the editor shows them. */
export const RECORD_ACTIONS = ['record.view', 'record.create', 'record.edit', 'record.delete', 'record.restore',
  'record.import', 'record.export', 'record.bulk_edit', 'record.history', 'record.transfer'] as const;
export type RecordAction = (typeof RECORD_ACTIONS)[number];

export type FieldAccess = 'edit' | 'view' | 'hidden';

export type Preset = 'submit_only' | 'manage_own' | 'add_view_all' | 'view_all' | 'manage_all' | 'custom';
export const PRESETS: Exclude<Preset, 'custom'>[] = ['submit_only', 'manage_own', 'add_view_all', 'view_all', 'manage_all'];

export interface Grant { kind: 'everyone' | 'role' | 'department' | 'member'; id?: string }

export interface PermissionSet {
  id: string; name: string; preset: Preset; actions: RecordAction[];
  fieldDefault: FieldAccess; fields: Record<string, FieldAccess>; rows: Filter | null; grants: Grant[];
}

/** FormPermissions are a form's sets; configured false: nobody configured it, the one default set applies. */
export interface FormPermissions { form: string; configured: boolean; sets: PermissionSet[]; version: number }

/** EffectivePermission is what the signed-in member may do on a form (GET /forms/{id}/permissions/me). */
export interface EffectivePermission { form: string; actions: RecordAction[]; fields: Record<string, FieldAccess>; manage: boolean }

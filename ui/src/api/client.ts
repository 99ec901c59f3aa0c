import type {
  App, BulkResult, Definition, Department, ErrorBody, ExpressionResult, FieldError, FileInfo, Form, FormRecord,
  EffectivePermission, FormPermissions, HistoryEntry, ImportReport, Invitation, JobConsumer, JobDeadLetter, JobQueue, JobRetryResult, JobTaskDeadLetter, JobTaskRetryResult, Me, PermissionSet, Preset, RecordData, RecordPage, RecordQuery, Role, Scope, TokenCreated, TokenInfo, User, UserAdded, VersionInfo, WorkspaceRole, Workspace,
} from './types';

/** ApiError carries the server's error shape: code, localized message, per-field problems. */
export class ApiError extends Error {
  status: number;
  code: string;
  fields: FieldError[];
  /** body is the whole decoded answer (an import's 422 carries its report there). */
  body: unknown;
  constructor(status: number, code: string, message: string, fields: FieldError[] = [], body?: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.body = body;
  }
  get isConflict(): boolean { return this.status === 409; }
  get isUnauthorized(): boolean { return this.status === 401; }
}

// The browser signs in with the server's HttpOnly session cookie only: no
// token is ever kept where page scripts could read it (localStorage, a
// readable cookie). Writes echo the CSRF cookie in X-CSRF-Token. The login
// answer still carries a token for API clients; the app ignores it.

let language = 'zh-CN';
/** setLanguage sets the Accept-Language the server localizes its messages in. */
export function setApiLanguage(l: string): void { language = l; }

let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(f: (() => void) | null): void { onUnauthorized = f; }

const BASE = '/api/v1';

/** csrfToken reads the CSRF cookie the server sets at login; cookie-authenticated writes echo it. */
export function csrfToken(): string | null {
  if (typeof document === 'undefined') return null;
  const m = /(?:^|;\s*)formloom_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]) : null;
}

export interface RequestOptions { signal?: AbortSignal; raw?: boolean }

export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { 'Accept': 'application/json', 'Accept-Language': language };
  const form = typeof FormData !== 'undefined' && body instanceof FormData;
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = csrfToken();
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(BASE + path, {
      method, headers, body: body === undefined ? undefined : form ? body : JSON.stringify(body), signal: opts.signal,
      credentials: 'same-origin',
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', (e as Error).message);
  }
  if (opts.raw && res.ok) return { blob: await res.blob(), filename: downloadName(res.headers.get('Content-Disposition')) } as T;
  return parseResponse<T>(res);
}

/** Download is a file the server answered as an attachment. */
export interface Download { blob: Blob; filename: string }

/** downloadName reads the UTF-8 file name of a Content-Disposition (RFC 5987), else its plain one. */
export function downloadName(cd: string | null): string {
  if (!cd) return 'download';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star) { try { return decodeURIComponent(star[1]); } catch { /* fall through */ } }
  const plain = /filename="([^"]*)"/i.exec(cd);
  return plain ? plain[1] : 'download';
}

export async function parseResponse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try { json = JSON.parse(text); } catch { json = undefined; }
  }
  if (!res.ok) {
    const eb = json as ErrorBody | undefined;
    const err = eb?.error
      ? new ApiError(res.status, eb.error.code, eb.error.message, eb.error.fields ?? [], json)
      : new ApiError(res.status, 'http_' + res.status, text || res.statusText);
    if (res.status === 401 && onUnauthorized) onUnauthorized();
    throw err;
  }
  return json as T;
}

/** list accepts either a bare array or {items:[…]} (both shapes are plausible for list routes). */
function list<T>(v: unknown): T[] {
  if (Array.isArray(v)) return v as T[];
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['items', 'data', 'apps', 'forms', 'users', 'departments', 'versions', 'history', 'workspaces', 'roles', 'presets']) {
      if (Array.isArray(o[k])) return o[k] as T[];
    }
  }
  return [];
}

const enc = encodeURIComponent;

export const api = {
  // accounts
  setupStatus: async (): Promise<{ needed: boolean }> => request('GET', '/setup'),
  setup: (b: { token: string; email: string; name: string; password: string; workspace: { name: string; timeZone: string; language: string } }) =>
    request<{ user?: User }>('POST', '/setup', b),
  login: (b: { email: string; password: string }) => request<{ user: User }>('POST', '/auth/login', b),
  logout: () => request<void>('POST', '/auth/logout'),
  me: () => request<Me>('GET', '/me'),
  workspaces: async () => list<Workspace>(await request('GET', '/workspaces')),
  createWorkspace: (b: { name: string; language?: string; timeZone?: string }) => request<Workspace>('POST', '/workspaces', b),
  switchWorkspace: (workspace: string) => request<Me>('POST', '/me/workspace', { workspace }),
  myInvitations: async () => list<Invitation>(await request('GET', '/me/invitations')),
  acceptInvitation: (id: string) => request<Me>('POST', `/me/invitations/${enc(id)}/accept`),
  declineInvitation: (id: string) => request<void>('POST', `/me/invitations/${enc(id)}/decline`),
  tokens: async () => list<TokenInfo>(await request('GET', '/tokens')),
  createToken: (b: { name: string; scopes: Scope[]; expiresAt?: string }) => request<TokenCreated>('POST', '/tokens', b),
  revokeToken: (id: string) => request<void>('DELETE', `/tokens/${enc(id)}`),

  // apps
  apps: async () => list<App>(await request('GET', '/apps')),
  app: (id: string) => request<App>('GET', `/apps/${enc(id)}`),
  createApp: (b: { name: string; description?: string; icon?: string }) => request<App>('POST', '/apps', b),
  updateApp: (id: string, b: { name: string; description?: string; icon?: string; formOrder?: string[]; version: number }) =>
    request<App>('PATCH', `/apps/${enc(id)}`, b),
  deleteApp: (id: string) => request<void>('DELETE', `/apps/${enc(id)}`),

  // forms
  forms: async (app: string) => list<Form>(await request('GET', `/apps/${enc(app)}/forms`)),
  createForm: (app: string, b: { name: string; description?: string; definition: Definition }) =>
    request<Form>('POST', `/apps/${enc(app)}/forms`, b),
  form: (id: string) => request<Form>('GET', `/forms/${enc(id)}`),
  saveDraft: (id: string, b: { name: string; description?: string; definition: Definition; version: number }) =>
    request<Form>('PUT', `/forms/${enc(id)}`, b),
  publish: (id: string, version: number) => request<VersionInfo>('POST', `/forms/${enc(id)}/publish`, { version }),
  versions: async (id: string) => list<VersionInfo>(await request('GET', `/forms/${enc(id)}/versions`)),
  /** checkExpression type-checks against definition (the unsaved design) when given, else the stored draft. */
  checkExpression: (id: string, expression: string, definition?: Definition, signal?: AbortSignal) =>
    request<ExpressionResult>('POST', `/forms/${enc(id)}/expressions/check`, definition ? { expression, definition } : { expression }, { signal }),

  // records
  createRecord: (form: string, data: RecordData) => request<FormRecord>('POST', `/forms/${enc(form)}/records`, { data }),
  record: (form: string, id: string) => request<FormRecord>('GET', `/forms/${enc(form)}/records/${enc(id)}`),
  updateRecord: (form: string, id: string, data: RecordData, version: number) =>
    request<FormRecord>('PATCH', `/forms/${enc(form)}/records/${enc(id)}`, { data, version }),
  /** deleteRecords moves up to 500 records to the recycle bin, answering one result per id. */
  deleteRecords: (form: string, ids: string[]) => request<BulkResult>('POST', `/forms/${enc(form)}/records/delete`, { ids }),
  deleteRecord: (form: string, id: string, version?: number) =>
    request<void>('DELETE', `/forms/${enc(form)}/records/${enc(id)}${version ? `?version=${version}` : ''}`),
  restoreRecord: (form: string, id: string, version?: number) =>
    request<FormRecord>('POST', `/forms/${enc(form)}/records/${enc(id)}/restore${version ? `?version=${version}` : ''}`),
  history: async (form: string, id: string) => list<HistoryEntry>(await request('GET', `/forms/${enc(form)}/records/${enc(id)}/history`)),
  query: async (form: string, q: RecordQuery, signal?: AbortSignal): Promise<RecordPage> => {
    const p = await request<RecordPage>('POST', `/forms/${enc(form)}/records/query`, q, { signal });
    return { items: p?.items ?? [], nextCursor: p?.nextCursor || undefined, total: p?.total };
  },
  /** exportRecords downloads every record matching q (filter, sort, recycle bin) as CSV or Excel. */
  exportRecords: (form: string, q: RecordQuery & { format: 'csv' | 'xlsx' }) =>
    request<Download>('POST', `/forms/${enc(form)}/records/export`, q, { raw: true }),
  /** importRecords uploads a CSV or Excel file; dryRun only checks it. A refused import is an ApiError whose body.report lists the bad rows. */
  importRecords: (form: string, file: File, opts: { dryRun?: boolean; skipAutomations?: boolean } = {}) => {
    const fd = new FormData();
    fd.append('file', file, file.name);
    if (opts.dryRun) fd.append('dryRun', 'true');
    if (opts.skipAutomations) fd.append('skipAutomations', 'true');
    return request<ImportReport>('POST', `/forms/${enc(form)}/records/import`, fd);
  },

  // people
  users: async () => list<User>(await request('GET', '/users')),
  createUser: (b: { email: string; name: string; password: string; role: Role; departments: string[] }) => request<UserAdded>('POST', '/users', b),
  updateUser: (id: string, b: { role?: Role; departments?: string[]; version?: number; name?: string; disabled?: boolean; memberDisabled?: boolean }) =>
    request<User>('PATCH', `/users/${enc(id)}`, b),
  resetPassword: (id: string, password: string) => request<void>('POST', `/users/${enc(id)}/password`, { password }),
  deleteUser: (id: string) => request<void>('DELETE', `/users/${enc(id)}`),
  departments: async () => list<Department>(await request('GET', '/departments')),
  createDepartment: (b: { name: string; parent?: string }) => request<Department>('POST', '/departments', b),
  updateDepartment: (id: string, b: { name: string; parent?: string; version: number }) => request<Department>('PATCH', `/departments/${enc(id)}`, b),
  setDepartmentHeads: (id: string, b: { heads: string[]; version: number }) => request<Department>('PUT', `/departments/${enc(id)}/heads`, b),
  deleteDepartment: (id: string) => request<void>('DELETE', `/departments/${enc(id)}`),

  // roles and access (workspace admins write; every member lists roles)
  roles: async () => list<WorkspaceRole>(await request('GET', '/roles')),
  createRole: (b: { name: string; description?: string }) => request<WorkspaceRole>('POST', '/roles', b),
  updateRole: (id: string, b: { name: string; description?: string; version: number }) => request<WorkspaceRole>('PATCH', `/roles/${enc(id)}`, b),
  deleteRole: (id: string) => request<void>('DELETE', `/roles/${enc(id)}`),
  /** setMemberAccess replaces a member's roles and administered apps (id: the membership id, version: its version). */
  setMemberAccess: (memberId: string, b: { roles: string[]; adminApps: string[]; version: number }) =>
    request<unknown>('PUT', `/members/${enc(memberId)}/access`, b),

  // permission sets of a form (workspace admins and the app's admins)
  permissionPresets: async () => presetList(await request('GET', '/permission-presets')),
  formPermissions: (form: string) => request<FormPermissions>('GET', `/forms/${enc(form)}/permissions`),
  addPermissionSet: (form: string, set: Omit<PermissionSet, 'id'> & { id?: string }, version: number) =>
    request<unknown>('POST', `/forms/${enc(form)}/permissions/sets`, { set, version }),
  savePermissionSet: (form: string, set: PermissionSet, version: number) =>
    request<unknown>('PUT', `/forms/${enc(form)}/permissions/sets/${enc(set.id)}`, { set, version }),
  deletePermissionSet: (form: string, setId: string, version: number) =>
    request<unknown>('DELETE', `/forms/${enc(form)}/permissions/sets/${enc(setId)}?version=${version}`),
  /** myPermission is the signed-in member's effective permission on a published form. */
  myPermission: (form: string) => request<EffectivePermission>('GET', `/forms/${enc(form)}/permissions/me`),
  /** transferRecords gives records to another member (record.transfer), answering per record. */
  transferRecords: async (form: string, ids: string[], owner: string): Promise<BulkResult> =>
    bulkResult(await request('POST', `/forms/${enc(form)}/records/transfer`, { ids, owner })),

  // background work (admins)
  jobConsumers: async () => list<JobConsumer>(await request('GET', '/jobs/consumers')),
  jobQueues: async () => list<JobQueue>(await request('GET', '/jobs/queues')),
  deadLetters: async () => list<JobDeadLetter>(await request('GET', '/jobs/dead-letters')),
  retryDeadLetter: (id: string) => request<JobRetryResult>('POST', `/jobs/dead-letters/${enc(id)}/retry`),
  discardDeadLetter: (id: string) => request<void>('POST', `/jobs/dead-letters/${enc(id)}/discard`),
  taskDeadLetters: async () => list<JobTaskDeadLetter>(await request('GET', '/jobs/task-dead-letters')),
  retryTaskDeadLetter: (id: string) => request<JobTaskRetryResult>('POST', `/jobs/task-dead-letters/${enc(id)}/retry`),
  discardTaskDeadLetter: (id: string) => request<void>('POST', `/jobs/task-dead-letters/${enc(id)}/discard`),
};

/** FileRef names where a file is attached; the server serves an attached file only through its record. */
export interface FileRef { form: string; record: string; field: string }

/** fileURL is the address of a file: through the record and field that list it, or bare for one just uploaded (its uploader may read it). */
export function fileURL(id: string, ref?: FileRef | null): string {
  const base = `${BASE}/files/${enc(id)}`;
  return ref ? `${base}?form=${enc(ref.form)}&record=${enc(ref.record)}&field=${enc(ref.field)}` : base;
}

/** presetList reads the presets answer: a list of sets (or {items}) or a map of preset name to set. */
export function presetList(v: unknown): PermissionSet[] {
  const l = list<PermissionSet>(v);
  if (l.length > 0 || Array.isArray(v)) return l;
  if (v && typeof v === 'object') {
    return Object.entries(v as Record<string, Partial<PermissionSet>>)
      .filter(([, s]) => s && typeof s === 'object' && Array.isArray(s.actions))
      .map(([k, s]) => ({ id: '', name: '', fields: {}, grants: [], rows: null, fieldDefault: 'edit', ...s, actions: s.actions ?? [], preset: (s.preset ?? k) as Preset }));
  }
  return [];
}

/** bulkResult reads a per-record answer: {items, succeeded, failed} or a bare list of {id, ok, error}. */
export function bulkResult(v: unknown): BulkResult {
  if (v && typeof v === 'object' && !Array.isArray(v) && Array.isArray((v as BulkResult).items) && typeof (v as BulkResult).succeeded === 'number') return v as BulkResult;
  const items = list<BulkResult['items'][number]>(v).map((it) => ({ ...it, ok: it.ok ?? !it.error }));
  return { items, succeeded: items.filter((i) => i.ok).length, failed: items.filter((i) => !i.ok).length };
}

/** uploadFile posts one file as multipart form data, reporting progress (0..100). */
export function uploadFile(file: File, onProgress?: (pct: number) => void): Promise<FileInfo> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', BASE + '/files');
    xhr.setRequestHeader('Accept-Language', language);
    const csrf = csrfToken();
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(Math.round((e.loaded / e.total) * 100)); };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    xhr.onload = () => {
      const res = new Response(xhr.responseText, { status: xhr.status });
      parseResponse<FileInfo>(res).then(resolve, reject);
    };
    const fd = new FormData();
    fd.append('file', file, file.name);
    xhr.send(fd);
  });
}

// App templates (engine/template, server/routes_template.go; the contract is
// docs/templates.md): the shipped gallery, checking and installing a package
// (shipped by key, or an uploaded bundle), the installation of an app, the
// three-way upgrade preview and apply, and export as a bundle.
import { request, type Download } from './client';

/** Text is a string the server localized already, or one per language ({"zh-CN": …, "en": …}). */
export type Text = string | Record<string, string>;

/** TemplateSummary describes a template package: a shipped one, or the answer to checking a bundle. */
export interface TemplateSummary {
  key: string; version: string; name: Text; description?: Text; icon?: string; color?: string;
  /** counts holds how many items of each part the package has (forms, roles, stages, automations, dashboards…), and sampleMembers, sampleRecords. */
  counts?: Record<string, number>;
}

/** Bundle is a whole template package as one JSON document (an uploaded or exported file). */
export type Bundle = Record<string, unknown>;

/** Source names the package to install or upgrade to: a shipped template by key, or a bundle. */
export type Source = { key: string } | { bundle: Bundle };

export interface InstallOptions { sampleData: boolean; locale: string; appName?: string }
export interface InstallResult { appId: string; counts?: Record<string, number> }

/** Installation is what an app installed from a template remembers: which package, which version. */
export interface Installation {
  app?: string; key: string; version: string; name?: Text; locale?: string; installedAt?: string; upgradedAt?: string;
  /** refs maps each kind's keys to the ids installed in the app: {"forms": {"opportunity": "<form id>"}, …}. */
  refs?: Record<string, Record<string, string>>;
}

/** PlanChange is one difference an upgrade applies: a form, a field of a form, a role or a part's item added, removed or changed. */
/** PlanChange is one change an upgrade applies; op keep: a role the new version drops that stays (still granted). */
export interface PlanChange { kind: string; key: string; op: 'add' | 'remove' | 'change' | 'keep'; path?: string; detail?: Record<string, unknown> }

/** PlanConflict is a change both the admin (ours) and the new template (theirs) made to the same thing since base. */
export interface PlanConflict { id: string; kind: string; key: string; path?: string; base?: unknown; ours?: unknown; theirs?: unknown }

export interface UpgradePlan { from: string; to: string; changes: PlanChange[]; conflicts: PlanConflict[] }

export type Resolution = 'ours' | 'theirs';
export interface UpgradeResult { version: string; applied: number }

const enc = encodeURIComponent;

/** pick reads a property under its JSON name or its Go field name (From, Changes…). */
function pick<T>(o: Record<string, unknown>, name: string): T | undefined {
  const v = o[name] ?? o[name[0].toUpperCase() + name.slice(1)];
  return v as T | undefined;
}

/** planOf normalizes an upgrade preview's answer: lists never null, names in their JSON spelling. */
export function planOf(v: unknown): UpgradePlan {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const lower = (x: unknown) => {
    const r = (x && typeof x === 'object' ? x : {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(r)) out[k[0].toLowerCase() + k.slice(1)] = val;
    return out;
  };
  return {
    from: String(pick(o, 'from') ?? ''),
    to: String(pick(o, 'to') ?? ''),
    changes: (pick<unknown[]>(o, 'changes') ?? []).map((c) => lower(c) as unknown as PlanChange),
    conflicts: (pick<unknown[]>(o, 'conflicts') ?? []).map((c) => lower(c) as unknown as PlanConflict),
  };
}

export const templateApi = {
  list: async (): Promise<TemplateSummary[]> => (await request<{ templates?: TemplateSummary[] }>('GET', '/templates'))?.templates ?? [],
  /** check validates a bundle exactly as an install would, writing nothing; a refusal is an ApiError (422) with per-field problems. */
  check: async (bundle: Bundle): Promise<TemplateSummary | undefined> => (await request<{ ok: boolean; summary?: TemplateSummary }>('POST', '/templates/check', bundle))?.summary,
  install: (src: Source, o: InstallOptions) => request<InstallResult>('POST', '/templates/install', { ...src, ...o }),
  /** installed answers the app's installation, or null for an app not made from a template. */
  installed: async (app: string): Promise<Installation | null> => {
    try {
      return await request<Installation>('GET', `/apps/${enc(app)}/template`);
    } catch (e) {
      if ((e as { status?: number }).status === 404) return null;
      throw e;
    }
  },
  preview: async (app: string, src: Source): Promise<UpgradePlan> => planOf(await request('POST', `/apps/${enc(app)}/template/preview`, src)),
  upgrade: (app: string, src: Source, resolutions: Record<string, Resolution>) =>
    request<UpgradeResult>('POST', `/apps/${enc(app)}/template/upgrade`, { ...src, resolutions }),
  /** exportBundle downloads the app as a template bundle, with up to sample records of each form. */
  exportBundle: (app: string, sample: number) =>
    request<Download>('GET', `/apps/${enc(app)}/template/export${sample > 0 ? `?sample=${sample}` : ''}`, undefined, { raw: true }),
};

/** MAX_BUNDLE_BYTES is the server's body limit for bundles (8 MiB). */
export const MAX_BUNDLE_BYTES = 8 << 20;

import { useEffect, useMemo, useState } from 'react';
import { ApiError, api } from '../api/client';
import type { Definition, EffectivePermission, FieldAccess, FieldDef, RecordAction } from '../api/types';

/** Perm answers what the signed-in member may do on one form, for hiding what they cannot. */
export interface Perm {
  loaded: boolean;
  can: (a: RecordAction) => boolean;
  access: (key: string) => FieldAccess;
  manage: boolean;
}

/** permFrom wraps an effective permission; null (not known) allows everything: the server decides anyway. */
export function permFrom(p: EffectivePermission | null, loaded = true): Perm {
  if (!p) return { loaded, can: () => true, access: () => 'edit', manage: false };
  const acts = new Set(p.actions ?? []);
  // A field the answer does not name (a subform row's field, a field of a newer version) follows its parent or is editable.
  return { loaded, can: (a) => acts.has(a), access: (k) => p.fields?.[k] ?? 'edit', manage: !!p.manage };
}

/** NONE is the permission of a member the form refuses (403). */
export const NONE: EffectivePermission = { form: '', actions: [], fields: {}, manage: false };

/**
 * usePermission loads GET /forms/{id}/permissions/me. A 403 means no
 * action at all; any other failure (an older server without the route)
 * hides nothing, since the server enforces every action anyway.
 */
export function usePermission(formId: string, enabled = true): Perm {
  const [p, setP] = useState<{ id: string; perm: EffectivePermission | null } | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    api.myPermission(formId).then(
      (perm) => { if (live) setP({ id: formId, perm }); },
      (e) => { if (live) setP({ id: formId, perm: e instanceof ApiError && e.status === 403 ? NONE : null }); });
    return () => { live = false; };
  }, [formId, enabled]);
  return useMemo(() => (!p || p.id !== formId ? { ...permFrom(null, false), can: () => false } : permFrom(p.perm)), [p, formId]);
}

/** maskDefinition drops the fields the member may not see (subform row fields by their subform). */
export function maskDefinition(def: Definition, perm: Perm): Definition {
  const keep = (f: FieldDef) => perm.access(f.key) !== 'hidden';
  return { ...def, fields: def.fields.filter(keep) };
}

/** readOnlyKeys lists the fields the member sees but may not change. */
export function readOnlyKeys(def: Definition, perm: Perm): Set<string> {
  return new Set(def.fields.filter((f) => perm.access(f.key) === 'view').map((f) => f.key));
}

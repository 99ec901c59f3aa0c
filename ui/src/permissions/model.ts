import type { FieldAccess, FieldDef, Grant, PermissionSet, Preset, RecordAction } from '../api/types';
import { PRESETS, RECORD_ACTIONS } from '../api/types';

/** The actions that do not need view (docs/permissions.md). */
const WITHOUT_VIEW: ReadonlySet<RecordAction> = new Set<RecordAction>(['record.create', 'record.import']);

/**
 * toggleAction turns an action on or off the way the server requires it:
 * every action but create and import needs view, so turning one of them on
 * turns view on, and turning view off turns them off.
 */
export function toggleAction(actions: RecordAction[], a: RecordAction, on: boolean): RecordAction[] {
  const set = new Set(actions);
  if (on) {
    set.add(a);
    if (!WITHOUT_VIEW.has(a)) set.add('record.view');
  } else {
    set.delete(a);
    if (a === 'record.view') for (const x of [...set]) if (!WITHOUT_VIEW.has(x)) set.delete(x);
  }
  return RECORD_ACTIONS.filter((x) => set.has(x));
}

/** fieldAccess is a set's access to one field: its own entry, else the default. */
export function fieldAccess(s: Pick<PermissionSet, 'fields' | 'fieldDefault'>, key: string): FieldAccess {
  return s.fields[key] ?? s.fieldDefault ?? 'edit';
}

/**
 * setFieldAccess changes a field's view or edit box: edit implies view,
 * and a field that is neither viewable nor editable is hidden.
 */
export function setFieldAccess(s: PermissionSet, key: string, box: 'view' | 'edit', on: boolean): PermissionSet {
  const cur = fieldAccess(s, key);
  let next: FieldAccess;
  if (box === 'edit') next = on ? 'edit' : cur === 'hidden' ? 'hidden' : 'view';
  else next = on ? (cur === 'edit' ? 'edit' : 'view') : 'hidden';
  return { ...s, fields: { ...s.fields, [key]: next } };
}

/** withAllFields names every current field explicitly, so the grid shows what is saved. */
export function withAllFields(s: PermissionSet, fields: FieldDef[]): PermissionSet {
  const out: Record<string, FieldAccess> = {};
  for (const f of fields) out[f.key] = fieldAccess(s, f.key);
  return { ...s, fields: out };
}

/** Local copies of the server's presets, used only when it cannot be asked (GET /permission-presets answers the same). */
const own = { field: 'ownedBy', op: 'eq' as const, value: '$me' };
export const LOCAL_PRESETS: Record<Exclude<Preset, 'custom'>, Pick<PermissionSet, 'actions' | 'rows' | 'fieldDefault'>> = {
  submit_only: { actions: ['record.create'], rows: own, fieldDefault: 'edit' },
  manage_own: { actions: ['record.view', 'record.create', 'record.edit', 'record.delete', 'record.restore', 'record.history'], rows: own, fieldDefault: 'edit' },
  add_view_all: { actions: ['record.view', 'record.create', 'record.history'], rows: null, fieldDefault: 'edit' },
  view_all: { actions: ['record.view', 'record.history', 'record.export'], rows: null, fieldDefault: 'view' },
  manage_all: { actions: [...RECORD_ACTIONS], rows: null, fieldDefault: 'edit' },
};

/** newSetFrom builds an unsaved set from a preset (the server's answer when given). */
export function newSetFrom(preset: Exclude<Preset, 'custom'>, name: string, fromServer?: Partial<PermissionSet>): PermissionSet {
  const base = fromServer && Array.isArray(fromServer.actions) ? fromServer : LOCAL_PRESETS[preset];
  return {
    id: '', name, preset, actions: [...(base.actions ?? [])], rows: base.rows ?? null,
    fieldDefault: base.fieldDefault ?? 'edit', fields: { ...(fromServer?.fields ?? {}) }, grants: [],
  };
}

/** presetOf names the preset a set still matches after editing, else custom. */
export function presetOf(s: PermissionSet): Preset {
  for (const p of PRESETS) {
    const l = LOCAL_PRESETS[p];
    const sameActions = l.actions.length === s.actions.length && l.actions.every((a) => s.actions.includes(a));
    const sameRows = JSON.stringify(l.rows) === JSON.stringify(s.rows ?? null);
    const sameFields = Object.values(s.fields).every((f) => f === l.fieldDefault) && (s.fieldDefault ?? 'edit') === l.fieldDefault;
    if (sameActions && sameRows && sameFields) return p;
  }
  return 'custom';
}

/** grantsOf splits a set's grants by kind for the editor's pickers. */
export function grantsOf(grants: Grant[]): { everyone: boolean; roles: string[]; departments: string[]; members: string[] } {
  const ids = (k: Grant['kind']) => grants.filter((g) => g.kind === k && g.id).map((g) => g.id!);
  return { everyone: grants.some((g) => g.kind === 'everyone'), roles: ids('role'), departments: ids('department'), members: ids('member') };
}

/** grantsFrom joins the pickers back into grants. */
export function grantsFrom(g: { everyone: boolean; roles: string[]; departments: string[]; members: string[] }): Grant[] {
  return [
    ...(g.everyone ? [{ kind: 'everyone' as const }] : []),
    ...g.roles.map((id) => ({ kind: 'role' as const, id })),
    ...g.departments.map((id) => ({ kind: 'department' as const, id })),
    ...g.members.map((id) => ({ kind: 'member' as const, id })),
  ];
}

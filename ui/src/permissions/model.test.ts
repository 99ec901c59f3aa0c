import { describe, expect, it } from 'vitest';
import type { PermissionSet } from '../api/types';
import { fieldAccess, grantsFrom, grantsOf, newSetFrom, presetOf, setFieldAccess, toggleAction, withAllFields } from './model';
import { maskDefinition, permFrom, readOnlyKeys } from './usePermission';
import { bulkResult, fileURL, presetList } from '../api/client';

const set = (p: Partial<PermissionSet> = {}): PermissionSet => ({ id: 's', name: '', preset: 'custom', actions: [], fieldDefault: 'edit', fields: {}, rows: null, grants: [], ...p });

describe('toggleAction', () => {
  it('turns view on with an action that needs it, not with create or import', () => {
    expect(toggleAction([], 'record.edit', true)).toEqual(['record.view', 'record.edit']);
    expect(toggleAction([], 'record.create', true)).toEqual(['record.create']);
    expect(toggleAction(['record.import'], 'record.create', true)).toEqual(['record.create', 'record.import']);
  });
  it('turns the actions needing view off with view, keeping create and import', () => {
    expect(toggleAction(['record.view', 'record.create', 'record.edit', 'record.export', 'record.import'], 'record.view', false))
      .toEqual(['record.create', 'record.import']);
  });
});

describe('field access', () => {
  it('edit implies view; neither is hidden', () => {
    let s = set({ fieldDefault: 'view' });
    expect(fieldAccess(s, 'a')).toBe('view');
    s = setFieldAccess(s, 'a', 'edit', true);
    expect(s.fields.a).toBe('edit');
    s = setFieldAccess(s, 'a', 'edit', false);
    expect(s.fields.a).toBe('view');
    s = setFieldAccess(s, 'a', 'view', false);
    expect(s.fields.a).toBe('hidden');
    s = setFieldAccess(s, 'a', 'edit', true);
    expect(s.fields.a).toBe('edit');
    s = setFieldAccess(s, 'a', 'view', false);
    expect(s.fields.a).toBe('hidden');
    s = setFieldAccess(s, 'a', 'edit', false);
    expect(s.fields.a).toBe('hidden');
  });
  it('names every current field', () => {
    const s = withAllFields(set({ fieldDefault: 'view', fields: { b: 'hidden' } }), [{ key: 'a', type: 'text', label: 'A' }, { key: 'b', type: 'text', label: 'B' }]);
    expect(s.fields).toEqual({ a: 'view', b: 'hidden' });
  });
});

describe('presets', () => {
  it('builds manage_own with the owner row filter, and tells a changed set is custom', () => {
    const s = newSetFrom('manage_own', '添加并管理本人数据');
    expect(s.rows).toEqual({ field: 'ownedBy', op: 'eq', value: '$me' });
    expect(s.actions).toContain('record.edit');
    expect(presetOf({ ...s, fields: { a: 'edit' } })).toBe('manage_own');
    expect(presetOf({ ...s, fields: { a: 'hidden' } })).toBe('custom');
    expect(presetOf({ ...s, rows: null })).toBe('custom');
  });
  it('prefers the server answer', () => {
    const s = newSetFrom('view_all', 'x', { actions: ['record.view'], fieldDefault: 'view', rows: null });
    expect(s.actions).toEqual(['record.view']);
  });
  it('reads the presets answer as a list, {items} or a map', () => {
    expect(presetList([{ preset: 'view_all', actions: ['record.view'] }])[0].preset).toBe('view_all');
    expect(presetList({ items: [{ preset: 'manage_all', actions: [] }] })[0].preset).toBe('manage_all');
    const m = presetList({ manage_own: { actions: ['record.view'], fieldDefault: 'edit', rows: null } });
    expect(m[0]).toMatchObject({ preset: 'manage_own', actions: ['record.view'] });
  });
});

describe('grants', () => {
  it('round-trips through the pickers', () => {
    const g = [{ kind: 'everyone' as const }, { kind: 'role' as const, id: 'r1' }, { kind: 'department' as const, id: 'd1' }, { kind: 'member' as const, id: 'u1' }];
    expect(grantsOf(g)).toEqual({ everyone: true, roles: ['r1'], departments: ['d1'], members: ['u1'] });
    expect(grantsFrom(grantsOf(g))).toEqual(g);
  });
});

describe('effective permission', () => {
  const def = { fields: [{ key: 'a', type: 'text' as const, label: 'A' }, { key: 'b', type: 'text' as const, label: 'B' }, { key: 'c', type: 'text' as const, label: 'C' }] };
  it('hides and disables by field, allows by action', () => {
    const p = permFrom({ form: 'f', actions: ['record.view'], fields: { a: 'edit', b: 'view', c: 'hidden' }, manage: false });
    expect(p.can('record.view')).toBe(true);
    expect(p.can('record.export')).toBe(false);
    expect(maskDefinition(def, p).fields.map((f) => f.key)).toEqual(['a', 'b']);
    expect([...readOnlyKeys(def, p)]).toEqual(['b']);
  });
  it('allows everything when the server did not say', () => {
    const p = permFrom(null);
    expect(p.can('record.delete')).toBe(true);
    expect(maskDefinition(def, p).fields).toHaveLength(3);
  });
});

describe('client helpers', () => {
  it('links files through their record', () => {
    expect(fileURL('f 1')).toBe('/api/v1/files/f%201');
    expect(fileURL('f1', { form: 'F', record: 'R', field: 'docs' })).toBe('/api/v1/files/f1?form=F&record=R&field=docs');
  });
  it('reads per-record results in either shape', () => {
    expect(bulkResult({ items: [{ id: 'a', ok: true }], succeeded: 1, failed: 0 }).succeeded).toBe(1);
    const r = bulkResult({ items: [{ id: 'a' }, { id: 'b', error: { code: 'not_found', message: 'x' } }] });
    expect([r.succeeded, r.failed]).toEqual([1, 1]);
  });
});

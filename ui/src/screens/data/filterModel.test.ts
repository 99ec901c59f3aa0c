import { describe, expect, it } from 'vitest';
import { countConditions, emptyGroup, filterFields, fromFilter, isPlaceholder, rowFilterFields, toFilter, updateNode, type Group } from './filterModel';
import type { FieldDef } from '../../api/types';

const g = (logic: 'and' | 'or', items: Group['items']): Group => ({ kind: 'group', id: Math.random(), logic, items });
let id = 1000;
const c = (field: string, op: Group['items'][number] extends infer T ? T extends { op: infer O } ? O : never : never, value?: unknown) => ({ kind: 'cond' as const, id: id++, field, op, value });

describe('toFilter', () => {
  it('is undefined when nothing is finished', () => {
    expect(toFilter(emptyGroup())).toBeUndefined();
    expect(toFilter(g('and', [c('stage', 'eq')]))).toBeUndefined();
    expect(toFilter(g('and', [c('tags', 'in', [])]))).toBeUndefined();
    expect(toFilter(g('and', [c('amount', 'between', [1, null])]))).toBeUndefined();
  });
  it('builds the API filter JSON with nested groups', () => {
    const tree = g('and', [
      c('stage', 'eq', 'won'),
      g('or', [c('amount.amount', 'between', [100, 200]), c('owner', 'empty', true)]),
      c('name', 'contains', ''),
    ]);
    expect(toFilter(tree)).toEqual({ and: [
      { field: 'stage', op: 'eq', value: 'won' },
      { or: [{ field: 'amount.amount', op: 'between', value: [100, 200] }, { field: 'owner', op: 'empty', value: true }] },
    ] });
    expect(countConditions(tree)).toBe(3);
  });
  it('keeps a single condition bare, and or-groups as or', () => {
    expect(toFilter(g('and', [c('a', 'exists', false)]))).toEqual({ field: 'a', op: 'exists', value: false });
    expect(toFilter(g('or', [c('a', 'gt', 1)]))).toEqual({ or: [{ field: 'a', op: 'gt', value: 1 }] });
  });
  it('edits and removes nodes by id', () => {
    const a = c('a', 'eq', 1); const b = c('b', 'eq', 2);
    const tree = g('and', [a, g('or', [b])]);
    const removed = updateNode(tree, b.id, () => null);
    expect(toFilter(removed)).toEqual({ field: 'a', op: 'eq', value: 1 });
  });
});

describe('filterFields', () => {
  it('offers fields with their operators and the record properties, money by amount', () => {
    const fields: FieldDef[] = [
      { key: 'deal', type: 'money', label: 'Deal' }, { key: 'tags', type: 'multiselect', label: 'Tags' },
      { key: 'files', type: 'attachment', label: 'Files' }, { key: 'items', type: 'subform', label: 'Items' },
    ];
    const ff = filterFields(fields, { createdAt: 'C', updatedAt: 'U', createdBy: 'CB', updatedBy: 'UB' });
    expect(ff.map((f) => f.path)).toEqual(['deal.amount', 'tags', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy']);
    expect(ff[0].ops).toContain('between');
    expect(ff[1].ops).toEqual(['containsAny', 'containsAll', 'empty', 'exists']);
  });
  it('offers "me" on member fields', () => {
    const ff = filterFields([{ key: 'rep', type: 'user', label: 'Rep' }, { key: 'n', type: 'text', label: 'N' }], { createdAt: 'C', updatedAt: 'U', createdBy: 'CB', updatedBy: 'UB' });
    const by = (p: string) => ff.find((f) => f.path === p)!;
    expect(by('rep').placeholders).toEqual(['$me']);
    expect(by('createdBy').placeholders).toEqual(['$me']);
    expect(by('n').placeholders).toBeUndefined();
  });
});

describe('row filters of permission sets', () => {
  it('offer the owner and placeholders on user and department paths', () => {
    const ff = rowFilterFields([{ key: 'rep', type: 'user', label: 'Rep' }, { key: 'dep', type: 'department', label: 'Dep' }, { key: 'n', type: 'text', label: 'N' }],
      { ownedBy: 'O', createdAt: 'C', updatedAt: 'U', createdBy: 'CB', updatedBy: 'UB' });
    const by = (p: string) => ff.find((f) => f.path === p)!;
    expect(ff[0].path).toBe('ownedBy');
    expect(by('ownedBy').placeholders).toEqual(['$me', '$myDepartments', '$myDepartmentsAndBelow']);
    expect(by('createdBy').placeholders).toHaveLength(3);
    expect(by('rep').placeholders).toHaveLength(3);
    expect(by('dep').placeholders).toEqual(['$myDepartments', '$myDepartmentsAndBelow']);
    expect(by('n').placeholders).toBeUndefined();
    expect(by('createdAt').placeholders).toBeUndefined();
  });
  it('take a placeholder as the whole list of an "in"', () => {
    expect(toFilter(g('or', [c('ownedBy', 'eq', '$me'), c('ownedBy', 'in', '$myDepartmentsAndBelow')]))).toEqual({ or: [
      { field: 'ownedBy', op: 'eq', value: '$me' }, { field: 'ownedBy', op: 'in', value: '$myDepartmentsAndBelow' }] });
    expect(isPlaceholder('$me')).toBe(true);
    expect(isPlaceholder('$other')).toBe(false);
  });
  it('read a saved filter back into the builder', () => {
    const f = { and: [{ field: 'ownedBy', op: 'eq' as const, value: '$me' }, { or: [{ field: 'n', op: 'contains' as const, value: 'x' }, { field: 'a', op: 'gt' as const, value: 1 }] }] };
    const tree = fromFilter(f)!;
    expect(toFilter(tree)).toEqual(f);
    expect(toFilter(fromFilter({ field: 'ownedBy', op: 'eq', value: '$me' })!)).toEqual({ field: 'ownedBy', op: 'eq', value: '$me' });
    expect(fromFilter(null)!.items).toEqual([]);
    expect(fromFilter({ not: { field: 'a', op: 'eq', value: 1 } })).toBeNull();
  });
});

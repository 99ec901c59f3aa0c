import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../../api/types';
import { orderGroups } from './totals';

const stage = { key: 'stage', type: 'select', label: '阶段', options: [{ value: 'new', label: '新建' }, { value: 'won', label: '赢单' }] } as FieldDef;

describe('orderGroups', () => {
  it('puts a select field\'s groups in option order, old values after them, the empty group last', () => {
    const groups = [{ keys: [null] }, { keys: ['won'] }, { keys: ['gone'] }, { keys: ['new'] }];
    expect(orderGroups(stage, groups).map((g) => g.keys[0])).toEqual(['new', 'won', 'gone', null]);
  });
  it('keeps the server\'s order of other fields, with the empty group last', () => {
    const owner = { key: 'owner', type: 'user', label: '负责人' } as FieldDef;
    const groups = [{ keys: [''] }, { keys: ['u2'] }, { keys: ['u1'] }];
    expect(orderGroups(owner, groups).map((g) => g.keys[0])).toEqual(['u2', 'u1', '']);
  });
});

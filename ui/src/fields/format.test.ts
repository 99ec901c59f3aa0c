import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../api/types';
import { formatValue } from './format';

const t = (k: string) => k;
const industry: FieldDef = { key: 'industry', type: 'select', label: '行业', options: [{ value: 'finance', label: '金融' }, { value: 'retail', label: '零售' }] };
const owner: FieldDef = { key: 'owner', type: 'user', label: '负责人' };
const lookup = (key: string): FieldDef => ({ key, type: 'lookup', label: key, relation: 'customer', lookupField: key });

describe('formatValue of a lookup', () => {
  const ctx = { users: [{ id: 'u1', name: '张伟' }], departments: [], t, lookups: new Map([['customer_industry', industry], ['customer_owner', owner]]) } as unknown as Parameters<typeof formatValue>[2];

  it('shows the related field\'s option label and member name, not the stored value', () => {
    expect(formatValue(lookup('customer_industry'), 'finance', ctx)).toBe('金融');
    expect(formatValue(lookup('customer_industry'), ['finance', 'retail'], ctx)).toBe('金融, 零售');
    expect(formatValue(lookup('customer_owner'), 'u1', ctx)).toBe('张伟');
  });

  it('shows the value as is while the source is unknown', () => {
    expect(formatValue(lookup('customer_industry'), 'finance', { ...ctx, lookups: undefined })).toBe('finance');
    expect(formatValue(lookup('other'), 'x', ctx)).toBe('x');
  });
});

import { describe, expect, it } from 'vitest';
import type { Definition } from '../../api/types';
import { formatFormula } from '../../fields/format';
import { liveFormulas } from './liveFormulas';

const def: Definition = {
  fields: [
    { key: 'amount', type: 'money', label: '金额' },
    { key: 'probability', type: 'number', label: '赢率' },
    // reads a formula defined after it
    { key: 'label', type: 'formula', label: '说明', expression: 'IF(expected > 5000, "大单", "小单")' },
    { key: 'expected', type: 'formula', label: '预计', expression: 'amount * probability / 100', display: 'money', currency: 'CNY' },
    { key: 'rate', type: 'formula', label: '比例', expression: 'probability / 100', display: 'percent' },
    { key: 'later', type: 'formula', label: '今天', expression: 'TODAY()' },
  ],
} as Definition;

describe('liveFormulas', () => {
  it('computes in dependency order with money as its amount', () => {
    const got = liveFormulas(def, { amount: { amount: 12000, currency: 'CNY' }, probability: 50 });
    expect(got).toEqual({ expected: 6000, label: '大单', rate: 0.5 });
  });
  it('is empty where the server stores nothing, and leaves out what it cannot evaluate', () => {
    const got = liveFormulas(def, { amount: null, probability: 50 });
    expect(got.expected).toBeNull();
    expect(got.label).toBeNull();
    expect('later' in got).toBe(false);
  });
  it('formats results like their display', () => {
    const t = (k: string) => k;
    const ctx = { users: [], departments: [], t };
    expect(formatFormula(def.fields[3], 6000, ctx)).toBe('CNY 6,000.00');
    expect(formatFormula(def.fields[4], 0.5, ctx)).toBe('50%');
    expect(formatFormula({ key: 'x', type: 'formula', label: 'x' }, 1234.5, ctx)).toBe('1234.5');
    expect(formatFormula({ key: 'x', type: 'formula', label: 'x', display: 'number' }, 1234.5, ctx)).toBe('1,234.5');
    expect(formatFormula({ key: 'x', type: 'formula', label: 'x' }, true, ctx)).toBe('common.yes');
  });
});

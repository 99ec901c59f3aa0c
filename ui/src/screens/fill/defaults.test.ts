import { describe, expect, it } from 'vitest';
import type { Definition } from '../../api/types';
import { fieldDefaults } from './defaults';

describe('fieldDefaults', () => {
  it('starts the fill form with the design defaults, and nothing for fields without one', () => {
    const def = {
      fields: [
        { key: 'status', type: 'select', label: '状态', required: true, default: 'new', options: [{ value: 'new', label: '新线索' }] },
        { key: 'qty', type: 'number', label: '数量', default: 0 },
        { key: 'when', type: 'datetime', label: '时间', defaultExpression: 'now' },
        { key: 'name', type: 'text', label: '名称' },
      ],
    } as Definition;
    expect(fieldDefaults(def)).toEqual({ status: 'new', qty: 0 });
  });
});

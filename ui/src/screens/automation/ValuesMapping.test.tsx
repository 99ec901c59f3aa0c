import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import i18n from '../../i18n';
import type { FieldDef } from '../../api/types';
import { ValuesMapping } from './ActionsEditor';
import type { Values } from './model';

vi.mock('../../api/client', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/client')>()),
  api: { checkExpression: vi.fn().mockResolvedValue({ type: 'text' }) } }));
vi.mock('../../api/automation', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../api/automation')>()),
  automationApi: { checkExpression: vi.fn().mockResolvedValue({ type: 'text' }) } }));

const deal: FieldDef[] = [
  { key: 'title', type: 'text', label: '名称' },
  { key: 'amount', type: 'money', label: '金额' },
  { key: 'customer', type: 'text', label: '客户' },
];
const contract: FieldDef[] = [
  { key: 'name', type: 'text', label: '名称', required: true },
  { key: 'amount', type: 'money', label: '金额' },
  { key: 'no', type: 'serial', label: '编号' },
  { key: 'signed', type: 'date', label: '签订日期' },
];

function Harness({ onChange }: { onChange: (v: Values) => void }) {
  const [v, setV] = useState<Values>({});
  return <ValuesMapping formId="deals" own={deal} target={contract} value={v} path="actions[0].config"
    errs={(p) => (p === 'actions[0].config.values.amount' ? 'unknown name x' : undefined)} onChange={(n) => { setV(n); onChange(n); }} />;
}

describe('the field mapping', () => {
  it('maps the target fields this form shares by key or label, never computed ones, and shows a mapping error on its row', async () => {
    await i18n.changeLanguage('zh-CN');
    const onChange = vi.fn();
    render(<Harness onChange={onChange} />);
    fireEvent.click(screen.getByTestId('map-same'));
    expect(onChange).toHaveBeenLastCalledWith({ name: 'new.title', amount: 'new.amount' });
    expect(screen.getByTestId('map-name')).toBeTruthy();
    expect(screen.queryByTestId('map-no')).toBeNull();
    expect(screen.getByTestId('err-actions[0].config.values.amount').textContent).toBe('unknown name x');
    fireEvent.change(screen.getByTestId('map-expr-name'), { target: { value: 'new.customer + " 合同"' } });
    expect(onChange).toHaveBeenLastCalledWith({ name: 'new.customer + " 合同"', amount: 'new.amount' });
  });
});

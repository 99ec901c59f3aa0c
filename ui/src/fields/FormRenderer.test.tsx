import { describe, expect, it } from 'vitest';
import { act, render, screen, fireEvent } from '@testing-library/react';
import { Form } from 'antd';
import type { Definition, FieldDef } from '../api/types';
import { FIELD_TYPES, newField } from './catalog';
import { FormRenderer, inputData, rowDefaults, visibleFields } from './FormRenderer';
import '../i18n';

function Harness({ def, initial }: { def: Definition; initial?: Record<string, unknown> }) {
  const [form] = Form.useForm();
  return <FormRenderer def={def} form={form} initialValues={initial} />;
}

describe('FormRenderer', () => {
  it('renders a control for every field type', () => {
    const fields: FieldDef[] = [];
    for (const t of FIELD_TYPES) {
      const f = newField(t, `L_${t}`, fields.map((x) => x.key));
      if (t === 'subform') f.fields = [newField('text', 'Row text', [])];
      fields.push(f);
    }
    render(<Harness def={{ fields, columns: 2 }} />);
    for (const t of FIELD_TYPES) expect(screen.getByText(`L_${t}`), t).toBeTruthy();
  });

  it('shows and hides a field as its rule changes', async () => {
    const def: Definition = { fields: [
      { key: 'stage', type: 'text', label: 'Stage' },
      { key: 'reason', type: 'text', label: 'Lost reason', visibleWhen: 'stage == "lost"' },
    ] };
    const { container } = render(<Harness def={def} />);
    expect(screen.queryByText('Lost reason')).toBeNull();
    const input = container.querySelector('#stage') as HTMLInputElement;
    await act(async () => { fireEvent.change(input, { target: { value: 'lost' } }); });
    expect(screen.getByText('Lost reason')).toBeTruthy();
  });

  it('adds and removes subform rows', async () => {
    const def: Definition = { fields: [{ key: 'items', type: 'subform', label: 'Items', fields: [{ key: 'name', type: 'text', label: 'Item' }] }] };
    render(<Harness def={def} />);
    await act(async () => { fireEvent.click(screen.getByTestId('add-row-items')); });
    await act(async () => { fireEvent.click(screen.getByTestId('add-row-items')); });
    expect(screen.getAllByTestId('subform-row-items').length).toBe(2);
  });

  it('starts a new subform row with its columns\' defaults and gives each cell a test id', async () => {
    const def: Definition = { fields: [{ key: 'items', type: 'subform', label: 'Items', fields: [
      { key: 'name', type: 'text', label: 'Item' }, { key: 'qty', type: 'number', label: 'Qty', default: 1 },
      { key: 'unit', type: 'text', label: 'Unit', default: '套' }, { key: 'total', type: 'formula', label: 'Total', expression: 'qty', default: 9 },
    ] }] };
    let form: ReturnType<typeof Form.useForm>[0] | undefined;
    function Capture() {
      const [f] = Form.useForm();
      form = f;
      return <FormRenderer def={def} form={f} />;
    }
    render(<Capture />);
    await act(async () => { fireEvent.click(screen.getByTestId('add-row-items')); });
    expect(form!.getFieldValue(['items', 0])).toEqual({ qty: 1, unit: '套' });
    expect(screen.getByTestId('field-items.0.qty')).toBeTruthy();
    expect(screen.getByTestId('field-items.0.name')).toBeTruthy();
  });
});

describe('rowDefaults', () => {
  it('takes design defaults, never a computed column\'s', () => {
    expect(rowDefaults([{ key: 'a', type: 'number', label: 'A', default: 0 }, { key: 'b', type: 'text', label: 'B' }, { key: 'f', type: 'formula', label: 'F', default: 1 }])).toEqual({ a: 0 });
  });
});

describe('inputData', () => {
  const def: Definition = { fields: [
    { key: 'a', type: 'text', label: 'A' }, { key: 'n', type: 'serial', label: 'No' }, { key: 'f', type: 'formula', label: 'F', expression: '1' },
    { key: 'h', type: 'text', label: 'H', visibleWhen: 'a == "x"' },
    { key: 'rows', type: 'subform', label: 'Rows', fields: [{ key: 'q', type: 'number', label: 'Q' }, { key: 't', type: 'formula', label: 'T' }] },
  ] };
  it('sends visible writable fields only', () => {
    expect(inputData(def, { a: 'y', n: 'NO-1', f: 3, h: 'hidden', rows: [{ id: 'r1', q: 2, t: 4 }] })).toEqual({ a: 'y', rows: [{ id: 'r1', q: 2 }] });
    expect(visibleFields(def, { a: 'x' }).map((f) => f.key)).toContain('h');
  });
  it('sends only changed fields on edit, clearing with null', () => {
    expect(inputData(def, { a: null, rows: [{ id: 'r1', q: 2 }] }, { a: 'y', rows: [{ id: 'r1', q: 2 }] })).toEqual({ a: null });
  });
});

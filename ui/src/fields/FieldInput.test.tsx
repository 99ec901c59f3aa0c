import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { act, render, screen, fireEvent } from '@testing-library/react';
import { Form } from 'antd';
import type { Definition } from '../api/types';
import { TEXTAREA_MAX_LENGTH, TEXT_MAX_LENGTH } from './catalog';
import { FormRenderer } from './FormRenderer';
import i18n from '../i18n';

function Harness({ def }: { def: Definition }) {
  const [form] = Form.useForm();
  return <FormRenderer def={def} form={form} />;
}

describe('FieldInput', () => {
  it('shows the length limit of text fields with a counter, the default one too', async () => {
    await i18n.changeLanguage('en');
    const { container } = render(<Harness def={{ fields: [
      { key: 'a', type: 'text', label: 'A' },
      { key: 'b', type: 'text', label: 'B', maxLength: 20 },
      { key: 'c', type: 'textarea', label: 'C' },
    ] }} />);
    expect(screen.getByText(`0 / ${TEXT_MAX_LENGTH}`)).toBeTruthy();
    expect(screen.getByText(`0 / ${TEXTAREA_MAX_LENGTH}`)).toBeTruthy();
    const b = container.querySelector('#b') as HTMLInputElement;
    // An emoji is one character, as the server counts.
    await act(async () => { fireEvent.change(b, { target: { value: '华为😀' } }); });
    expect(screen.getByText('3 / 20')).toBeTruthy();
  });

  it('uses the same default limits as the server', () => {
    const src = (f: string) => readFileSync(join(__dirname, '../../../engine/field', f), 'utf8');
    expect(src('field_text.go')).toContain(`DefaultTextMaxLength = ${TEXT_MAX_LENGTH}`);
    expect(src('field_textarea.go')).toContain(`DefaultTextareaMaxLength = ${TEXTAREA_MAX_LENGTH}`);
  });

  it('says so when a typed date does not exist, instead of dropping it silently', async () => {
    await i18n.changeLanguage('en');
    const { container } = render(<Harness def={{ fields: [{ key: 'd', type: 'date', label: 'D' }] }} />);
    const input = container.querySelector('#d') as HTMLInputElement;
    await act(async () => {
      fireEvent.mouseDown(input); fireEvent.focus(input);
      fireEvent.change(input, { target: { value: '2026-02-30' } });
      fireEvent.blur(input);
    });
    expect(screen.getByTestId('date-invalid').textContent).toBe('“2026-02-30” is not a valid date (YYYY-MM-DD)');
    await act(async () => {
      fireEvent.focus(input);
      fireEvent.change(input, { target: { value: '2026-02-28' } });
      fireEvent.blur(input);
    });
    expect(screen.queryByTestId('date-invalid')).toBeNull();
  });
});

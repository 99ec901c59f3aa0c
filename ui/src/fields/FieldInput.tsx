import { lazy, Suspense, useState } from 'react';
import { Checkbox, DatePicker, Input, InputNumber, Radio, Rate, Select, Space, Switch, Tag, TreeSelect, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import { useTranslation } from 'react-i18next';
import type { FieldDef, Location, Money } from '../api/types';
import { CURRENCIES, TEXTAREA_MAX_LENGTH, TEXT_MAX_LENGTH } from './catalog';
import { departmentTree, useDirectory } from './directory';
import { AddressInput } from './controls/AddressInput';
import { RelationPicker } from './controls/RelationPicker';
import { FileInput } from './controls/FileInput';
import { formatValue } from './format';

dayjs.extend(customParseFormat);

const RichText = lazy(() => import('./controls/RichText'));

export interface InputProps<T = unknown> { field: FieldDef; value?: T; onChange?: (v: T | null) => void; disabled?: boolean; id?: string }

function MoneyInput({ field, value, onChange, disabled, id }: InputProps<Money>) {
  const cur = value?.currency || field.currency || 'CNY';
  const amount = value?.amount === null || value?.amount === undefined || value?.amount === '' ? null : Number(value.amount);
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Select style={{ width: 90 }} value={cur} disabled={disabled || !!field.currency} options={CURRENCIES.map((c) => ({ value: c, label: c }))}
        onChange={(c) => onChange?.(amount === null ? null : { amount, currency: c })} />
      <InputNumber id={id} style={{ width: '100%' }} value={amount} precision={field.precision ?? 2} min={field.min} max={field.max} disabled={disabled}
        onChange={(n) => onChange?.(n === null ? null : { amount: Number(n), currency: cur })} />
    </Space.Compact>
  );
}

function LocationInput({ value, onChange, disabled }: InputProps<Location>) {
  const { t } = useTranslation();
  const v = value ?? {};
  const emit = (n: Location) => {
    const empty = (n.lat === undefined || n.lat === null) && (n.lng === undefined || n.lng === null) && !n.text;
    onChange?.(empty ? null : n);
  };
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Input style={{ width: '50%' }} placeholder={t('fill.placeName')} value={v.text} disabled={disabled} onChange={(e) => emit({ ...v, text: e.target.value || undefined })} />
      <InputNumber style={{ width: '25%' }} placeholder={t('fill.lat')} min={-90} max={90} value={v.lat} disabled={disabled} onChange={(n) => emit({ ...v, lat: n ?? undefined })} />
      <InputNumber style={{ width: '25%' }} placeholder={t('fill.lng')} min={-180} max={180} value={v.lng} disabled={disabled} onChange={(n) => emit({ ...v, lng: n ?? undefined })} />
    </Space.Compact>
  );
}

/**
 * charCount shows "12 / 200" under a text box and stops typing at max. It
 * counts code points, as the server does (an emoji is one character, not two).
 */
function charCount(max: number) {
  return {
    show: true, max,
    strategy: (txt: string) => [...txt].length,
    exceedFormatter: (txt: string, { max: m }: { max: number }) => [...txt].slice(0, m).join(''),
  };
}

/**
 * DateInput is a date picker that says so when the typed text is no date
 * ("2026-02-30"): the picker alone would drop it without a word.
 */
function DateInput({ id, format, showTime, value, disabled, onChange }: {
  id?: string; format: string; showTime?: boolean; value: Dayjs | null; disabled?: boolean; onChange: (d: Dayjs | null) => void;
}) {
  const { t } = useTranslation();
  const [bad, setBad] = useState<string | null>(null);
  const check = (text: string) => {
    const s = text.trim();
    setBad(s !== '' && !dayjs(s, format, true).isValid() ? s : null);
  };
  return (
    <>
      <DatePicker id={id} style={{ width: '100%' }} format={format} showTime={showTime ? { format: 'HH:mm' } : undefined} value={value} disabled={disabled}
        status={bad ? 'error' : undefined}
        onBlur={(e) => check((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => { if (e.key === 'Enter') check((e.target as HTMLInputElement).value); }}
        onChange={(d) => { setBad(null); onChange(d); }} />
      {bad !== null && <Typography.Text type="danger" role="alert" data-testid="date-invalid">{t('validation.date', { value: bad, format })}</Typography.Text>}
    </>
  );
}

/** FieldInput is the control of one field type, used inside an antd Form.Item. */
export function FieldInput(props: InputProps) {
  const { field: f, value, onChange, disabled, id } = props;
  const { t } = useTranslation();
  const dir = useDirectory();
  const set = (v: unknown) => onChange?.(v === '' || v === undefined ? null : v);
  switch (f.type) {
    case 'text':
      return <Input id={id} value={(value as string) ?? ''} count={charCount(f.maxLength ?? TEXT_MAX_LENGTH)} disabled={disabled} onChange={(e) => set(e.target.value)} />;
    case 'email':
      return <Input id={id} type="email" value={(value as string) ?? ''} disabled={disabled} onChange={(e) => set(e.target.value)} />;
    case 'phone':
      return <Input id={id} type="tel" value={(value as string) ?? ''} disabled={disabled} onChange={(e) => set(e.target.value)} />;
    case 'url':
      return <Input id={id} type="url" placeholder="https://" value={(value as string) ?? ''} disabled={disabled} onChange={(e) => set(e.target.value)} />;
    case 'textarea':
      return <Input.TextArea id={id} rows={3} value={(value as string) ?? ''} count={charCount(f.maxLength ?? TEXTAREA_MAX_LENGTH)} disabled={disabled} onChange={(e) => set(e.target.value)} />;
    case 'richtext':
      return <Suspense fallback={<Input.TextArea rows={4} disabled />}><RichText value={value as string} onChange={set} readOnly={disabled} /></Suspense>;
    case 'number':
      return <InputNumber id={id} style={{ width: '100%' }} value={value as number} min={f.min} max={f.max} precision={f.precision} disabled={disabled} onChange={set} />;
    case 'percent':
      return <InputNumber id={id} style={{ width: '100%' }} suffix="%" disabled={disabled}
        value={value === null || value === undefined ? null : Math.round(Number(value) * 100 * 1e6) / 1e6}
        min={f.min !== undefined ? f.min * 100 : undefined} max={f.max !== undefined ? f.max * 100 : undefined} precision={f.precision}
        onChange={(n) => set(n === null ? null : Number(n) / 100)} />;
    case 'money':
      return <MoneyInput {...(props as InputProps<Money>)} />;
    case 'rating':
      return <Rate count={f.max ?? 5} value={(value as number) ?? 0} disabled={disabled} onChange={(n) => set(n || null)} />;
    case 'date':
      return <DateInput id={id} format="YYYY-MM-DD" value={value ? dayjs(String(value)) : null} disabled={disabled}
        onChange={(d) => set(d ? d.format('YYYY-MM-DD') : null)} />;
    case 'datetime':
      return <DateInput id={id} showTime format="YYYY-MM-DD HH:mm" value={value ? dayjs(String(value)) : null} disabled={disabled}
        onChange={(d) => set(d ? d.toISOString() : null)} />;
    case 'select': {
      const opts = (f.options ?? []).map((o) => ({ value: o.value, label: o.color ? <Tag color={o.color}>{o.label}</Tag> : o.label, plain: o.label }));
      if (f.display === 'radio') {
        return <Radio.Group value={value} disabled={disabled} onChange={(e) => set(e.target.value)}>
          {(f.options ?? []).map((o) => <Radio key={o.value} value={o.value}>{o.label}</Radio>)}
        </Radio.Group>;
      }
      return <Select id={id} allowClear value={value ?? undefined} disabled={disabled} options={opts} optionFilterProp="plain" showSearch onChange={set} style={{ width: '100%' }} />;
    }
    case 'multiselect': {
      if (f.display === 'checkbox') {
        return <Checkbox.Group value={(value as string[]) ?? []} disabled={disabled} onChange={(v) => set(v.length ? v : null)}
          options={(f.options ?? []).map((o) => ({ value: o.value, label: o.label }))} />;
      }
      return <Select id={id} mode="multiple" allowClear value={(value as string[]) ?? []} disabled={disabled} style={{ width: '100%' }}
        options={(f.options ?? []).map((o) => ({ value: o.value, label: o.label }))} onChange={(v: string[]) => set(v.length ? v : null)} />;
    }
    case 'boolean':
      return <Switch id={id} checked={value === true} disabled={disabled} onChange={(c) => set(c)} />;
    case 'user': case 'users':
      return <Select id={id} allowClear showSearch optionFilterProp="label" mode={f.type === 'users' ? 'multiple' : undefined} disabled={disabled} style={{ width: '100%' }}
        placeholder={t('fill.pickMember')} value={(value as string | string[]) ?? (f.type === 'users' ? [] : undefined)} loading={!dir.loaded}
        options={dir.users.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }))}
        onChange={(v) => set(Array.isArray(v) && v.length === 0 ? null : v)} />;
    case 'department': case 'departments':
      return <TreeSelect id={id} allowClear showSearch treeNodeFilterProp="title" multiple={f.type === 'departments'} disabled={disabled} style={{ width: '100%' }}
        placeholder={t('fill.pickDepartment')} value={(value as string | string[]) ?? undefined} treeData={departmentTree(dir.departments)} treeDefaultExpandAll
        onChange={(v) => set(Array.isArray(v) && v.length === 0 ? null : v)} />;
    case 'relation':
      return <RelationPicker field={f} value={value as string | string[] | null} onChange={set} disabled={disabled} />;
    case 'address':
      return <AddressInput value={value as never} onChange={set} disabled={disabled} />;
    case 'location':
      return <LocationInput {...(props as InputProps<Location>)} />;
    case 'attachment': case 'image': case 'signature':
      return <FileInput field={f} value={value as never} onChange={set} disabled={disabled} />;
    case 'formula': case 'serial': case 'lookup':
      return <Typography.Text type="secondary" data-testid={`computed-${f.key}`}>
        {value === null || value === undefined ? t('fill.computed') : formatValue(f, value, { users: dir.users, departments: dir.departments, t })}
      </Typography.Text>;
    default:
      return <Input value={String(value ?? '')} disabled />;
  }
}

import { useContext } from 'react';
import { Button, Card, Form, Space, Typography } from 'antd';
import type { FormInstance } from 'antd';
import type { Rule } from 'antd/es/form';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Definition, FieldDef } from '../api/types';
import { evalCondition } from '../expr/evaluate';
import { COMPUTED } from './catalog';
import { FieldInput } from './FieldInput';
import { exprVars } from './format';
import { usePhone } from '../util/usePhone';
import { FileRefContext } from './fileRef';

const WIDE = new Set(['textarea', 'richtext', 'subform', 'attachment', 'image', 'address', 'location']);

function isBlank(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** clientRules mirror the server's checks so users see problems early; the server still decides. */
export function clientRules(f: FieldDef, required: boolean, t: (k: string, o?: Record<string, unknown>) => string): Rule[] {
  const rules: Rule[] = [];
  if (required) rules.push({ validator: (_, v) => (isBlank(v) ? Promise.reject(new Error(t('validation.required'))) : Promise.resolve()) });
  if (['text', 'textarea'].includes(f.type)) {
    if (f.minLength) rules.push({ min: f.minLength, message: t('validation.minLength', { count: f.minLength }) });
    if (f.maxLength) rules.push({ max: f.maxLength, message: t('validation.maxLength', { count: f.maxLength }) });
    if (f.pattern) {
      try { rules.push({ pattern: new RegExp(f.pattern), message: t('validation.pattern') }); } catch { /* the server checks RE2 syntax */ }
    }
  }
  if (f.type === 'email') rules.push({ type: 'email', message: t('validation.email') });
  if (f.type === 'url') rules.push({ type: 'url', message: t('validation.url') });
  return rules;
}

function FieldItem({ f, name, values, t, width, readOnly }: { f: FieldDef; name: (string | number)[]; values: Record<string, unknown>; t: (k: string, o?: Record<string, unknown>) => string; width?: boolean; readOnly?: boolean }) {
  const required = !!f.required || evalCondition(f.requiredWhen, values, false);
  if (f.type === 'subform') return <SubformItem f={f} name={name} t={t} readOnly={readOnly} />;
  // A field the member may see but not change is shown disabled, and is never required of them.
  return (
    <Form.Item name={name} label={f.label} tooltip={f.description || undefined} required={required && !COMPUTED.has(f.type) && !readOnly}
      rules={COMPUTED.has(f.type) || readOnly ? [] : clientRules(f, required, t)} className={width ? 'full' : undefined}
      data-testid={`field-${name.join('.')}`} data-readonly={readOnly ? 'true' : undefined}>
      <FieldInput field={f} disabled={readOnly || undefined} />
    </Form.Item>
  );
}

/**
 * rowDefaults are a new subform row's starting values: each column's design
 * default, as the server fills it in for a row that leaves it out (a quote
 * line's quantity 1). Expression defaults stay the server's.
 */
export function rowDefaults(cols: FieldDef[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of cols) if (c.default !== undefined && c.default !== null && !COMPUTED.has(c.type)) out[c.key] = c.default;
  return out;
}

function SubformItem({ f, name, t, readOnly }: { f: FieldDef; name: (string | number)[]; t: (k: string, o?: Record<string, unknown>) => string; readOnly?: boolean }) {
  const cols = f.fields ?? [];
  const phone = usePhone();
  const fileRef = useContext(FileRefContext);
  return (
    <FileRefContext.Provider value={fileRef ? { ...fileRef, field: f.key } : null}>
    <Form.Item label={f.label} required={f.required} className="full" tooltip={f.description || undefined} data-testid={`field-${f.key}`}>
      <Form.List name={name} rules={f.required ? [{ validator: async (_, rows) => { if (!rows || rows.length === 0) throw new Error(t('validation.required')); } }] : []}>
        {(rows, { add, remove }, { errors }) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            {rows.map((row, i) => (
              <Card key={row.key} size="small" data-testid={`subform-row-${f.key}`}
                title={<Typography.Text type="secondary">{t('fill.row', { n: i + 1 })}</Typography.Text>}
                extra={!readOnly && <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('fill.removeRow')} onClick={() => remove(row.name)} />}>
                <div className="fl-form-grid" style={{ gridTemplateColumns: `repeat(${phone ? 1 : Math.min(cols.length || 1, 3)}, minmax(0, 1fr))` }}>
                  {cols.map((c) => (
                    <Form.Item key={c.key} name={[row.name, c.key]} label={c.label} required={!!c.required && !readOnly} rules={COMPUTED.has(c.type) || readOnly ? [] : clientRules(c, !!c.required, t)}
                      data-testid={`field-${[...name, i, c.key].join('.')}`}>
                      <FieldInput field={c} disabled={readOnly || undefined} />
                    </Form.Item>
                  ))}
                </div>
              </Card>
            ))}
            {!readOnly && <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(rowDefaults(cols))} data-testid={`add-row-${f.key}`}>{t('fill.addRow')}</Button>}
            <Form.ErrorList errors={errors} />
          </Space>
        )}
      </Form.List>
    </Form.Item>
    </FileRefContext.Provider>
  );
}

/** visibleFields lists the fields whose show/hide rule passes for values (the client-side subset). */
export function visibleFields(def: Definition, values: Record<string, unknown>): FieldDef[] {
  const vars = exprVars(def.fields, values);
  return def.fields.filter((f) => evalCondition(f.visibleWhen, vars, true));
}

/**
 * FormRenderer lays out a form definition in its columns with one control
 * per field; show/hide and required-if rules follow the values as the user types.
 */
export function FormRenderer({ def, form, disabled, onValuesChange, initialValues, readOnly }: {
  def: Definition; form: FormInstance; disabled?: boolean; initialValues?: Record<string, unknown>;
  onValuesChange?: (all: Record<string, unknown>) => void;
  /** readOnly names the fields the member may see but not change (their permission). */
  readOnly?: ReadonlySet<string>;
}) {
  const { t } = useTranslation();
  // A phone gets one column whatever the design says.
  const phone = usePhone();
  const cols = phone ? 1 : Math.min(Math.max(def.columns ?? 1, 1), 4);
  return (
    <Form form={form} layout="vertical" disabled={disabled} initialValues={initialValues}
      onValuesChange={(_, all) => onValuesChange?.(all as Record<string, unknown>)}>
      <Form.Item noStyle shouldUpdate>
        {() => {
          const values = form.getFieldsValue(true) as Record<string, unknown>;
          const vars = exprVars(def.fields, values);
          return (
            <div className="fl-form-grid" style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))` }}>
              {visibleFields(def, values).map((f) => (
                <FieldItem key={f.key} f={f} name={[f.key]} values={vars} t={t} width={WIDE.has(f.type) && cols > 1} readOnly={readOnly?.has(f.key)} />
              ))}
            </div>
          );
        }}
      </Form.Item>
    </Form>
  );
}

/** inputData picks the values a write sends: visible, writable fields (changed ones only when base is given), never read-only ones. */
export function inputData(def: Definition, values: Record<string, unknown>, base?: Record<string, unknown>, readOnly?: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of visibleFields(def, values)) {
    if (COMPUTED.has(f.type) || readOnly?.has(f.key)) continue;
    let v = values[f.key];
    if (f.type === 'subform' && Array.isArray(v)) {
      v = v.map((row: Record<string, unknown>) => {
        const r: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(row ?? {})) if (x !== undefined && x !== null && x !== '') r[k] = x;
        for (const c of f.fields ?? []) if (COMPUTED.has(c.type)) delete r[c.key];
        return r;
      });
      if ((v as unknown[]).length === 0) v = null;
    }
    if (v === undefined) v = null;
    if (base) {
      if (JSON.stringify(base[f.key] ?? null) === JSON.stringify(v)) continue;
      out[f.key] = v;
    } else if (v !== null) out[f.key] = v;
  }
  return out;
}

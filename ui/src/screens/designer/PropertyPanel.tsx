import { useEffect, useState } from 'react';
import { Button, Checkbox, Collapse, ColorPicker, Divider, Form, Input, InputNumber, Popconfirm, Radio, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { FieldDef, FieldType, Form as FormT, Option } from '../../api/types';
import { COMPUTED, CURRENCIES, SUBFORM_TYPES, newField, allKeys } from '../../fields/catalog';
import { FieldInput } from '../../fields/FieldInput';
import { ExpressionInput, type CheckFn } from './ExpressionInput';
import { clean, keyProblem } from './model';
import { AUTO_VALUE, loadPinyin, nextColor, optionValue, type PinyinFn } from './optionValue';

const LIMITS_TEXT: FieldType[] = ['text', 'textarea'];
const LIMITS_NUM: FieldType[] = ['number', 'money', 'percent'];
const HAS_DEFAULT: FieldType[] = ['text', 'textarea', 'number', 'money', 'percent', 'rating', 'date', 'datetime', 'select', 'multiselect', 'boolean', 'email', 'phone', 'url', 'user', 'users', 'department', 'departments'];

export interface PanelContext {
  siblings: FieldDef[];
  forms: FormT[];
  check: CheckFn;
  nested?: boolean;
}

/** targetFields loads the fields of a relation's target form (published version, else draft). */
export function useTargetFields(formId: string | undefined): FieldDef[] {
  const [fields, setFields] = useState<FieldDef[]>([]);
  useEffect(() => {
    if (!formId) { setFields([]); return; }
    let live = true;
    void api.form(formId).then(async (f) => {
      let defFields = f.draft?.fields ?? [];
      if (f.published) {
        const vs = await api.versions(formId).catch(() => []);
        const latest = vs.reduce<(typeof vs)[number] | null>((a, v) => (!a || v.number > a.number ? v : a), null);
        if (latest) defFields = latest.definition.fields;
      }
      if (live) setFields(defFields);
    }).catch(() => { if (live) setFields([]); });
    return () => { live = false; };
  }, [formId]);
  return fields;
}

function OptionsEditor({ value, onChange }: { value: Option[]; onChange: (o: Option[]) => void }) {
  const { t } = useTranslation();
  const [py, setPy] = useState<PinyinFn | undefined>();
  useEffect(() => { let live = true; void loadPinyin().then((f) => { if (live) setPy(() => f); }).catch(() => undefined); return () => { live = false; }; }, []);
  // Options added here follow their label until their value is edited by hand;
  // values of options that may already be stored are never changed silently.
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const taken = (i: number) => value.filter((_, j) => j !== i).map((o) => o.value);
  const setLabel = (i: number, label: string) => onChange(value.map((x, j) => (j === i
    ? { ...x, label, value: fresh.has(i) ? optionValue(label, taken(i), py) : x.value } : x)));
  const fromLabels = () => onChange(value.map((x, i) => (AUTO_VALUE.test(x.value)
    ? { ...x, value: optionValue(x.label, value.filter((_, j) => j !== i).map((o) => o.value), py) } : x)));
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('exprEditor.valueHint')}</Typography.Text>
      {value.map((o, i) => (
        <Space.Compact key={i} style={{ width: '100%' }}>
          <ColorPicker size="small" allowClear value={o.color ?? null} data-testid={`option-color-${i}`}
            onClear={() => onChange(value.map((x, j) => (j === i ? { ...x, color: undefined } : x)))}
            onChange={(c) => onChange(value.map((x, j) => (j === i ? { ...x, color: c.toHexString() } : x)))} />
          <Input size="small" value={o.label} placeholder={t('designer.optionLabel')} data-testid={`option-label-${i}`}
            onChange={(e) => setLabel(i, e.target.value)} />
          <Input size="small" value={o.value} placeholder={t('designer.optionValue')} style={{ width: '40%', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' }}
            data-testid={`option-value-${i}`} aria-label={t('designer.optionValue')}
            onChange={(e) => { setFresh((f) => { const n = new Set(f); n.delete(i); return n; }); onChange(value.map((x, j) => (j === i ? { ...x, value: e.target.value } : x))); }} />
          <Button size="small" icon={<DeleteOutlined />} aria-label={t('common.remove')}
            onClick={() => { setFresh((f) => new Set([...f].filter((j) => j !== i).map((j) => (j > i ? j - 1 : j)))); onChange(value.filter((_, j) => j !== i)); }} />
        </Space.Compact>
      ))}
      <Space wrap>
        <Button size="small" type="dashed" icon={<PlusOutlined />} data-testid="add-option"
          onClick={() => {
            const label = `${t('designer.option')} ${value.length + 1}`;
            setFresh((f) => new Set(f).add(value.length));
            onChange([...value, { value: optionValue(label, value.map((o) => o.value), py), label, color: nextColor(value.map((o) => o.color)) }]);
          }}>
          {t('designer.addOption')}
        </Button>
        {value.some((o) => AUTO_VALUE.test(o.value)) && (
          <Popconfirm title={t('exprEditor.valuesFromLabels')} description={<div style={{ maxWidth: 280 }}>{t('exprEditor.valuesFromLabelsHelp')}</div>} onConfirm={fromLabels}>
            <Button size="small" data-testid="values-from-labels">{t('exprEditor.valuesFromLabels')}</Button>
          </Popconfirm>
        )}
      </Space>
    </Space>
  );
}

function SubformFields({ field, onChange, ctx }: { field: FieldDef; onChange: (fields: FieldDef[]) => void; ctx: PanelContext }) {
  const { t } = useTranslation();
  const [type, setType] = useState<FieldType>('text');
  const fields = field.fields ?? [];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Collapse size="small" items={fields.map((c, i) => ({
        key: c.key + i,
        label: <span>{c.label} <Typography.Text type="secondary">({t(`type.${c.type}`)})</Typography.Text></span>,
        extra: <DeleteOutlined aria-label={t('common.remove')} onClick={(e) => { e.stopPropagation(); onChange(fields.filter((_, j) => j !== i)); }} />,
        children: <PropertyPanel field={c} ctx={{ ...ctx, siblings: fields, nested: true }} onChange={(p) => onChange(fields.map((x, j) => (j === i ? clean({ ...x, ...p }) : x)))} />,
      }))} />
      <Space.Compact style={{ width: '100%' }}>
        <Select style={{ width: '60%' }} size="small" value={type} onChange={setType} options={SUBFORM_TYPES.map((ty) => ({ value: ty, label: t(`type.${ty}`) }))} data-testid="subform-type" />
        <Button size="small" icon={<PlusOutlined />} data-testid="subform-add"
          onClick={() => onChange([...fields, newField(type, t(`type.${type}`), [...allKeys(fields), 'id'])])}>{t('designer.addSubField')}</Button>
      </Space.Compact>
    </Space>
  );
}

/** PropertyPanel edits every property of one field, by type. */
export function PropertyPanel({ field: f, onChange, ctx }: { field: FieldDef; onChange: (patch: Partial<FieldDef>) => void; ctx: PanelContext }) {
  const { t } = useTranslation();
  const keyErr = keyProblem(f.key, ctx.siblings, f);
  const [defaultMode, setDefaultMode] = useState<'fixed' | 'formula'>(f.defaultExpression ? 'formula' : 'fixed');
  useEffect(() => { setDefaultMode(f.defaultExpression ? 'formula' : 'fixed'); }, [f.key, f.defaultExpression]);
  const targetFields = useTargetFields(f.type === 'relation' ? f.form : f.type === 'lookup' ? ctx.siblings.find((s) => s.key === f.relation)?.form : undefined);
  const num = (k: 'min' | 'max' | 'minLength' | 'maxLength' | 'precision' | 'maxFiles') => (v: number | null) => onChange({ [k]: v ?? undefined });

  return (
    <Form layout="vertical" size="small" data-testid="property-panel">
      <Form.Item label={t('designer.label')} required>
        <Input value={f.label} onChange={(e) => onChange({ label: e.target.value })} data-testid="prop-label" />
      </Form.Item>
      <Form.Item label={t('designer.key')} required validateStatus={keyErr ? 'error' : undefined} help={keyErr ? t(keyErr) : t('designer.keyHelp')}>
        <Input value={f.key} onChange={(e) => onChange({ key: e.target.value.trim() })} data-testid="prop-key" style={{ fontFamily: 'monospace' }} />
      </Form.Item>
      <Form.Item label={t('designer.description')}>
        <Input.TextArea rows={2} value={f.description} onChange={(e) => onChange({ description: e.target.value })} />
      </Form.Item>
      {!COMPUTED.has(f.type) && (
        <Space wrap>
          <Checkbox checked={!!f.required} onChange={(e) => onChange({ required: e.target.checked })} data-testid="prop-required">{t('designer.required')}</Checkbox>
          {!ctx.nested && ['text', 'email', 'phone', 'number', 'url'].includes(f.type) && <Checkbox checked={!!f.unique} onChange={(e) => onChange({ unique: e.target.checked })}>{t('designer.unique')}</Checkbox>}
          {!ctx.nested && <Checkbox checked={!!f.indexed} onChange={(e) => onChange({ indexed: e.target.checked })}>{t('designer.indexed')}</Checkbox>}
        </Space>
      )}

      {(f.type === 'select' || f.type === 'multiselect') && (
        <>
          <Divider titlePlacement="start" plain>{t('designer.options')}</Divider>
          <Form.Item label={t('designer.display')}>
            <Radio.Group value={f.display || 'dropdown'} onChange={(e) => onChange({ display: e.target.value })} optionType="button"
              options={[{ value: 'dropdown', label: t('designer.dropdown') }, f.type === 'select' ? { value: 'radio', label: t('designer.radio') } : { value: 'checkbox', label: t('designer.checkbox') }]} />
          </Form.Item>
          <OptionsEditor value={f.options ?? []} onChange={(options) => onChange({ options })} />
        </>
      )}

      {LIMITS_TEXT.includes(f.type) && (
        <>
          <Divider titlePlacement="start" plain>{t('designer.limits')}</Divider>
          <Space>
            <Form.Item label={t('designer.minLength')}><InputNumber min={0} value={f.minLength} onChange={num('minLength')} /></Form.Item>
            <Form.Item label={t('designer.maxLength')}><InputNumber min={1} value={f.maxLength} onChange={num('maxLength')} /></Form.Item>
          </Space>
          <Form.Item label={t('designer.pattern')} help={t('designer.patternHelp')}>
            <Input value={f.pattern} onChange={(e) => onChange({ pattern: e.target.value })} style={{ fontFamily: 'monospace' }} />
          </Form.Item>
        </>
      )}
      {LIMITS_NUM.includes(f.type) && (
        <>
          <Divider titlePlacement="start" plain>{t('designer.limits')}</Divider>
          <Space wrap>
            <Form.Item label={t('designer.min')}><InputNumber value={f.min} onChange={num('min')} /></Form.Item>
            <Form.Item label={t('designer.max')}><InputNumber value={f.max} onChange={num('max')} /></Form.Item>
            <Form.Item label={t('designer.precision')}><InputNumber min={0} max={8} value={f.precision} onChange={num('precision')} /></Form.Item>
          </Space>
          {f.type === 'percent' && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('designer.percentHelp')}</Typography.Text>}
        </>
      )}
      {f.type === 'money' && (
        <Form.Item label={t('designer.currency')}>
          <Select value={f.currency || 'CNY'} options={CURRENCIES.map((c) => ({ value: c, label: c }))} onChange={(currency) => onChange({ currency })} />
        </Form.Item>
      )}
      {f.type === 'rating' && (
        <Form.Item label={t('designer.stars')}><InputNumber min={1} max={10} value={f.max ?? 5} onChange={num('max')} /></Form.Item>
      )}

      {f.type === 'relation' && (
        <>
          <Divider titlePlacement="start" plain>{t('designer.relation')}</Divider>
          <Form.Item label={t('designer.targetForm')} required>
            <Select value={f.form || undefined} data-testid="prop-target-form" onChange={(form) => onChange({ form, displayField: undefined })}
              options={ctx.forms.map((x) => ({ value: x.id, label: x.name, disabled: !x.published }))} placeholder={t('designer.pickForm')} />
          </Form.Item>
          <Form.Item label={t('designer.displayField')}>
            <Select value={f.displayField || undefined} data-testid="prop-display-field" onChange={(displayField) => onChange({ displayField })}
              options={targetFields.map((x) => ({ value: x.key, label: x.label }))} />
          </Form.Item>
          <Checkbox checked={!!f.multiple} onChange={(e) => onChange({ multiple: e.target.checked })}>{t('designer.multiple')}</Checkbox>
        </>
      )}
      {f.type === 'lookup' && (
        <>
          <Divider titlePlacement="start" plain>{t('designer.lookup')}</Divider>
          <Form.Item label={t('designer.viaRelation')} required>
            <Select value={f.relation || undefined} onChange={(relation) => onChange({ relation, lookupField: undefined })}
              options={ctx.siblings.filter((s) => s.type === 'relation' && !s.multiple).map((s) => ({ value: s.key, label: s.label }))} />
          </Form.Item>
          <Form.Item label={t('designer.lookupField')} required>
            <Select value={f.lookupField || undefined} onChange={(lookupField) => onChange({ lookupField })} options={targetFields.map((x) => ({ value: x.key, label: x.label }))} />
          </Form.Item>
          <Checkbox checked={!!f.live} onChange={(e) => onChange({ live: e.target.checked })}>{t('designer.live')}</Checkbox>
        </>
      )}
      {f.type === 'subform' && (
        <>
          <Divider titlePlacement="start" plain>{t('designer.subformFields')}</Divider>
          <SubformFields field={f} ctx={ctx} onChange={(fields) => onChange({ fields })} />
        </>
      )}
      {f.type === 'serial' && (
        <>
          <Divider titlePlacement="start" plain>{t('designer.serial')}</Divider>
          <Space wrap>
            <Form.Item label={t('designer.prefix')}><Input value={f.serial?.prefix} onChange={(e) => onChange({ serial: { ...f.serial, prefix: e.target.value } })} /></Form.Item>
            <Form.Item label={t('designer.datePart')}>
              <Select style={{ width: 130 }} value={f.serial?.datePart ?? ''} onChange={(datePart) => onChange({ serial: { ...f.serial, datePart } })}
                options={[{ value: '', label: t('designer.none') }, { value: 'YYYY', label: 'YYYY' }, { value: 'YYYYMM', label: 'YYYYMM' }, { value: 'YYYYMMDD', label: 'YYYYMMDD' }]} />
            </Form.Item>
            <Form.Item label={t('designer.width')}><InputNumber min={1} max={12} value={f.serial?.width ?? 4} onChange={(w) => onChange({ serial: { ...f.serial, width: w ?? 4 } })} /></Form.Item>
            <Form.Item label={t('designer.reset')}>
              <Select style={{ width: 120 }} value={f.serial?.reset ?? 'never'} onChange={(reset) => onChange({ serial: { ...f.serial, reset } })}
                options={(['never', 'day', 'month', 'year'] as const).map((r) => ({ value: r, label: t(`designer.reset_${r}`) }))} />
            </Form.Item>
          </Space>
          <Typography.Text type="secondary">{t('designer.serialExample')}: {f.serial?.prefix ?? ''}{f.serial?.datePart ? f.serial.datePart.replace('YYYY', '2025').replace('MM', '06').replace('DD', '30') : ''}{'1'.padStart(f.serial?.width ?? 4, '0')}</Typography.Text>
        </>
      )}
      {f.type === 'formula' && (
        <>
          <Divider titlePlacement="start" plain>{t('designer.formula')}</Divider>
          <ExpressionInput value={f.expression} onChange={(expression) => onChange({ expression })} check={ctx.check} rows={3}
            placeholder="price * quantity" testId="prop-expression" fields={ctx.siblings} />
          <Space wrap style={{ marginTop: 8 }}>
            <Form.Item label={t('exprEditor.resultFormat')}>
              <Select style={{ width: 130 }} value={f.display || ''} data-testid="prop-result-format"
                onChange={(display: FieldDef['display']) => onChange({ display: display || undefined, currency: display === 'money' ? f.currency : undefined })}
                options={(['', 'number', 'money', 'percent', 'text'] as const).map((d) => ({ value: d, label: t(`exprEditor.format_${d || 'auto'}`) }))} />
            </Form.Item>
            {(f.display === 'number' || f.display === 'money' || f.display === 'percent') && (
              <Form.Item label={t('designer.precision')}><InputNumber min={0} max={10} value={f.precision} onChange={num('precision')} /></Form.Item>
            )}
            {f.display === 'money' && (
              <Form.Item label={t('designer.currency')}>
                <Select style={{ width: 110 }} value={f.currency ?? 'CNY'} onChange={(currency) => onChange({ currency })} options={CURRENCIES.map((c) => ({ value: c, label: c }))} />
              </Form.Item>
            )}
          </Space>
        </>
      )}
      {(f.type === 'attachment' || f.type === 'image') && (
        <>
          <Divider titlePlacement="start" plain>{t('designer.files')}</Divider>
          <Space wrap>
            <Form.Item label={t('designer.maxFiles')}><InputNumber min={1} max={50} value={f.maxFiles} onChange={num('maxFiles')} /></Form.Item>
            <Form.Item label={t('designer.maxFileMB')}><InputNumber min={1} max={1024} value={f.maxFileBytes ? f.maxFileBytes / 1048576 : undefined}
              onChange={(v) => onChange({ maxFileBytes: v ? Math.round(v * 1048576) : undefined })} /></Form.Item>
          </Space>
          <Form.Item label={t('designer.accept')}>
            <Select mode="tags" value={f.accept ?? []} onChange={(accept: string[]) => onChange({ accept: accept.length ? accept : undefined })} placeholder="image/png, application/pdf" />
          </Form.Item>
        </>
      )}

      {HAS_DEFAULT.includes(f.type) && (
        <>
          <Divider titlePlacement="start" plain>{t('designer.default')}</Divider>
          <Radio.Group size="small" value={defaultMode} optionType="button" style={{ marginBottom: 8 }}
            options={[{ value: 'fixed', label: t('designer.defaultFixed') }, { value: 'formula', label: t('designer.defaultFormula') }]}
            onChange={(e) => { setDefaultMode(e.target.value); onChange(e.target.value === 'fixed' ? { defaultExpression: undefined } : { default: undefined }); }} />
          {defaultMode === 'fixed'
            ? <FieldInput field={{ ...f, required: false }} value={f.default} onChange={(v) => onChange({ default: v ?? undefined })} />
            : <ExpressionInput value={f.defaultExpression} onChange={(defaultExpression) => onChange({ defaultExpression })} check={ctx.check} placeholder="TODAY()" testId="prop-default-expr" fields={ctx.siblings} />}
        </>
      )}

      {!ctx.nested && (
        <>
          <Divider titlePlacement="start" plain>{t('designer.rules')}</Divider>
          <Form.Item label={t('designer.visibleWhen')} help={t('designer.visibleWhenHelp')}>
            <ExpressionInput value={f.visibleWhen} onChange={(visibleWhen) => onChange({ visibleWhen })} check={ctx.check} placeholder={'stage == "won"'} testId="prop-visible-when" fields={ctx.siblings} want="boolean" />
          </Form.Item>
          {!COMPUTED.has(f.type) && (
            <Form.Item label={t('designer.requiredWhen')}>
              <ExpressionInput value={f.requiredWhen} onChange={(requiredWhen) => onChange({ requiredWhen })} check={ctx.check} placeholder="amount > 10000" testId="prop-required-when" fields={ctx.siblings} want="boolean" />
            </Form.Item>
          )}
        </>
      )}
    </Form>
  );
}

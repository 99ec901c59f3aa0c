import { createContext, useContext, useMemo, useRef } from 'react';
import { Input, Select, Typography } from 'antd';
import type { InputRef } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useTranslation } from 'react-i18next';
import { COMMON_EVENT_FIELDS, automationApi } from '../../api/automation';
import type { EventTypeInfo, Trigger } from '../../api/automation';
import type { FieldDef } from '../../api/types';
import type { CheckFn } from '../designer/ExpressionInput';
import { insertAt } from '../designer/ExpressionInput';
import '../../i18n/automation.screens';

/** Errs gives the message to show on the input at a design path (designer checks and the server's per-field errors). */
export type Errs = (path: string) => string | undefined;

/**
 * automationCheck type-checks an expression in an automation's scope (old,
 * new, changed, user, now, and event typed for the trigger): a condition
 * must be a boolean, a value (a field mapping) anything.
 */
export function automationCheck(formId: string, kind: 'condition' | 'value', trigger?: Trigger): CheckFn {
  return (src, signal) => automationApi.checkExpression(formId, src, kind, signal, trigger);
}

/** TriggerContext carries the design's trigger to the expression inputs of its actions, so their live check knows the event variable. */
export const TriggerContext = createContext<Trigger | undefined>(undefined);

/** EventTypesContext carries the declared event types (GET /automation-events) to the action editors' pickers. */
export const EventTypesContext = createContext<EventTypeInfo[]>([]);

/** eventFields are the event variable's fields the condition's picker offers for trigger (event.from, event.to… of a declared event type). */
export function eventFields(trigger: Trigger | undefined, types: EventTypeInfo[]): FieldDef[] {
  if (!trigger) return [];
  let keys = COMMON_EVENT_FIELDS;
  if (trigger.type === 'event') keys = Object.keys(types.find((e) => e.type === trigger.event)?.fields ?? {}).sort();
  else if (!['schedule', 'date'].includes(trigger.type)) keys = [...COMMON_EVENT_FIELDS, 'changed', 'source'];
  return keys.map((k) => ({ key: `event.${k}`, type: 'text', label: `event.${k}` }));
}

/** useEventFields is eventFields for the surrounding TriggerContext and EventTypesContext. */
export function useEventFields(): FieldDef[] {
  const trigger = useContext(TriggerContext);
  const types = useContext(EventTypesContext);
  const key = trigger ? JSON.stringify(trigger) : '';
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => eventFields(trigger, types), [key, types]);
}

/** useAutomationCheck is automationCheck for the trigger of the surrounding TriggerContext. */
export function useAutomationCheck(formId: string, kind: 'condition' | 'value'): CheckFn {
  const trigger = useContext(TriggerContext);
  const key = trigger ? JSON.stringify(trigger) : '';
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => automationCheck(formId, kind, trigger), [formId, kind, key]);
}

/** scoped renames fields to how an automation's expressions name them (new.amount, old.amount). */
export function scoped(fields: FieldDef[], prefix: 'new' | 'old'): FieldDef[] {
  return fields.map((f) => ({ ...f, key: `${prefix}.${f.key}`, label: prefix === 'old' ? `${f.label} (old)` : f.label }));
}

/** Field is a labelled setting with its error under it (marked by path, so tests and the server's errors find it). */
export function Field({ label, path, errs, children, help }: { label?: React.ReactNode; path: string; errs: Errs; children: React.ReactNode; help?: React.ReactNode }) {
  const e = errs(path);
  return (
    <div className={`fl-auto-field${e ? ' fl-auto-field-bad' : ''}`} data-path={path}>
      {label && <div className="fl-auto-label">{label}</div>}
      {children}
      {help && !e && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{help}</Typography.Text>}
      {e && <div className="fl-diag" role="alert" data-testid={`err-${path}`}>{e}</div>}
    </div>
  );
}

/**
 * TemplateInput edits a notification text with {{field}} placeholders; the
 * inserter puts a field's placeholder at the cursor. The server renders it
 * from the record, escaped for HTML email.
 */
export function TemplateInput({ value, onChange, fields, multiline, testId, status, placeholder }: {
  value?: string; onChange: (v: string) => void; fields: FieldDef[]; multiline?: boolean; testId?: string; status?: 'error'; placeholder?: string;
}) {
  const { t } = useTranslation();
  const line = useRef<InputRef>(null);
  const area = useRef<TextAreaRef>(null);
  const opts = useMemo(() => fields.map((f) => ({ value: f.key, label: `${f.label} · {{${f.key}}}` })), [fields]);
  const insert = (key: string) => {
    const el = multiline ? area.current?.resizableTextArea?.textArea : line.current?.input;
    const src = value ?? '';
    const r = insertAt(src, el?.selectionStart ?? src.length, el?.selectionEnd ?? src.length, `{{${key}}}|`);
    onChange(r.value);
    requestAnimationFrame(() => { el?.focus(); el?.setSelectionRange(r.cursor, r.cursor); });
  };
  return (
    <div>
      {multiline
        ? <Input.TextArea ref={area} rows={3} value={value} status={status} placeholder={placeholder} data-testid={testId} onChange={(e) => onChange(e.target.value)} />
        : <Input ref={line} value={value} status={status} placeholder={placeholder} data-testid={testId} onChange={(e) => onChange(e.target.value)} />}
      <Select size="small" showSearch value={null} placeholder={t('automation.insertField')} style={{ width: '100%', marginTop: 4 }}
        optionFilterProp="label" popupMatchSelectWidth={false} options={opts} data-testid={testId ? `${testId}-insert` : undefined}
        onChange={(v: string | null) => { if (v) insert(v); }} />
    </div>
  );
}

/** pick returns a message's text in lang (zh-CN, else en, else the first). */
export function pick(m: Record<string, string> | undefined, lang: string): string {
  if (!m) return '';
  return m[lang] ?? m[lang.startsWith('zh') ? 'zh-CN' : 'en'] ?? m.en ?? Object.values(m)[0] ?? '';
}

import { useEffect, useRef, useState } from 'react';
import { Input, Select, Typography } from 'antd';
import type { TextAreaRef } from 'antd/es/input/TextArea';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Definition, Diagnostic, FieldDef } from '../../api/types';

export type CheckFn = (src: string, signal: AbortSignal) => Promise<{ type?: string; diagnostics?: Diagnostic[] }>;

/**
 * serverCheck asks the server to type-check an expression against the design
 * the designer holds (unsaved changes included), so a rule may name a field
 * added a moment ago without saving the draft first.
 */
export function serverCheck(formId: string, design: () => Definition): CheckFn {
  return (src, signal) => api.checkExpression(formId, src, design(), signal);
}

/** FUNCTIONS the picker offers, with what it inserts (the cursor goes where | is). */
export const FUNCTIONS: { name: string; insert: string }[] = [
  'IF(|, , )', 'AND(|)', 'OR(|)', 'NOT(|)', 'ISEMPTY(|)', 'SUM(|)', 'AVERAGE(|)', 'MAX(|)', 'MIN(|)', 'COUNT(|)', 'ROUND(|, 2)',
  'ABS(|)', 'INT(|)', 'MOD(|, )', 'CONCATENATE(|)', 'LEN(|)', 'LEFT(|, 1)', 'RIGHT(|, 1)', 'MID(|, 1, 1)', 'UPPER(|)', 'LOWER(|)',
  'TRIM(|)', 'CONTAINS(|, )', 'TEXT(|, "#,##0.00")', 'VALUE(|)', 'TODAY()|', 'NOW()|', 'DATE(|, 1, 1)', 'YEAR(|)', 'MONTH(|)',
  'DAY(|)', 'DATEDIF(|, TODAY(), "D")', 'DATEADD(|, 1, "day")', 'WORKDAY(|, 1)', 'USCC_VALID(|)',
].map((insert) => ({ name: insert.slice(0, insert.indexOf('(')), insert }));

/** Insertion is a piece of text to put at the cursor; | marks where the cursor goes after. */
export interface Insertion { value: string; label: string; group: 'fields' | 'options' | 'functions' }

/** insertions lists what the picker offers for fields: each field by label (written as its key), each option value, each function. */
export function insertions(fields: FieldDef[], fnLabel: (name: string) => string): Insertion[] {
  const out: Insertion[] = [];
  for (const f of fields) if (f.key) out.push({ group: 'fields', value: `${f.key}|`, label: `${f.label} · ${f.key}` });
  for (const f of fields) {
    if (!f.key || (f.type !== 'select' && f.type !== 'multiselect')) continue;
    for (const o of f.options ?? []) {
      const lit = JSON.stringify(o.value);
      out.push({ group: 'options', value: f.type === 'select' ? `${f.key} == ${lit}|` : `${lit} in ${f.key}|`, label: `${f.label} = ${o.label} · ${lit}` });
    }
  }
  for (const fn of FUNCTIONS) out.push({ group: 'functions', value: fn.insert, label: `${fn.name} · ${fnLabel(fn.name)}` });
  return out;
}

/** insertAt puts text (with its | cursor mark) into src over the selection; it returns the new text and cursor. */
export function insertAt(src: string, start: number, end: number, text: string): { value: string; cursor: number } {
  const mark = text.indexOf('|');
  const plain = text.replace('|', '');
  const value = src.slice(0, start) + plain + src.slice(end);
  return { value, cursor: start + (mark < 0 ? plain.length : mark) };
}

/** typeLabel names a checked type ("number", "list<text>") in the user's language. */
function typeLabel(t: (k: string) => string, type: string): string {
  const base = type.replace(/[<{].*$/, '');
  const word = t(`exprEditor.type.${base}`);
  return word.startsWith('exprEditor.') ? type : word;
}

type Verdict = { pending: true } | { type?: string; diagnostics?: Diagnostic[]; error?: string; pending?: false } | null;

/**
 * ExpressionInput edits an expression. While the user types, the verdict
 * below says "checking…" (never the previous result); after a short pause
 * the server checks it and errors are shown, in the user's language, at their
 * line and column. want "boolean" marks a condition: another result type is
 * an error, as publishing would say. The picker inserts fields (by label,
 * written as keys), option values and functions at the cursor.
 */
export function ExpressionInput({ value, onChange, check, placeholder, testId, rows = 2, fields, want }: {
  value?: string; onChange: (v: string) => void; check: CheckFn; placeholder?: string; testId?: string; rows?: number;
  fields?: FieldDef[]; want?: 'boolean';
}) {
  const { t } = useTranslation();
  const [state, setState] = useState<Verdict>(null);
  const ctrl = useRef<AbortController | null>(null);
  const area = useRef<TextAreaRef>(null);
  const cursor = useRef<number | null>(null);
  useEffect(() => {
    const src = value ?? '';
    ctrl.current?.abort();
    if (!src.trim()) { setState(null); return; }
    setState({ pending: true });
    const timer = setTimeout(() => {
      const ac = new AbortController(); ctrl.current = ac;
      check(src, ac.signal).then((r) => { if (!ac.signal.aborted) setState(r); })
        .catch((e: Error) => { if (!ac.signal.aborted && e.name !== 'AbortError') setState({ error: e.message }); });
    }, 350);
    return () => clearTimeout(timer);
  }, [value, check]);
  useEffect(() => () => ctrl.current?.abort(), []);
  useEffect(() => {
    const el = area.current?.resizableTextArea?.textArea;
    if (el && cursor.current !== null) { el.focus(); el.setSelectionRange(cursor.current, cursor.current); cursor.current = null; }
  }, [value]);

  const done = state && !state.pending ? state : null;
  const wrongType = !!done?.type && !done.diagnostics?.length && want === 'boolean' && done.type !== 'boolean' && done.type !== 'any';
  const bad = !!done?.diagnostics?.length || wrongType;
  const insert = (text: string) => {
    const el = area.current?.resizableTextArea?.textArea;
    const src = value ?? '';
    const r = insertAt(src, el?.selectionStart ?? src.length, el?.selectionEnd ?? src.length, text);
    cursor.current = r.cursor;
    onChange(r.value);
  };
  const items = fields ? insertions(fields, (n) => t(`exprEditor.fn.${n}`)) : [];
  const group = (g: Insertion['group'], label: string) => {
    const opts = items.filter((i) => i.group === g).map((i) => ({ value: i.value, label: i.label }));
    return opts.length ? [{ label, options: opts }] : [];
  };
  return (
    <div>
      <Input.TextArea ref={area} value={value} rows={rows} placeholder={placeholder} status={bad ? 'error' : undefined} spellCheck={false}
        style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' }} data-testid={testId}
        onChange={(e) => onChange(e.target.value)} />
      {fields && (
        <Select size="small" showSearch value={null} placeholder={t('exprEditor.insert')} title={t('exprEditor.insertHelp')}
          style={{ width: '100%', marginTop: 4 }} data-testid={testId ? `${testId}-insert` : undefined} popupMatchSelectWidth={false}
          optionFilterProp="label" onChange={(v: string | null) => { if (v) insert(v); }}
          options={[...group('fields', t('exprEditor.groupFields')), ...group('options', t('exprEditor.groupOptions')), ...group('functions', t('exprEditor.groupFunctions'))]} />
      )}
      {state?.pending && <div className="fl-type-pending" data-testid={testId ? `${testId}-checking` : undefined}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('exprEditor.checking')}</Typography.Text></div>}
      {done?.diagnostics?.map((d, i) => (
        <div key={i} className="fl-diag" data-testid={testId ? `${testId}-error` : undefined}>{d.message}</div>
      ))}
      {wrongType && <div className="fl-diag" data-testid={testId ? `${testId}-error` : undefined}>{t('exprEditor.wantBool', { type: typeLabel(t, done!.type!) })}</div>}
      {done?.type && !bad && <div className="fl-type-ok" data-testid={testId ? `${testId}-ok` : undefined}>✓ {t('designer.exprType', { type: typeLabel(t, done.type) })}</div>}
      {done?.error && <Typography.Text type="warning" style={{ fontSize: 12 }}>{t('designer.exprUnchecked')}: {done.error}</Typography.Text>}
    </div>
  );
}

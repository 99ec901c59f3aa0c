import { useEffect, useRef, useState } from 'react';
import { Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Definition, Diagnostic } from '../../api/types';

export type CheckFn = (src: string, signal: AbortSignal) => Promise<{ type?: string; diagnostics?: Diagnostic[] }>;

/**
 * serverCheck asks the server to type-check an expression against the design
 * the designer holds (unsaved changes included), so a rule may name a field
 * added a moment ago without saving the draft first.
 */
export function serverCheck(formId: string, design: () => Definition): CheckFn {
  return (src, signal) => api.checkExpression(formId, src, design(), signal);
}

/**
 * ExpressionInput edits an expression; while the user types it is checked by
 * the server after a short pause (typing never waits), and errors are shown at
 * their line and column.
 */
export function ExpressionInput({ value, onChange, check, placeholder, testId, rows = 2 }: {
  value?: string; onChange: (v: string) => void; check: CheckFn; placeholder?: string; testId?: string; rows?: number;
}) {
  const { t } = useTranslation();
  const [state, setState] = useState<{ type?: string; diagnostics?: Diagnostic[]; error?: string } | null>(null);
  const ctrl = useRef<AbortController | null>(null);
  useEffect(() => {
    const src = value ?? '';
    if (!src.trim()) { setState(null); return; }
    const timer = setTimeout(() => {
      ctrl.current?.abort();
      const ac = new AbortController(); ctrl.current = ac;
      check(src, ac.signal).then((r) => { if (!ac.signal.aborted) setState(r); })
        .catch((e: Error) => { if (!ac.signal.aborted && e.name !== 'AbortError') setState({ error: e.message }); });
    }, 350);
    return () => clearTimeout(timer);
  }, [value, check]);
  useEffect(() => () => ctrl.current?.abort(), []);
  const bad = !!state?.diagnostics?.length;
  return (
    <div>
      <Input.TextArea value={value} rows={rows} placeholder={placeholder} status={bad ? 'error' : undefined} spellCheck={false}
        style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' }} data-testid={testId}
        onChange={(e) => onChange(e.target.value)} />
      {state?.diagnostics?.map((d, i) => (
        <div key={i} className="fl-diag" data-testid={testId ? `${testId}-error` : undefined}>
          {t('designer.exprAt', { line: d.line, column: d.column })} {d.message}
        </div>
      ))}
      {state?.type && !bad && <div className="fl-type-ok" data-testid={testId ? `${testId}-ok` : undefined}>✓ {t('designer.exprType', { type: state.type })}</div>}
      {state?.error && <Typography.Text type="warning" style={{ fontSize: 12 }}>{t('designer.exprUnchecked')}: {state.error}</Typography.Text>}
    </div>
  );
}

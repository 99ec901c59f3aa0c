import { useEffect, useRef, useState } from 'react';
import { Select, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { FieldDef, Filter } from '../../api/types';
import { displayText } from '../format';

interface Opt { value: string; label: string }

/** RelationPicker searches the target form's records by its display field. */
export function RelationPicker({ field, value, onChange, disabled }: { field: FieldDef; value?: string | string[] | null; onChange?: (v: string | string[] | null) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const [opts, setOpts] = useState<Opt[]>([]);
  const [loading, setLoading] = useState(false);
  const known = useRef(new Map<string, string>());
  const abort = useRef<AbortController | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const label = (rec: { id: string; data: Record<string, unknown> }) =>
    (field.displayField ? displayText(rec.data[field.displayField]) : '') || rec.id;

  const search = (q: string) => {
    if (!field.form) return;
    abort.current?.abort();
    const ac = new AbortController(); abort.current = ac;
    setLoading(true);
    const filter: Filter | undefined = q && field.displayField ? { field: field.displayField, op: 'contains', value: q } : undefined;
    api.query(field.form, { filter, limit: 20 }, ac.signal).then((p) => {
      const list = p.items.map((r) => ({ value: r.id, label: label(r) }));
      for (const o of list) known.current.set(o.value, o.label);
      setOpts(list);
    }).catch(() => { /* aborted or failed: keep the old options */ }).finally(() => { if (abort.current === ac) setLoading(false); });
  };

  useEffect(() => {
    search('');
    // Resolve labels of already chosen records.
    const ids = value == null ? [] : Array.isArray(value) ? value : [value];
    if (field.form && ids.length) {
      void api.query(field.form, { filter: { field: 'id', op: 'in', value: ids }, limit: ids.length }).then((p) => {
        for (const r of p.items) known.current.set(r.id, label(r));
        setOpts((o) => [...o]);
      }).catch(() => undefined);
    }
    return () => abort.current?.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [field.form, field.displayField]);

  const ids = value == null ? [] : Array.isArray(value) ? value : [value];
  const merged = [...opts];
  for (const id of ids) if (!merged.some((o) => o.value === id)) merged.push({ value: id, label: known.current.get(id) ?? id });

  return (
    <Select
      showSearch={{ filterOption: false, onSearch: (q) => { if (timer.current) clearTimeout(timer.current); timer.current = setTimeout(() => search(q), 250); } }}
      allowClear mode={field.multiple ? 'multiple' : undefined} disabled={disabled || !field.form}
      placeholder={t('fill.searchRecord')} options={merged} value={field.multiple ? ids : (ids[0] ?? null)}
      notFoundContent={loading ? <Spin size="small" /> : undefined}
      onChange={(v) => onChange?.(v == null || (Array.isArray(v) && v.length === 0) ? null : v)}
      data-testid={`relation-${field.key}`}
    />
  );
}

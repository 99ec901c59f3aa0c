import { useEffect, useState } from 'react';
import { Button, Card, Input, Modal, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { FieldDef, Form } from '../../api/types';
import type { DashboardFilter, FilterKind } from '../../api/dashboards';

const KINDS: FilterKind[] = ['date_range', 'user', 'department'];
// The field types and record properties each kind may narrow (as the server checks).
const TYPES: Record<FilterKind, string[]> = { date_range: ['date', 'datetime'], user: ['user'], department: ['department', 'departments'] };
const PROPS: Record<FilterKind, string[]> = { date_range: ['createdAt', 'updatedAt'], user: ['ownedBy', 'createdBy'], department: [] };

/** FiltersDialog edits a dashboard's filters: their kind, label and the field each narrows per form. */
export default function FiltersDialog({ filters, forms, onCancel, onSave }: {
  filters: DashboardFilter[]; forms: Form[]; onCancel: () => void; onSave: (f: DashboardFilter[]) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [list, setList] = useState<DashboardFilter[]>(filters);
  const [defs, setDefs] = useState<Record<string, FieldDef[]>>({});
  const [saving, setSaving] = useState(false);
  const published = forms.filter((f) => f.published > 0);
  useEffect(() => {
    let live = true;
    void Promise.all(published.map((f) => api.versions(f.id).then((vs) => {
      const latest = vs.reduce((a, v) => (!a || v.number > a.number ? v : a), vs[0]);
      return [f.id, latest?.definition.fields ?? []] as const;
    }, () => [f.id, []] as const))).then((all) => { if (live) setDefs(Object.fromEntries(all)); });
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [forms]);
  const put = (i: number, p: Partial<DashboardFilter>) => setList((l) => l.map((f, j) => (j === i ? { ...f, ...p } : f)));
  const freeId = () => { let n = list.length + 1; while (list.some((f) => f.id === `f${n}`)) n++; return `f${n}`; };
  const save = async () => { setSaving(true); try { await onSave(list); } finally { setSaving(false); } };
  return (
    <Modal open width={640} title={t('dashboards.filters')} onCancel={onCancel} onOk={() => void save()} okText={t('common.save')} cancelText={t('common.cancel')}
      okButtonProps={{ loading: saving }}>
      <Space direction="vertical" style={{ width: '100%' }}>
        {list.map((f, i) => (
          <Card key={f.id} size="small" data-testid={`filter-edit-${f.id}`}
            extra={<Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => setList((l) => l.filter((_, j) => j !== i))} />}
            title={<Space>
              <Select style={{ width: 130 }} value={f.kind} onChange={(k: FilterKind) => put(i, { kind: k, fields: undefined })}
                options={KINDS.map((k) => ({ value: k, label: t(`dashboards.filterKind.${k}`) }))} />
              <Input style={{ width: 180 }} maxLength={60} placeholder={t('dashboards.filterLabel')} value={f.label} onChange={(e) => put(i, { label: e.target.value })} />
            </Space>}>
            {published.map((fm) => {
              const keys = [...(defs[fm.id] ?? []).filter((d) => TYPES[f.kind].includes(d.type)).map((d) => ({ value: d.key, label: d.label })),
                ...PROPS[f.kind].map((p) => ({ value: p, label: t(`dashboards.prop.${p}`) }))];
              return (
                <Space key={fm.id} style={{ display: 'flex', marginBottom: 8 }} wrap>
                  <Typography.Text style={{ minWidth: 160, display: 'inline-block' }}>{t('dashboards.filterField', { form: fm.name })}</Typography.Text>
                  <Select style={{ width: 200 }} allowClear placeholder={f.kind === 'department' ? t('dashboards.chart.none') : t('dashboards.filterDefault')}
                    value={f.fields?.[fm.id]} options={keys}
                    onChange={(k?: string) => { const fields = { ...(f.fields ?? {}) }; if (k) fields[fm.id] = k; else delete fields[fm.id]; put(i, { fields }); }} />
                </Space>
              );
            })}
          </Card>
        ))}
        {list.length < 6 && (
          <Button icon={<PlusOutlined />} onClick={() => setList((l) => [...l, { id: freeId(), kind: 'date_range' }])} data-testid="add-filter">{t('dashboards.addFilter')}</Button>
        )}
      </Space>
    </Modal>
  );
}

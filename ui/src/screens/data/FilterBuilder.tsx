import { Button, DatePicker, Input, InputNumber, Segmented, Select, Space } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Op } from '../../api/types';
import { departmentTree, useDirectory } from '../../fields/directory';
import { TreeSelect } from 'antd';
import { BOOL_OPS, LIST_OPS, defaultValue, isPlaceholder, nextId, updateNode, type Cond, type FilterField, type Group } from './filterModel';

/** placeholderOptions are the select options of a field's placeholders (当前用户, 我的部门…), listed before the people and departments. */
function usePlaceholderOptions(ff: FilterField): { value: string; label: string }[] {
  const { t } = useTranslation();
  return (ff.placeholders ?? []).map((p) => ({ value: p, label: t(`perm.ph.${p.slice(1)}`) }));
}

function ScalarInput({ ff, value, onChange }: { ff: FilterField; value: unknown; onChange: (v: unknown) => void }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const f = ff.def;
  const ph = usePlaceholderOptions(ff);
  switch (f.type) {
    case 'number': case 'money': case 'rating': case 'formula':
      return <InputNumber style={{ width: 140 }} value={value as number} onChange={(v) => onChange(v)} />;
    case 'percent':
      return <InputNumber style={{ width: 140 }} suffix="%" value={value == null ? null : Number(value) * 100} onChange={(v) => onChange(v == null ? null : Number(v) / 100)} />;
    case 'date':
      return <DatePicker value={value ? dayjs(String(value)) : null} onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : null)} />;
    case 'datetime':
      return <DatePicker showTime value={value ? dayjs(String(value)) : null} onChange={(d) => onChange(d ? d.toISOString() : null)} />;
    case 'boolean':
      return <Select style={{ width: 100 }} value={value as boolean} onChange={onChange} options={[{ value: true, label: t('common.yes') }, { value: false, label: t('common.no') }]} />;
    case 'select': case 'multiselect':
      return <Select style={{ minWidth: 160 }} value={value} onChange={onChange} options={(f.options ?? []).map((o) => ({ value: o.value, label: o.label }))} />;
    case 'user': case 'users':
      return <Select style={{ minWidth: 160 }} showSearch optionFilterProp="label" value={value} onChange={onChange} data-testid="filter-value"
        options={[...ph, ...dir.users.map((u) => ({ value: u.id, label: u.name }))]} />;
    case 'department': case 'departments':
      return ph.length
        ? <Select style={{ minWidth: 160 }} showSearch optionFilterProp="label" value={value} onChange={onChange} data-testid="filter-value"
            options={[...ph, ...dir.departments.map((d) => ({ value: d.id, label: d.name }))]} />
        : <TreeSelect style={{ minWidth: 160 }} value={value as string} onChange={onChange} treeData={departmentTree(dir.departments)} />;
    default:
      return <Input style={{ width: 180 }} value={(value as string) ?? ''} onChange={(e) => onChange(e.target.value)} data-testid="filter-value" />;
  }
}

/**
 * ListInput edits the value of a list operator. A placeholder stands for the
 * whole list (ownedBy in $myDepartmentsAndBelow): choosing one replaces the
 * chosen values, choosing a value drops the placeholder.
 */
function ListInput({ ff, value, onChange }: { ff: FilterField; value: unknown; onChange: (v: unknown) => void }) {
  const dir = useDirectory();
  const f = ff.def;
  const ph = usePlaceholderOptions(ff);
  let options: { value: string; label: string }[] | undefined;
  if (f.type === 'select' || f.type === 'multiselect') options = (f.options ?? []).map((o) => ({ value: o.value, label: o.label }));
  if (f.type === 'user' || f.type === 'users') options = dir.users.map((u) => ({ value: u.id, label: u.name }));
  if (f.type === 'department' || f.type === 'departments') options = dir.departments.map((d) => ({ value: d.id, label: d.name }));
  const numeric = ['number', 'money', 'percent', 'rating'].includes(f.type);
  if (ph.length && options) options = [...ph, ...options];
  const shown = isPlaceholder(value) ? [value] : Array.isArray(value) ? (value as string[]) : [];
  return <Select mode={options ? 'multiple' : 'tags'} style={{ minWidth: 200 }} value={shown} options={options} tokenSeparators={[',']} data-testid="filter-value"
    optionFilterProp="label"
    onChange={(v: string[]) => {
      const last = v[v.length - 1];
      if (isPlaceholder(last)) { onChange(last); return; }
      const plain = v.filter((x) => !isPlaceholder(x));
      onChange(numeric ? plain.map(Number).filter((n) => !Number.isNaN(n)) : plain);
    }} />;
}

function CondRow({ c, fields, onChange, onRemove }: { c: Cond; fields: FilterField[]; onChange: (c: Cond) => void; onRemove: () => void }) {
  const { t } = useTranslation();
  const ff = fields.find((x) => x.path === c.field);
  return (
    <Space wrap data-testid="filter-cond">
      <Select style={{ width: 160 }} value={c.field || undefined} placeholder={t('data.filterField')} showSearch optionFilterProp="label" data-testid="filter-field"
        options={fields.map((x) => ({ value: x.path, label: x.label }))}
        onChange={(path: string) => { const nf = fields.find((x) => x.path === path)!; const op = nf.ops[0]; onChange({ ...c, field: path, op, value: defaultValue(op) }); }} />
      <Select style={{ width: 150 }} value={c.op} disabled={!ff} data-testid="filter-op"
        options={(ff?.ops ?? []).map((o) => ({ value: o, label: t(`op.${o}`) }))}
        onChange={(op: Op) => onChange({ ...c, op, value: BOOL_OPS.has(op) || LIST_OPS.has(op) || op === 'between' || BOOL_OPS.has(c.op) || LIST_OPS.has(c.op) || c.op === 'between' ? defaultValue(op) : c.value })} />
      {ff && BOOL_OPS.has(c.op) && (
        <Select style={{ width: 100 }} value={c.value as boolean} onChange={(v) => onChange({ ...c, value: v })}
          options={[{ value: true, label: t('common.yes') }, { value: false, label: t('common.no') }]} />
      )}
      {ff && LIST_OPS.has(c.op) && <ListInput ff={ff} value={c.value ?? []} onChange={(v) => onChange({ ...c, value: v })} />}
      {ff && c.op === 'between' && (
        <Space.Compact>
          <ScalarInput ff={ff} value={(c.value as unknown[])?.[0]} onChange={(v) => onChange({ ...c, value: [v, (c.value as unknown[])?.[1] ?? null] })} />
          <ScalarInput ff={ff} value={(c.value as unknown[])?.[1]} onChange={(v) => onChange({ ...c, value: [(c.value as unknown[])?.[0] ?? null, v] })} />
        </Space.Compact>
      )}
      {ff && !BOOL_OPS.has(c.op) && !LIST_OPS.has(c.op) && c.op !== 'between' && <ScalarInput ff={ff} value={c.value} onChange={(v) => onChange({ ...c, value: v })} />}
      <Button type="text" icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={onRemove} />
    </Space>
  );
}

/** FilterBuilder edits a tree of and/or groups of conditions, with every operator each field type offers. */
export function FilterBuilder({ value, onChange, fields, depth = 0 }: { value: Group; onChange: (g: Group) => void; fields: FilterField[]; depth?: number }) {
  const { t } = useTranslation();
  const setItem = (id: number, n: Cond | Group | null) => onChange(updateNode(value, id, () => n));
  return (
    <div style={{ borderLeft: depth ? '2px solid #d6e4ff' : undefined, paddingLeft: depth ? 12 : 0 }}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        {value.items.length > 1 && (
          <Segmented size="small" value={value.logic} onChange={(logic) => onChange({ ...value, logic: logic as 'and' | 'or' })}
            options={[{ value: 'and', label: t('data.matchAll') }, { value: 'or', label: t('data.matchAny') }]} data-testid="filter-logic" />
        )}
        {value.items.map((it) => it.kind === 'group'
          ? <div key={it.id}><FilterBuilder value={it} fields={fields} depth={depth + 1} onChange={(g) => setItem(it.id, g.items.length ? g : null)} /></div>
          : <CondRow key={it.id} c={it} fields={fields} onChange={(c) => setItem(it.id, c)} onRemove={() => setItem(it.id, null)} />)}
        <Space>
          <Button size="small" icon={<PlusOutlined />} data-testid="filter-add"
            onClick={() => onChange({ ...value, items: [...value.items, { kind: 'cond', id: nextId(), field: '', op: 'eq' }] })}>{t('data.addCondition')}</Button>
          {depth < 3 && <Button size="small" type="dashed" icon={<PlusOutlined />}
            onClick={() => onChange({ ...value, items: [...value.items, { kind: 'group', id: nextId(), logic: value.logic === 'and' ? 'or' : 'and', items: [{ kind: 'cond', id: nextId(), field: '', op: 'eq' }] }] })}>
            {t('data.addGroup')}</Button>}
        </Space>
      </Space>
    </div>
  );
}

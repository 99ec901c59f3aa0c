import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App as AntApp, Badge, Breadcrumb, Button, Card, Checkbox, Dropdown, Popconfirm, Popover, Segmented, Select, Space, Spin, Table, Tooltip, Typography } from 'antd';
import type { TableProps } from 'antd';
import { DeleteOutlined, DownloadOutlined, FilterOutlined, UploadOutlined, LeftOutlined, PlusOutlined, ReloadOutlined, RightOutlined, RollbackOutlined, SafetyOutlined, SettingOutlined, ThunderboltOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { FieldDef, FormRecord, SortKey } from '../../api/types';
import { queryPath } from '../../fields/catalog';
import { DirectoryProvider, useDirectory } from '../../fields/directory';
import { formatValue } from '../../fields/format';
import { errorText } from '../../util/errors';
import { usePublished } from '../fill/usePublished';
import { FilterBuilder } from './FilterBuilder';
import { countConditions, emptyGroup, filterFields, toFilter, type Group } from './filterModel';
import { RecordDrawer } from './RecordDrawer';
import { RecordCards } from './RecordCards';
import { usePhone } from '../../util/usePhone';
import { maskDefinition, usePermission } from '../../permissions/usePermission';

const PAGE_SIZES = [20, 50, 100];
// The import dialog (upload, preview table) loads on first use.
const ImportDialog = lazy(() => import('./ImportDialog'));
const SORTABLE = new Set(['text', 'email', 'phone', 'url', 'number', 'money', 'percent', 'rating', 'date', 'datetime', 'select', 'boolean', 'serial', 'formula', 'user', 'department']);

export default function DataPage() {
  const { formId = '' } = useParams();
  return <DirectoryProvider><Data formId={formId} /></DirectoryProvider>;
}

function Data({ formId }: { formId: string }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const nav = useNavigate();
  const dir = useDirectory();
  const phone = usePhone();
  const { form: meta, version, error } = usePublished(formId);
  // What the member may do: the fields they may not see are left out of every column, card and drawer.
  const perm = usePermission(formId);
  const def = useMemo(() => (version && perm.loaded ? maskDefinition(version.definition, perm) : undefined), [version, perm]);
  const mayView = perm.can('record.view');
  const [bin, setBin] = useState(false);
  const [group, setGroup] = useState<Group>(emptyGroup());
  const [applied, setApplied] = useState<Group>(emptyGroup());
  const [sort, setSort] = useState<SortKey[]>([]);
  const [pageSize, setPageSize] = useState(20);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState(0);
  const [rows, setRows] = useState<FormRecord[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [total, setTotal] = useState<number | undefined>();
  const [loading, setLoading] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  // The open record is in the address (?record=), so it can be shared and reopened.
  const [params, setParams] = useSearchParams();
  const open = params.get('record');
  const setOpen = useCallback((id: string | null) => {
    setParams((p) => { const n = new URLSearchParams(p); if (id) n.set('record', id); else n.delete('record'); return n; }, { replace: true });
  }, [setParams]);
  const [hidden, setHidden] = useState<string[]>(() => {
    try { return JSON.parse(localStorage.getItem(`formloom.columns.${formId}`) ?? '[]') as string[]; } catch { return []; }
  });
  const [filterOpen, setFilterOpen] = useState(false);
  const [relLabels, setRelLabels] = useState(new Map<string, string>());
  const [importOpen, setImportOpen] = useState(false);
  const [exporting, setExporting] = useState(false);
  const abort = useRef<AbortController | null>(null);

  const filter = useMemo(() => toFilter(applied), [applied]);

  const load = useCallback(async (pageIdx: number, cursor: string | undefined, withTotal: boolean) => {
    abort.current?.abort();
    const ac = new AbortController(); abort.current = ac;
    setLoading(true);
    try {
      const p = await api.query(formId, { filter, sort: sort.length ? sort : undefined, limit: pageSize, cursor, total: withTotal || undefined, deleted: bin ? 'only' : undefined }, ac.signal);
      if (ac.signal.aborted) return;
      setRows(p.items); setNext(p.nextCursor); setPage(pageIdx);
      if (withTotal) setTotal(p.total);
      setCursors((c) => { const n = c.slice(0, pageIdx + 1); n[pageIdx] = cursor; return n; });
    } catch (e) {
      if ((e as Error).name !== 'AbortError') message.error(errorText(e));
    } finally { if (abort.current === ac) setLoading(false); }
  }, [formId, filter, sort, pageSize, bin, message]);

  // A new query (filter, sort, page size, bin) starts again at the first page, and asks for the total once.
  useEffect(() => { if (def && mayView) { setSelected([]); void load(0, undefined, true); } }, [def, load, mayView]);

  // Labels of related records shown in the page.
  useEffect(() => {
    if (!def) return;
    for (const f of def.fields.filter((x) => x.type === 'relation' && x.form && x.displayField)) {
      const ids = [...new Set(rows.flatMap((r) => { const v = r.data[f.key]; return v == null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]; }))].filter((id) => !relLabels.has(id));
      if (ids.length === 0) continue;
      void api.query(f.form!, { filter: { field: 'id', op: 'in', value: ids }, limit: ids.length }).then((p) => {
        setRelLabels((m) => { const n = new Map(m); for (const r of p.items) n.set(r.id, String(r.data[f.displayField!] ?? r.id)); return n; });
      }).catch(() => undefined);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, def]);

  if (error) return <Alert type="error" title={error} />;
  if (!meta || !version || !def) return meta && !version ? <Alert type="info" title={t('fill.notPublished')} /> : <Spin />;
  if (!mayView) {
    // A member who may only submit (or nothing at all) gets no list.
    return (
      <>
        <Breadcrumb style={{ marginBottom: 12 }} items={[{ title: <Link to="/">{t('nav.apps')}</Link> }, { title: <Link to={`/apps/${meta.app}`}>{t('forms.title')}</Link> }, { title: meta.name }]} />
        <Alert type="info" showIcon data-testid="no-view" title={t('perm.noView')}
          action={perm.can('record.create') ? <Button type="primary" icon={<PlusOutlined />} onClick={() => nav(`/forms/${formId}/fill`)} data-testid="add">{t('data.add')}</Button> : undefined} />
      </>
    );
  }
  // Deleting several records at once is a bulk action (record.bulk_edit) besides a delete; restoring goes one by one.
  const mayBulk = bin ? perm.can('record.restore') : perm.can('record.delete') && perm.can('record.bulk_edit');

  const ctx = { users: dir.users, departments: dir.departments, t, relationLabels: relLabels };
  const sortOrder = (f: FieldDef): 'ascend' | 'descend' | null => { const s = sort.find((x) => x.field === queryPath(f)); return s ? (s.desc ? 'descend' : 'ascend') : null; };
  const cols: TableProps<FormRecord>['columns'] = [
    ...def.fields.filter((f) => !hidden.includes(f.key)).map((f) => ({
      key: f.key, dataIndex: ['data', f.key], title: f.label, ellipsis: true,
      sorter: SORTABLE.has(f.type) ? { multiple: 1 } : undefined, sortOrder: sortOrder(f),
      render: (_: unknown, r: FormRecord) => formatValue(f, r.data[f.key], ctx),
    })),
    ...(!hidden.includes('_owner') ? [{
      key: '_owner', title: t('perm.owner'), width: 120, ellipsis: true,
      render: (_: unknown, r: FormRecord) => { const o = r.ownedBy || r.createdBy; return dir.users.find((u) => u.id === o)?.name ?? o; },
    }] : []),
    ...(!hidden.includes('_updatedAt') ? [{
      key: '_updatedAt', title: t('data.updatedAt'), width: 150, sorter: { multiple: 1 },
      sortOrder: (sort.find((x) => x.field === 'updatedAt') ? (sort.find((x) => x.field === 'updatedAt')!.desc ? 'descend' : 'ascend') : null) as 'ascend' | 'descend' | null,
      render: (_: unknown, r: FormRecord) => dayjs(bin && r.deletedAt ? r.deletedAt : r.updatedAt).format('YYYY-MM-DD HH:mm'),
    }] : []),
  ];

  const onTableChange: TableProps<FormRecord>['onChange'] = (_p, _f, sorter) => {
    const list = (Array.isArray(sorter) ? sorter : [sorter]).filter((s) => s.order);
    setSort(list.map((s) => {
      const key = String(s.columnKey);
      const f = def.fields.find((x) => x.key === key);
      return { field: key === '_updatedAt' ? 'updatedAt' : f ? queryPath(f) : key, desc: s.order === 'descend' };
    }));
  };

  const toggleColumn = (key: string, show: boolean) => {
    const n = show ? hidden.filter((k) => k !== key) : [...hidden, key];
    setHidden(n);
    try { localStorage.setItem(`formloom.columns.${formId}`, JSON.stringify(n)); } catch { /* ignore */ }
  };

  // One request per 500 records; the server answers per id, so a record someone
  // else deleted meanwhile is reported without stopping the others.
  const bulkDelete = async () => {
    let done = 0;
    const problems: string[] = [];
    try {
      for (let i = 0; i < selected.length; i += 500) {
        const r = await api.deleteRecords(formId, selected.slice(i, i + 500));
        done += r.succeeded;
        for (const it of r.items) if (!it.ok && it.error) problems.push(it.error.message);
      }
    } catch (e) { problems.push(errorText(e)); }
    if (problems.length) message.error(t('data.bulkPartial', { n: done, failed: selected.length - done, reason: [...new Set(problems)].join('; ') }));
    else message.success(t('data.bulkDeleted', { count: done }));
    setSelected([]);
    void load(0, undefined, true);
  };
  const bulkRestore = async () => {
    let failed = 0;
    for (const id of selected) { try { await api.restoreRecord(formId, id); } catch { failed++; } }
    if (failed) message.error(t('data.bulkFailed', { count: failed })); else message.success(t('data.restored'));
    setSelected([]);
    void load(0, undefined, true);
  };

  // Export runs the current filter, sort and recycle-bin choice over every page, on the server.
  const exportAs = async (format: 'csv' | 'xlsx') => {
    setExporting(true);
    try {
      const d = await api.exportRecords(formId, { filter, sort: sort.length ? sort : undefined, deleted: bin ? 'only' : undefined, format });
      const href = URL.createObjectURL(d.blob);
      const a = document.createElement('a');
      a.href = href; a.download = d.filename;
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch (e) { message.error(errorText(e)); } finally { setExporting(false); }
  };

  const fields = filterFields(def.fields, { createdAt: t('data.createdAt'), updatedAt: t('data.updatedAt'), createdBy: t('data.createdBy'), updatedBy: t('data.updatedBy') });
  const nConds = countConditions(applied);

  const binToggle = !perm.can('record.restore') ? null : <Segmented size="small" value={bin ? 'bin' : 'live'} data-testid="bin-toggle"
        onChange={(v) => { setBin(v === 'bin'); setSelected([]); }} options={[{ value: 'live', label: t('data.records') }, { value: 'bin', label: t('data.recycleBin') }]} />;
  const toolbar = (<Space wrap={phone} className="fl-toolbar">
          <Popover trigger="click" open={filterOpen} onOpenChange={setFilterOpen} placement={phone ? 'bottom' : 'bottomRight'} content={
            <div style={{ maxWidth: phone ? 'calc(100vw - 32px)' : 760 }}>
              <FilterBuilder value={group} onChange={setGroup} fields={fields} />
              <Space style={{ marginTop: 12 }}>
                <Button type="primary" size="small" onClick={() => { setApplied(group); setFilterOpen(false); }} data-testid="filter-apply">{t('data.applyFilter')}</Button>
                <Button size="small" onClick={() => { const g = emptyGroup(); setGroup(g); setApplied(g); }}>{t('data.clearFilter')}</Button>
              </Space>
            </div>}>
            <Badge count={nConds} size="small"><Button icon={<FilterOutlined />} data-testid="filter">{t('data.filter')}</Button></Badge>
          </Popover>
          <Popover trigger="click" placement="bottomRight" content={
            <Space orientation="vertical" data-testid="column-chooser">
              {def.fields.map((f) => <Checkbox key={f.key} checked={!hidden.includes(f.key)} onChange={(e) => toggleColumn(f.key, e.target.checked)}>{f.label}</Checkbox>)}
              <Checkbox checked={!hidden.includes('_owner')} onChange={(e) => toggleColumn('_owner', e.target.checked)}>{t('perm.owner')}</Checkbox>
              <Checkbox checked={!hidden.includes('_updatedAt')} onChange={(e) => toggleColumn('_updatedAt', e.target.checked)}>{t('data.updatedAt')}</Checkbox>
            </Space>}>
            <Button icon={<SettingOutlined />} data-testid="columns-button">{t('data.columns')}</Button>
          </Popover>
          <Tooltip title={t('data.reload')}><Button icon={<ReloadOutlined />} onClick={() => void load(0, undefined, true)} aria-label={t('data.reload')} /></Tooltip>
          {perm.can('record.export') && <Dropdown trigger={['click']} menu={{ items: [{ key: 'csv', label: t('data.exportCSV') }, { key: 'xlsx', label: t('data.exportExcel') }],
            onClick: ({ key }) => void exportAs(key as 'csv' | 'xlsx') }}>
            <Button icon={<DownloadOutlined />} loading={exporting} data-testid="export">{t('data.export')}</Button>
          </Dropdown>}
          {perm.manage && <Tooltip title={t('perm.title')}><Button icon={<SafetyOutlined />} onClick={() => nav(`/forms/${formId}/permissions`)} aria-label={t('perm.title')} data-testid="data-permissions" /></Tooltip>}
          {perm.manage && <Tooltip title={t('automation.nav')}><Button icon={<ThunderboltOutlined />} onClick={() => nav(`/forms/${formId}/automations`)} aria-label={t('automation.nav')} data-testid="data-automations" /></Tooltip>}
          {!bin && perm.can('record.import') && <Button icon={<UploadOutlined />} onClick={() => setImportOpen(true)} data-testid="import">{t('data.import')}</Button>}
          {!bin && perm.can('record.create') && <Button type="primary" icon={<PlusOutlined />} onClick={() => nav(`/forms/${formId}/fill`)} data-testid="add">{t('data.add')}</Button>}
        </Space>);

  return (
    <>
      <Breadcrumb style={{ marginBottom: 12 }} items={[{ title: <Link to="/">{t('nav.apps')}</Link> }, { title: <Link to={`/apps/${meta.app}`}>{t('forms.title')}</Link> }, { title: meta.name }]} />
      <Card title={phone ? meta.name : <Space><span>{meta.name}</span>{binToggle}</Space>}
        extra={phone ? undefined : toolbar}>
        {phone && <div className="fl-phone-tools">{binToggle}{toolbar}</div>}
        {selected.length > 0 && mayBulk && (
          <Space style={{ marginBottom: 12 }}>
            <Typography.Text>{t('data.selected', { n: selected.length })}</Typography.Text>
            {bin ? <Button icon={<RollbackOutlined />} onClick={() => void bulkRestore()} data-testid="bulk-restore">{t('data.restore')}</Button> : (
              <Popconfirm title={t('data.bulkDeleteConfirm', { count: selected.length })} okButtonProps={{ danger: true }} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => void bulkDelete()}>
                <Button danger icon={<DeleteOutlined />} data-testid="bulk-delete">{t('data.deleteSelected')}</Button>
              </Popconfirm>
            )}
          </Space>
        )}
        {phone ? (
          <RecordCards fields={def.fields.filter((f) => !hidden.includes(f.key))} rows={rows} loading={loading} ctx={ctx} bin={bin}
            selected={selected} onSelect={setSelected} onOpen={setOpen} selectable={mayBulk} />
        ) : (
          <Table<FormRecord> rowKey="id" size="middle" loading={loading} dataSource={rows} columns={cols} pagination={false} scroll={{ x: 'max-content' }}
            rowSelection={mayBulk ? { selectedRowKeys: selected, onChange: (k) => setSelected(k as string[]) } : undefined} onChange={onTableChange} showSorterTooltip={false}
            onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' }, 'data-testid': 'record-row' } as React.HTMLAttributes<HTMLElement>)} />
        )}
        {/* The pager stays on one line, on a phone too (a select instead of the page-size buttons). */}
        <Space wrap={false} className="fl-pager" data-testid="pager" style={{ marginTop: 12, width: '100%', justifyContent: 'flex-end' }}>
          {total !== undefined && <Typography.Text type="secondary" data-testid="total">{t('data.total', { count: total })}</Typography.Text>}
          <Typography.Text type="secondary">{t('data.page', { n: page + 1 })}</Typography.Text>
          <Button size="small" icon={<LeftOutlined />} disabled={page === 0 || loading} onClick={() => void load(page - 1, cursors[page - 1], false)} aria-label={t('data.prev')} />
          <Button size="small" icon={<RightOutlined />} disabled={!next || loading} onClick={() => void load(page + 1, next, false)} aria-label={t('data.next')} data-testid="next-page" />
          {phone
            ? <Select size="small" value={pageSize} options={PAGE_SIZES.map((n) => ({ value: n, label: t('data.perPage', { n }) }))} onChange={(v) => setPageSize(Number(v))} aria-label={t('data.perPageLabel')} />
            : <Segmented size="small" value={pageSize} options={PAGE_SIZES.map((n) => ({ value: n, label: t('data.perPage', { n }) }))} onChange={(v) => setPageSize(Number(v))} />}
        </Space>
      </Card>
      {importOpen && <Suspense fallback={null}><ImportDialog formId={formId} open={importOpen} onClose={() => setImportOpen(false)} onImported={() => void load(0, undefined, true)} /></Suspense>}
      <RecordDrawer formId={formId} def={def} recordId={open} deleted={bin} perm={perm} onClose={() => setOpen(null)} onChanged={() => void load(page, cursors[page], true)} />
    </>
  );
}

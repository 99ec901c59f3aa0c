import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App as AntApp, Badge, Breadcrumb, Button, Card, Checkbox, Dropdown, Grid, Input, Popconfirm, Popover, Segmented, Select, Space, Spin, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableProps } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, DownloadOutlined, FilterOutlined, UploadOutlined, LeftOutlined, PlusOutlined, ReloadOutlined, RightOutlined, RollbackOutlined, SafetyOutlined, SettingOutlined, ThunderboltOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import '../../i18n/views';
import '../../i18n/board';
import type { FieldDef, Filter, FormRecord, SortKey } from '../../api/types';
import { reportApi, type SavedView, type ViewConfig } from '../../api/report';
import { queryPath } from '../../fields/catalog';
import { DirectoryProvider, useDirectory } from '../../fields/directory';
import { formatValue } from '../../fields/format';
import { errorText } from '../../util/errors';
import { usePublished } from '../fill/usePublished';
import { FilterBuilder } from './FilterBuilder';
import { countConditions, emptyGroup, filterFields, fromFilter, toFilter, type Group } from './filterModel';
import { GroupedTable } from './GroupedTable';
import { ResizableTitle } from './ResizableTitle';
import { formatSum, GROUPABLE, SEARCHABLE, SUMMABLE } from './totals';
import { fromView, move, ordered, SYSTEM_COLUMNS, toView, useColumns } from './useColumns';
import { ViewBar } from './ViewBar';
import { fromConfig, LayoutSwitch, useLayout } from './board/layoutState';
import { RecordDrawer } from './RecordDrawer';
import { RecordCards } from './RecordCards';
import { usePhone } from '../../util/usePhone';
import { maskDefinition, usePermission } from '../../permissions/usePermission';
import { useLiveRefresh } from '../../live/useLive';
import { useLookupSources } from '../../fields/lookups';

const PAGE_SIZES = [20, 50, 100];
// The import dialog (upload, preview table) loads on first use.
const ImportDialog = lazy(() => import('./ImportDialog'));
// The kanban board (with its drag library) and the calendar load when a view shows them.
const Board = lazy(() => import('./board/Board'));
const CalendarView = lazy(() => import('./calendar/CalendarView'));
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
  // The toolbar fits in the card's header on a wide screen only; below that (1280 px with English labels
  // overflowed the card and squeezed out the form's name) it wraps on its own row above the records.
  const bp = Grid.useBreakpoint();
  const toolsInHeader = !phone && !!bp.xxl;
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
  const [colState, setColState] = useColumns(formId);
  const [lay, setLay] = useLayout(formId);
  // reload tells the board and the calendar that records changed in the drawer.
  const [reload, setReload] = useState(0);
  const hidden = colState.hidden;
  const [search, setSearch] = useState('');
  const [searchApplied, setSearchApplied] = useState('');
  const [groupBy, setGroupBy] = useState('');
  const [totals, setTotals] = useState<unknown[] | null>(null);
  // Saved views: the open one is in the address (?view=), so a link opens it.
  const [views, setViews] = useState<SavedView[]>([]);
  const [viewsLoaded, setViewsLoaded] = useState(false);
  const viewId = params.get('view') ?? '';
  const [filterOpen, setFilterOpen] = useState(false);
  const [relLabels, setRelLabels] = useState(new Map<string, string>());
  const lookups = useLookupSources(def?.fields);
  // The records the board shows (its columns load their own pages): their related records need labels too.
  const [boardRows, setBoardRows] = useState<FormRecord[]>([]);
  const [importOpen, setImportOpen] = useState(false);
  const [exporting, setExporting] = useState(false);
  const abort = useRef<AbortController | null>(null);

  // The quick search looks for the words in every text field the member sees.
  const searchFields = useMemo(() => (def ? def.fields.filter((f) => SEARCHABLE.has(f.type)) : []), [def]);
  const filter = useMemo((): Filter | undefined => {
    const f = toFilter(applied);
    const q = searchApplied.trim();
    if (!q || searchFields.length === 0) return f;
    const s: Filter = { or: searchFields.map((x) => ({ field: x.key, op: 'contains' as const, value: q })) };
    return f ? { and: [f, s] } : s;
  }, [applied, searchApplied, searchFields]);
  useEffect(() => { const h = setTimeout(() => setSearchApplied(search), 300); return () => clearTimeout(h); }, [search]);

  const allKeys = useMemo(() => (def ? [...def.fields.map((f) => f.key), ...SYSTEM_COLUMNS] : []), [def]);
  // applyView shows a saved view (or, for '', everything as this browser last had it).
  const applyView = useCallback((v: SavedView | undefined) => {
    const c: ViewConfig = v?.config ?? {};
    const g = fromFilter(c.filter) ?? emptyGroup();
    setGroup(g); setApplied(g);
    setSort(c.sort ?? []);
    setGroupBy(c.groupBy ?? '');
    if (v) { setColState(fromView(c.columns, allKeys)); setLay(fromConfig(c)); }
  }, [allKeys, setColState, setLay]);
  // Picking a view closes the open record; opening the default view on arrival keeps it
  // (a link to a record, from an alert or a run, opens it under the member's default view).
  const pickView = useCallback((id: string, keepRecord = false) => {
    setParams((p) => { const n = new URLSearchParams(p); if (id) n.set('view', id); else n.delete('view'); if (!keepRecord) n.delete('record'); return n; }, { replace: true });
  }, [setParams]);
  useEffect(() => {
    if (!def) return;
    let live = true;
    reportApi.views(formId).then((r) => {
      if (!live) return;
      setViews(r.items); setViewsLoaded(true);
      // A member's first visit opens their roles' default view.
      if (!params.get('view') && !params.get('filter') && r.default) pickView(r.default, true);
    }).catch(() => { if (live) setViewsLoaded(true); });
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [formId, !!def]);
  useEffect(() => {
    if (!viewsLoaded) return;
    const v = views.find((x) => x.id === viewId);
    if (viewId && !v) { message.info(t('views.notFound')); pickView(''); return; }
    applyView(v);
    // A drill-down from a dashboard opens the records behind a figure (?filter=, the query model as JSON).
    const urlFilter = params.get('filter');
    if (!v && urlFilter) {
      try { const g = fromFilter(JSON.parse(urlFilter) as Filter); if (g) { setGroup(g); setApplied(g); } } catch { /* a broken link shows everything */ }
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [viewId, viewsLoaded]);
  const currentConfig = (): ViewConfig => ({ layout: lay.layout, kanban: lay.kanban, calendar: lay.calendar, filter, sort: sort.length ? sort : undefined, columns: toView(colState, allKeys), groupBy: groupBy || undefined });

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
  const tableShown = lay.layout === 'table' || bin;
  useEffect(() => { if (def && mayView && tableShown) { setSelected([]); void load(0, undefined, true); } }, [def, load, mayView, tableShown]);

  // The totals row sums the number columns over every record the query matches, not the page.
  const [liveTick, setLiveTick] = useState(0);
  const sumFields = useMemo(() => (def ? def.fields.filter((f) => SUMMABLE.has(f.type) && !hidden.includes(f.key)) : []), [def, hidden]);
  useEffect(() => {
    if (!def || !mayView || sumFields.length === 0 || !tableShown) { setTotals(null); return; }
    const ac = new AbortController();
    reportApi.aggregate(formId, { filter, deleted: bin ? 'only' : undefined, metrics: sumFields.map((f) => ({ op: 'sum' as const, field: queryPath(f) })) }, ac.signal)
      .then((r) => setTotals(r.groups[0]?.values ?? null)).catch(() => setTotals(null));
    return () => ac.abort();
  }, [def, mayView, formId, filter, bin, sumFields, tableShown, liveTick]);
  // Changes by anyone (another member, tab or process) refresh what is shown, debounced: the table's page
  // and totals, or the board's and calendar's columns and counts.
  useLiveRefresh(def && mayView ? [formId] : [], () => {
    if (tableShown) { void load(page, cursors[page], true); setLiveTick((n) => n + 1); } else setReload((n) => n + 1);
  });

  // Labels of related records shown in the page (asked: the ids already requested).
  const asked = useRef(new Set<string>());
  useEffect(() => {
    if (!def) return;
    const shown = [...rows, ...boardRows];
    for (const f of def.fields.filter((x) => x.type === 'relation' && x.form && x.displayField)) {
      const ids = [...new Set(shown.flatMap((r) => { const v = r.data[f.key]; return v == null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]; }))].filter((id) => !relLabels.has(id) && !asked.current.has(id));
      // A board's columns hold many records: ask in pages of 100 ids, each id once.
      for (let i = 0; i < ids.length; i += 100) {
        const part = ids.slice(i, i + 100);
        for (const id of part) asked.current.add(id);
        void api.query(f.form!, { filter: { field: 'id', op: 'in', value: part }, limit: part.length }).then((p) => {
          setRelLabels((m) => { const n = new Map(m); for (const r of p.items) n.set(r.id, String(r.data[f.displayField!] ?? r.id)); return n; });
        }).catch(() => { for (const id of part) asked.current.delete(id); });
      }
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, boardRows, def]);

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

  const ctx = { users: dir.users, departments: dir.departments, t, relationLabels: relLabels, lookups };
  const sortOrder = (f: FieldDef): 'ascend' | 'descend' | null => { const s = sort.find((x) => x.field === queryPath(f)); return s ? (s.desc ? 'descend' : 'ascend') : null; };
  const renderCell = (f: FieldDef, v: unknown) => {
    // Choices show as tags in their option's colour.
    if ((f.type === 'select' || f.type === 'multiselect') && v !== null && v !== undefined && v !== '') {
      const list = Array.isArray(v) ? (v as string[]) : [String(v)];
      return <>{list.map((x) => { const o = f.options?.find((opt) => opt.value === x); return <Tag key={x} color={o?.color} data-testid="select-tag">{o?.label ?? x}</Tag>; })}</>;
    }
    return formatValue(f, v, ctx);
  };
  const colDefs: Record<string, NonNullable<TableProps<FormRecord>['columns']>[number]> = {
    _owner: {
      key: '_owner', title: t('perm.owner'), width: 120, ellipsis: true,
      render: (_: unknown, r: FormRecord) => { const o = r.ownedBy || r.createdBy; return dir.users.find((u) => u.id === o)?.name ?? o; },
    },
    _updatedAt: {
      key: '_updatedAt', title: t('data.updatedAt'), width: 150, sorter: { multiple: 1 },
      sortOrder: (sort.find((x) => x.field === 'updatedAt') ? (sort.find((x) => x.field === 'updatedAt')!.desc ? 'descend' : 'ascend') : null) as 'ascend' | 'descend' | null,
      render: (_: unknown, r: FormRecord) => dayjs(bin && r.deletedAt ? r.deletedAt : r.updatedAt).format('YYYY-MM-DD HH:mm'),
    },
  };
  for (const f of def.fields) {
    colDefs[f.key] = {
      key: f.key, dataIndex: ['data', f.key], title: f.label, ellipsis: true,
      sorter: SORTABLE.has(f.type) ? { multiple: 1 } : undefined, sortOrder: sortOrder(f),
      render: (_: unknown, r: FormRecord) => renderCell(f, r.data[f.key]),
    };
  }
  const shownKeys = ordered(colState, allKeys).filter((k) => !hidden.includes(k));
  const cols: TableProps<FormRecord>['columns'] = shownKeys.map((k) => {
    const c = colDefs[k];
    const width = colState.widths[k] ?? (c as { width?: number }).width;
    return { ...c, width, onHeaderCell: () => ({ width, onResize: (w: number) => setColState({ ...colState, widths: { ...colState.widths, [k]: w } }) }) as React.HTMLAttributes<HTMLElement> };
  });
  const groupField = groupBy ? def.fields.find((f) => f.key === groupBy && GROUPABLE.has(f.type)) : undefined;
  const grouped = !!groupField;
  const summary = totals && !phone ? () => (
    <Table.Summary fixed>
      <Table.Summary.Row data-testid="totals-row">
        {mayBulk && <Table.Summary.Cell index={0} />}
        {shownKeys.map((k, i) => {
          const j = sumFields.findIndex((f) => f.key === k);
          return <Table.Summary.Cell key={k} index={i + (mayBulk ? 1 : 0)}>
            {i === 0 && j < 0 ? <Typography.Text strong>{t('views.totals')}</Typography.Text> : j >= 0 ? <Typography.Text strong data-testid={`total-${k}`}>{formatSum(sumFields[j], totals[j], ctx)}</Typography.Text> : null}
          </Table.Summary.Cell>;
        })}
      </Table.Summary.Row>
    </Table.Summary>
  ) : undefined;

  const onTableChange: TableProps<FormRecord>['onChange'] = (_p, _f, sorter) => {
    const list = (Array.isArray(sorter) ? sorter : [sorter]).filter((s) => s.order);
    setSort(list.map((s) => {
      const key = String(s.columnKey);
      const f = def.fields.find((x) => x.key === key);
      return { field: key === '_updatedAt' ? 'updatedAt' : f ? queryPath(f) : key, desc: s.order === 'descend' };
    }));
  };

  const toggleColumn = (key: string, show: boolean) => {
    setColState({ ...colState, hidden: show ? hidden.filter((k) => k !== key) : [...hidden, key] });
  };
  const colLabel = (k: string) => k === '_owner' ? t('perm.owner') : k === '_updatedAt' ? t('data.updatedAt') : def.fields.find((f) => f.key === k)?.label ?? k;

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
  const groupOptions = [{ value: '', label: t('views.noGroup') }, ...def.fields.filter((f) => GROUPABLE.has(f.type)).map((f) => ({ value: f.key, label: f.label }))];
  const toolbar = (<Space wrap={!toolsInHeader} className="fl-toolbar">
          <ViewBar formId={formId} current={viewId} views={views} manage={perm.manage} config={currentConfig} onPick={(id) => pickView(id)}
            onSaved={(v) => { setViews((l) => [...l.filter((x) => x.id !== v.id), v]); pickView(v.id); }}
            onDeleted={(id) => { setViews((l) => l.filter((x) => x.id !== id)); pickView(''); }} />
          {!bin && <LayoutSwitch value={lay.layout} onChange={(l) => setLay({ ...lay, layout: l })} fields={def.fields} />}
          {searchFields.length > 0 && <Input.Search allowClear value={search} onChange={(e) => setSearch(e.target.value)} onSearch={(v) => { setSearch(v); setSearchApplied(v); }}
            placeholder={t('views.searchPlaceholder', { fields: searchFields.slice(0, 3).map((f) => f.label).join('、') })} style={{ width: phone ? '100%' : 200 }} data-testid="quick-search" aria-label={t('views.search')} />}
          {tableShown && <Select value={groupBy} onChange={setGroupBy} options={groupOptions} style={{ minWidth: 110 }} aria-label={t('views.groupBy')} data-testid="group-by"
            prefix={t('views.groupBy')} popupMatchSelectWidth={false} />}
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
            <Space orientation="vertical" data-testid="column-chooser" style={{ maxHeight: 420, overflowY: 'auto' }}>
              {ordered(colState, allKeys).map((k, i, all) => (
                <Space key={k} style={{ width: '100%', justifyContent: 'space-between' }}>
                  <Checkbox checked={!hidden.includes(k)} onChange={(e) => toggleColumn(k, e.target.checked)}>{colLabel(k)}</Checkbox>
                  <Space size={0}>
                    <Button size="small" type="text" icon={<ArrowUpOutlined />} disabled={i === 0} aria-label={t('views.moveUp')} onClick={() => setColState(move(colState, allKeys, k, -1))} data-testid={`col-up-${k}`} />
                    <Button size="small" type="text" icon={<ArrowDownOutlined />} disabled={i === all.length - 1} aria-label={t('views.moveDown')} onClick={() => setColState(move(colState, allKeys, k, 1))} />
                  </Space>
                </Space>
              ))}
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
        extra={toolsInHeader ? toolbar : undefined}>
        {phone && <div className="fl-phone-tools">{binToggle}{toolbar}</div>}
        {!phone && !toolsInHeader && <div style={{ marginBottom: 12 }} data-testid="data-tools">{toolbar}</div>}
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
        {!tableShown ? (
          <Suspense fallback={<div style={{ textAlign: 'center', padding: 24 }}><Spin /></div>}>
            {lay.layout === 'kanban'
              ? <Board formId={formId} fields={def.fields} filter={filter} sort={sort} config={lay.kanban} onConfig={(k) => setLay({ ...lay, kanban: k })}
                ctx={ctx} users={dir.users} movable={(k) => perm.can('record.edit') && perm.access(k) === 'edit'} onOpen={setOpen} reload={reload} onShown={setBoardRows} />
              : <CalendarView formId={formId} fields={def.fields} filter={filter} config={lay.calendar} onConfig={(c) => setLay({ ...lay, calendar: c })}
                ctx={ctx} movable={(k) => perm.can('record.edit') && perm.access(k) === 'edit'} onOpen={setOpen} reload={reload} />}
          </Suspense>
        ) : groupField ? (
          <GroupedTable formId={formId} field={groupField} filter={filter} sort={sort} deleted={bin} columns={cols} sums={sumFields} ctx={ctx} onOpen={setOpen} reload={liveTick}
            renderRows={phone ? (rs) => <RecordCards fields={def.fields.filter((f) => !hidden.includes(f.key))} rows={rs ?? []} loading={rs === null} ctx={ctx} bin={bin}
              selected={[]} onSelect={() => undefined} onOpen={setOpen} selectable={false} /> : undefined} />
        ) : phone ? (
          <RecordCards fields={def.fields.filter((f) => !hidden.includes(f.key))} rows={rows} loading={loading} ctx={ctx} bin={bin}
            selected={selected} onSelect={setSelected} onOpen={setOpen} selectable={mayBulk} />
        ) : (
          <Table<FormRecord> rowKey="id" size="middle" loading={loading} dataSource={rows} columns={cols} pagination={false} scroll={{ x: 'max-content' }}
            components={{ header: { cell: ResizableTitle } }} summary={summary}
            rowSelection={mayBulk ? { selectedRowKeys: selected, onChange: (k) => setSelected(k as string[]) } : undefined} onChange={onTableChange} showSorterTooltip={false}
            onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' }, 'data-testid': 'record-row' } as React.HTMLAttributes<HTMLElement>)} />
        )}
        {/* On a phone the totals over every matching record follow the cards (the table has them as its last row). */}
        {phone && tableShown && !groupField && totals && sumFields.length > 0 && (
          <Space wrap size={[12, 4]} style={{ marginTop: 8 }} data-testid="totals-row">
            <Typography.Text strong>{t('views.totals')}</Typography.Text>
            {sumFields.map((f, j) => <Typography.Text key={f.key}>{f.label} <Typography.Text strong data-testid={`total-${f.key}`}>{formatSum(f, totals[j], ctx) || 0}</Typography.Text></Typography.Text>)}
          </Space>
        )}
        {/* The pager stays on one line, on a phone too (a select instead of the page-size buttons). */}
        {tableShown && <Space wrap={false} className="fl-pager" data-testid="pager" style={{ marginTop: 12, width: '100%', justifyContent: 'flex-end' }}>
          {total !== undefined && <Typography.Text type="secondary" data-testid="total">{t('data.total', { count: total })}</Typography.Text>}
          {/* Grouped, the groups page themselves: only the total stays. */}
          {!grouped && <>
            <Typography.Text type="secondary">{t('data.page', { n: page + 1 })}</Typography.Text>
            <Button size="small" icon={<LeftOutlined />} disabled={page === 0 || loading} onClick={() => void load(page - 1, cursors[page - 1], false)} aria-label={t('data.prev')} />
            <Button size="small" icon={<RightOutlined />} disabled={!next || loading} onClick={() => void load(page + 1, next, false)} aria-label={t('data.next')} data-testid="next-page" />
            {phone
              ? <Select size="small" value={pageSize} options={PAGE_SIZES.map((n) => ({ value: n, label: t('data.perPage', { n }) }))} onChange={(v) => setPageSize(Number(v))} aria-label={t('data.perPageLabel')} />
              : <Segmented size="small" value={pageSize} options={PAGE_SIZES.map((n) => ({ value: n, label: t('data.perPage', { n }) }))} onChange={(v) => setPageSize(Number(v))} />}
          </>}
        </Space>}
      </Card>
      {importOpen && <Suspense fallback={null}><ImportDialog formId={formId} open={importOpen} onClose={() => setImportOpen(false)} onImported={() => void load(0, undefined, true)} /></Suspense>}
      <RecordDrawer formId={formId} def={def} recordId={open} deleted={bin} perm={perm} onClose={() => setOpen(null)} onChanged={() => { if (tableShown) { void load(page, cursors[page], true); setLiveTick((n) => n + 1); } else setReload((n) => n + 1); }} />
    </>
  );
}

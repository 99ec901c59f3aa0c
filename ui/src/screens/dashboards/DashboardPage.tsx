import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { App as AntApp, Breadcrumb, Button, Card, DatePicker, Dropdown, Empty, Result, Select, Space, Spin, Typography } from 'antd';
import { CheckOutlined, DeleteOutlined, FilterOutlined, DownloadOutlined, EditOutlined, LayoutOutlined, MoreOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import ReactGridLayout, { useContainerWidth } from 'react-grid-layout';
import 'react-grid-layout/css/styles.css';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import '../../i18n/dashboards';
import { ApiError, api } from '../../api/client';
import type { App, Form } from '../../api/types';
import { dashboardsApi, type Chart, type ChartData, type Dashboard, type FilterValues } from '../../api/dashboards';
import { DirectoryProvider, useDirectory } from '../../fields/directory';
import { errorText } from '../../util/errors';
import { usePhone } from '../../util/usePhone';
import { ChartView, type ChartViewHandle } from './ChartView';
import { csvOf, fieldText, namesOf, stackOrder, type Names, type T } from './chartModel';
import { useManagesApp } from './DashboardListPage';
import { useLiveRefresh } from '../../live/useLive';
import { labelSourceData, sourceNames, sourceTitle } from './sourceCharts';

// The chart dialog (field pickers, preview) loads when opened.
const ChartDialog = lazy(() => import('./ChartDialog'));
const FiltersDialog = lazy(() => import('./FiltersDialog'));

/** Below this width the grid becomes one column of stacked cards. */
const STACK_BELOW = 640;
const ROW_HEIGHT = 72;

/** DashboardPage shows one dashboard (route /dashboards/:id). */
export default function DashboardPage() {
  return <DirectoryProvider><Board /></DirectoryProvider>;
}

function Board() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const nav = useNavigate();
  const dir = useDirectory();
  const [db, setDb] = useState<Dashboard | null>(null);
  const [missing, setMissing] = useState(false);
  const [app, setApp] = useState<App | null>(null);
  const [forms, setForms] = useState<Form[]>([]);
  const [values, setValues] = useState<FilterValues>({});
  const [data, setData] = useState<Record<string, ChartData>>({});
  const [loading, setLoading] = useState(false);
  const [editing, setEditing] = useState(false);
  const [dialog, setDialog] = useState<{ chart?: Chart } | null>(null);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const manager = useManagesApp(db?.app ?? '');
  const phone = usePhone();
  const abort = useRef<AbortController | null>(null);
  // Field labels and members' names per form, so charts never show a raw key or id.
  const names = useMemo(() => new Map(forms.map((f) => [f.id, namesOf(f.draft?.fields, dir.users)])), [forms, dir.users]);

  useEffect(() => {
    let live = true;
    dashboardsApi.get(id).then(async (d) => {
      if (!live) return;
      setDb(d);
      const [a, fs] = await Promise.all([api.app(d.app), api.forms(d.app)]);
      if (live) { setApp(a); setForms(fs); }
    }).catch((e) => { if (!live) return; if (e instanceof ApiError && e.status === 404) setMissing(true); else message.error(errorText(e)); });
    return () => { live = false; };
  }, [id, message]);

  const load = useCallback(async () => {
    if (!db) return;
    abort.current?.abort();
    const ac = new AbortController(); abort.current = ac;
    setLoading(true);
    try {
      const items = await dashboardsApi.data(db.id, values, ac.signal);
      if (!ac.signal.aborted) setData(Object.fromEntries(items.map((c) => [c.chart, c])));
    } catch (e) {
      if ((e as Error).name !== 'AbortError') message.error(errorText(e));
    } finally { if (!ac.signal.aborted) setLoading(false); }
  }, [db, values, message]);
  useEffect(() => { void load(); }, [load]);
  // Record changes in the charts' forms refresh the figures (debounced: a burst of writes is one reload).
  useLiveRefresh(db ? [...new Set(db.charts.map((c) => c.form).filter(Boolean))] : [], () => void load(), 1000);

  // save writes the dashboard at the version read; a conflict reloads it.
  const save = async (next: Dashboard): Promise<boolean> => {
    try {
      const saved = await dashboardsApi.update(next.id, { title: next.title, roles: next.roles, filters: next.filters, charts: next.charts }, next.version);
      setDb(saved);
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) { message.warning(t('dashboards.conflict')); setDb(await dashboardsApi.get(next.id)); return false; }
      message.error(errorText(e));
      return false;
    }
  };
  const onLayout = (layout: readonly { i: string; x: number; y: number; w: number; h: number }[]) => {
    if (!db || !editing) return;
    const at = new Map(layout.map((l) => [l.i, l]));
    let changed = false;
    const charts = db.charts.map((c) => {
      const l = at.get(c.id);
      if (!l || (l.x === c.layout.x && l.y === c.layout.y && l.w === c.layout.w && l.h === c.layout.h)) return c;
      changed = true;
      return { ...c, layout: { x: l.x, y: l.y, w: l.w, h: l.h } };
    });
    if (changed) setDb({ ...db, charts });
  };
  const finishEditing = async () => { if (db && await save(db)) setEditing(false); };
  const putChart = async (c: Chart) => {
    if (!db) return false;
    const exists = db.charts.some((x) => x.id === c.id);
    const ok = await save({ ...db, charts: exists ? db.charts.map((x) => (x.id === c.id ? c : x)) : [...db.charts, c] });
    if (ok) message.success(t('dashboards.saved'));
    return ok;
  };
  const removeChart = (c: Chart) => modal.confirm({
    title: t('dashboards.removeChart'), okButtonProps: { danger: true }, okText: t('common.delete'), cancelText: t('common.cancel'),
    onOk: async () => { if (db) await save({ ...db, charts: db.charts.filter((x) => x.id !== c.id) }); },
  });
  const drill = async (c: Chart, keys: unknown[]) => {
    if (!db) return;
    try {
      const d = await dashboardsApi.drill(db.id, c.id, keys, values);
      nav(`/forms/${d.form}/data?filter=${encodeURIComponent(JSON.stringify(d.filter))}`);
    } catch (e) { message.error(errorText(e)); }
  };

  if (missing) return <Result status="404" title={t('dashboards.notFound')} extra={<Link to="/">{t('nav.apps')}</Link>} />;
  if (!db) return <Spin />;
  const formName = (fid: string) => forms.find((f) => f.id === fid)?.name ?? fid;
  const tiles = stackOrder(db.charts);
  return (
    <div>
      <Breadcrumb style={{ marginBottom: 12 }} items={[{ title: <Link to="/">{t('nav.apps')}</Link> }, { title: <Link to={`/apps/${db.app}`}>{app?.name ?? '…'}</Link> },
        { title: <Link to={`/apps/${db.app}/dashboards`}>{t('dashboards.title')}</Link> }, { title: db.title }]} />
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="dashboard-heading">{db.title}</Typography.Title>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={() => void load()} loading={loading} aria-label={t('dashboards.refresh')} />
          {manager && !editing && <Button icon={<LayoutOutlined />} onClick={() => setEditing(true)} data-testid="edit-layout">{t('dashboards.edit')}</Button>}
          {manager && <Button icon={<PlusOutlined />} onClick={() => setDialog({})} data-testid="add-chart">{t('dashboards.addChart')}</Button>}
          {editing && <Button icon={<FilterOutlined />} onClick={() => setFiltersOpen(true)} data-testid="edit-filters">{t('dashboards.filters')}</Button>}
          {editing && <Button type="primary" icon={<CheckOutlined />} onClick={() => void finishEditing()} data-testid="done-layout">{t('dashboards.done')}</Button>}
        </Space>
      </Space>
      {(db.filters ?? []).length > 0 && (
        <Space wrap style={{ marginBottom: 12 }} data-testid="dashboard-filters">
          {(db.filters ?? []).map((f) => {
            const v = values[f.id] ?? {};
            const set = (nv: typeof v | undefined) => setValues((all) => { const n = { ...all }; if (nv) n[f.id] = nv; else delete n[f.id]; return n; });
            const label = f.label || t(`dashboards.filterKind.${f.kind}`);
            if (f.kind === 'date_range') {
              return (
                <span key={f.id} data-testid={`filter-${f.id}`}>
                  {/* The filter's name leads its picker: two date ranges (created, signed) are told apart. */}
                  <DatePicker.RangePicker allowEmpty={[true, true]} aria-label={label} prefix={<Typography.Text type="secondary">{label}</Typography.Text>}
                    value={[v.from ? dayjs(v.from) : null, v.to ? dayjs(v.to) : null]}
                    onChange={(r) => { const from = r?.[0]?.format('YYYY-MM-DD'); const to = r?.[1]?.format('YYYY-MM-DD'); set(from || to ? { from, to } : undefined); }} />
                </span>
              );
            }
            const options = f.kind === 'user' ? dir.users.map((u) => ({ value: u.id, label: u.name })) : dir.departments.map((d) => ({ value: d.id, label: d.name }));
            return (
              <Select key={f.id} allowClear showSearch optionFilterProp="label" prefix={<Typography.Text type="secondary">{label}</Typography.Text>} placeholder={t('dashboards.filterAny')} style={{ minWidth: 180 }} data-testid={`filter-${f.id}`}
                value={v.value} options={options} onChange={(x?: string) => set(x ? { value: x } : undefined)} />
            );
          })}
        </Space>
      )}
      <Measured>{(width, mounted) => (tiles.length === 0 ? <Empty description={t('dashboards.noCharts')} />
        // A phone always stacks: the grid's own width must not decide the width it is measured at.
        : phone || (mounted && width < STACK_BELOW) ? (
          <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
            {tiles.map((c) => (
              <div key={c.id} style={c.kind === 'metric' ? undefined : { height: Math.max(c.layout.h, c.kind === 'funnel' ? 8 : 3) * ROW_HEIGHT }}>
                <Tile dashboard={db.id} values={values} chart={c} data={c.source ? labelSourceData(data[c.id], t) : data[c.id]} manager={manager} formName={c.source ? sourceTitle(c.source, t) : formName(c.form)}
                  names={c.source ? sourceNames(c.source, t, dir.users) : names.get(c.form)} onDrill={c.source ? undefined : (k) => void drill(c, k)}
                  onEdit={() => setDialog({ chart: c })} onRemove={() => removeChart(c)} />
              </div>
            ))}
          </div>
        ) : !mounted ? null : (
          <ReactGridLayout width={width} layout={db.charts.map((c) => ({ i: c.id, ...c.layout, minW: 2, minH: 2 }))}
            gridConfig={{ cols: 12, rowHeight: ROW_HEIGHT, margin: [12, 12] }} dragConfig={{ enabled: editing, handle: '.fl-tile-drag' }}
            resizeConfig={{ enabled: editing }} onLayoutChange={onLayout}>
            {db.charts.map((c) => (
              <div key={c.id}>
                <Tile dashboard={db.id} values={values} chart={c} data={c.source ? labelSourceData(data[c.id], t) : data[c.id]} manager={manager} editing={editing}
                  formName={c.source ? sourceTitle(c.source, t) : formName(c.form)} names={c.source ? sourceNames(c.source, t, dir.users) : names.get(c.form)}
                  onDrill={c.source ? undefined : (k) => void drill(c, k)}
                  onEdit={() => setDialog({ chart: c })} onRemove={() => removeChart(c)} />
              </div>
            ))}
          </ReactGridLayout>
        ))}</Measured>
      {filtersOpen && (
        <Suspense fallback={null}>
          <FiltersDialog filters={db.filters ?? []} forms={forms} onCancel={() => setFiltersOpen(false)}
            onSave={async (filters) => {
              if (await save({ ...db, filters })) {
                setFiltersOpen(false);
                // Values of filters that are gone no longer apply.
                setValues((v) => Object.fromEntries(Object.entries(v).filter(([k]) => filters.some((f) => f.id === k))));
              }
            }} />
        </Suspense>
      )}
      {dialog && (
        <Suspense fallback={null}>
          <ChartDialog appId={db.app} dashboard={db} forms={forms} chart={dialog.chart} values={values}
            onCancel={() => setDialog(null)} onSave={async (c) => { if (await putChart(c)) setDialog(null); }} />
        </Suspense>
      )}
    </div>
  );
}

/**
 * Measured is the grid's container, measured from its own mount: measuring
 * from the page's mount found no element while the dashboard loaded and left
 * the grid at the library's default 1280 px (short of a wide screen, clipped
 * on a narrower one).
 */
function Measured({ children }: { children: (width: number, mounted: boolean) => ReactNode }) {
  const { width, containerRef, mounted } = useContainerWidth();
  return <div ref={containerRef} style={{ width: '100%', minWidth: 0, overflow: 'hidden' }} data-testid="dashboard-grid">{children(width, mounted)}</div>;
}

interface TileProps {
  /** dashboard and values say which chart to export, under which filter values */
  dashboard: string; values: FilterValues;
  chart: Chart; data: ChartData | undefined; manager: boolean; editing?: boolean; formName: string; names?: Names;
  onDrill?: (keys: unknown[]) => void; onEdit: () => void; onRemove: () => void;
}

/** Tile is one chart card: its title (the drag handle while editing), its menu (export, edit, remove) and the chart. */
function Tile({ dashboard, values, chart, data, manager, editing, formName, names, onDrill, onEdit, onRemove }: TileProps) {
  const { t, i18n } = useTranslation();
  const { message } = AntApp.useApp();
  const view = useRef<ChartViewHandle>(null);
  const [exporting, setExporting] = useState(false);
  const title = chart.title || t(`dashboards.kind.${chart.kind}`);
  const download = (href: string, name: string) => { const a = document.createElement('a'); a.href = href; a.download = name; a.click(); };
  const items = useMemo(() => [
    { key: 'png', icon: <DownloadOutlined />, label: t('dashboards.chart.exportPng'), disabled: chart.kind === 'metric' || chart.kind === 'table' },
    { key: 'csv', icon: <DownloadOutlined />, label: t('dashboards.chart.exportCsv') },
    { key: 'xlsx', icon: <DownloadOutlined />, label: t('dashboards.chart.exportXlsx') },
    ...(manager ? [{ key: 'edit', icon: <EditOutlined />, label: t('dashboards.editChart') }, { key: 'remove', icon: <DeleteOutlined />, danger: true, label: t('dashboards.removeChart') }] : []),
  ], [t, manager, chart.kind]);
  const onMenu = ({ key }: { key: string }) => {
    if (key === 'png') { const u = view.current?.dataURL(); if (u) download(u, `${title}.png`); }
    if (key === 'csv' && data) {
      const tt = t as unknown as T;
      const csv = csvOf(chart, data, tt, (chart.groupBy ?? []).map((g) => fieldText(g.field, names, tt)), names, i18n.language);
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      download(url, `${title}.csv`);
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    }
    if (key === 'xlsx') {
      // The server writes the workbook (numbers as numbers, dates as dates), computed as this member.
      setExporting(true);
      dashboardsApi.exportXlsx(dashboard, chart.id, values).then(({ blob }) => {
        const url = URL.createObjectURL(blob);
        download(url, `${title}.xlsx`);
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      }).catch((e) => message.error(errorText(e))).finally(() => setExporting(false));
    }
    if (key === 'edit') onEdit();
    if (key === 'remove') onRemove();
  };
  return (
    <Card size="small" style={{ height: '100%', display: 'flex', flexDirection: 'column' }} styles={{ body: { flex: 1, minHeight: 0, overflow: 'auto' } }}
      data-testid={`tile-${chart.id}`}
      title={<span className={editing ? 'fl-tile-drag' : undefined} style={{ cursor: editing ? 'move' : undefined }} title={formName}>{title}</span>}
      extra={<Dropdown menu={{ items, onClick: onMenu }} trigger={['click']}><Button type="text" size="small" icon={<MoreOutlined />} loading={exporting} aria-label={t('dashboards.chart.title')} data-testid={`tile-menu-${chart.id}`} /></Dropdown>}>
      {data ? <ChartView ref={view} chart={chart} data={data} names={names} onDrill={editing ? undefined : onDrill} /> : <Spin />}
    </Card>
  );
}

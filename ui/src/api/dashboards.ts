// Dashboards (engine/report, /api/v1/apps/{app}/dashboards, /api/v1/dashboards/{id}); typed from the OpenAPI schemas.
import { request, type Download } from './client';
import type { Filter } from './types';
import type { GroupKey } from './report';

export type ChartKind = 'metric' | 'bar' | 'line' | 'pie' | 'table' | 'funnel';
export type MeasureOp = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'weighted' | 'expr';
export interface Measure { id: string; label?: string; op: MeasureOp; field?: string; weight?: string; scale?: number; expr?: string }
export interface Cell { x: number; y: number; w: number; h: number }
export interface Chart {
  id: string; title: string; kind: ChartKind; form: string;
  /** source names a chart source (alerts) the chart counts instead of the form's records. */
  source?: string; groupBy?: GroupKey[]; measures?: Measure[]; filter?: Filter;
  limit?: number; sortByValue?: boolean; layout: Cell; funnel?: { amount?: string; owner?: string };
}
export type FilterKind = 'date_range' | 'user' | 'department';
export interface DashboardFilter { id: string; kind: FilterKind; label?: string; fields?: Record<string, string> }
export interface FilterValue { from?: string; to?: string; value?: string }
export type FilterValues = Record<string, FilterValue>;
export interface Dashboard { id: string; app: string; title: string; owner: string; roles?: string[]; filters?: DashboardFilter[]; charts: Chart[]; version: number }
export interface DashboardInput { title: string; roles?: string[]; filters?: DashboardFilter[]; charts: Chart[] }

export interface ChartKey { field: string; bucket?: string; labels?: Record<string, string> }
export interface ChartRow { keys: unknown[]; values: unknown[] }
export interface FunnelStage {
  value: string; label: string; flag: string; probability?: number; count: number; amount?: number;
  reached: number; conversion?: number; avgDurationMs?: number;
}
export interface FunnelLeader { owner: unknown; label?: string; won: number; wonAmount: number; lost: number; open: number; weighted: number; winRate?: number }
export interface FunnelData {
  field: string; stages: FunnelStage[]; overall?: number; winRate?: number; weighted?: number; avgCycleMs?: number;
  cycleSample: number; history: boolean; sampled?: boolean; leaders: FunnelLeader[];
}
export interface ChartError { code: string; message: string; fields?: { path: string; code: string; message: string }[] }
export interface ChartData {
  chart: string; kind: ChartKind; form: string; source?: string; keys: ChartKey[]; measures: string[]; rows: ChartRow[];
  truncated?: boolean; funnel?: FunnelData; error?: ChartError;
}
export interface Drill { form: string; filter: Filter }

const enc = encodeURIComponent;

export const dashboardsApi = {
  list: async (app: string) => (await request<{ items: Dashboard[] }>('GET', `/apps/${enc(app)}/dashboards`))?.items ?? [],
  get: (id: string) => request<Dashboard>('GET', `/dashboards/${enc(id)}`),
  create: (app: string, d: DashboardInput) => request<Dashboard>('POST', `/apps/${enc(app)}/dashboards`, d),
  update: (id: string, d: DashboardInput, version: number) => request<Dashboard>('PUT', `/dashboards/${enc(id)}`, { ...d, version }),
  remove: (id: string) => request<void>('DELETE', `/dashboards/${enc(id)}`),
  data: async (id: string, filters: FilterValues, signal?: AbortSignal) =>
    (await request<{ items: ChartData[] }>('POST', `/dashboards/${enc(id)}/data`, { filters }, { signal }))?.items ?? [],
  preview: (app: string, chart: Chart, dashboard?: string, filters?: FilterValues, signal?: AbortSignal) =>
    request<ChartData>('POST', `/apps/${enc(app)}/dashboards/preview`, { chart, dashboard, filters }, { signal }),
  /** exportXlsx downloads one chart's data as an Excel workbook (the CSV's columns, labelled in the request's language). */
  exportXlsx: (id: string, chart: string, filters: FilterValues) =>
    request<Download>('POST', `/dashboards/${enc(id)}/charts/${enc(chart)}/export`, { filters, format: 'xlsx' }, { raw: true }),
  drill: (id: string, chart: string, keys: unknown[], filters: FilterValues) =>
    request<Drill>('POST', `/dashboards/${enc(id)}/charts/${enc(chart)}/drill`, { keys, filters }),
};

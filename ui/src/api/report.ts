// Saved views and record aggregates (engine/report, POST …/records/aggregate).
import { request } from './client';
import type { Filter, SortKey } from './types';

export type Layout = 'table' | 'kanban' | 'calendar';
export interface ViewColumn { key: string; width?: number }
export interface ViewConfig {
  layout?: Layout; filter?: Filter; sort?: SortKey[]; columns?: ViewColumn[]; groupBy?: string;
  kanban?: { field: string; sumField?: string; cardFields?: string[] };
  calendar?: { field: string };
}
export interface SavedView { id: string; form: string; name: string; shared: boolean; owner: string; defaultFor?: string[]; config: ViewConfig; version: number }
export interface ViewInput { name: string; shared?: boolean; defaultFor?: string[]; config: ViewConfig }

export type Bucket = 'day' | 'week' | 'month' | 'quarter' | 'year';
export interface GroupKey { field: string; bucket?: Bucket; timeZone?: string }
export interface Metric { op: 'count' | 'sum' | 'avg' | 'min' | 'max'; field?: string }
export interface AggregateQuery { filter?: Filter; groupBy?: GroupKey[]; metrics: Metric[]; deleted?: 'only' | 'include' }
export interface AggregateGroup { keys: unknown[]; values: unknown[] }
export interface AggregateResult { groups: AggregateGroup[]; truncated?: boolean }

const enc = encodeURIComponent;

export const reportApi = {
  views: async (form: string) => {
    const r = await request<{ items: SavedView[]; default: string }>('GET', `/forms/${enc(form)}/views`);
    return { items: r?.items ?? [], default: r?.default ?? '' };
  },
  view: (id: string) => request<SavedView>('GET', `/views/${enc(id)}`),
  createView: (form: string, v: ViewInput) => request<SavedView>('POST', `/forms/${enc(form)}/views`, v),
  updateView: (id: string, v: ViewInput, version: number) => request<SavedView>('PUT', `/views/${enc(id)}`, { ...v, version }),
  deleteView: (id: string) => request<void>('DELETE', `/views/${enc(id)}`),
  aggregate: (form: string, q: AggregateQuery, signal?: AbortSignal) =>
    request<AggregateResult>('POST', `/forms/${enc(form)}/records/aggregate`, q, { signal }),
};

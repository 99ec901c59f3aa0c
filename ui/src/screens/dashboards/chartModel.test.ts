import { describe, expect, it } from 'vitest';
import type { Chart, ChartData } from '../../api/dashboards';
import { csvOf, measureId, nextCell, pivotOf, seriesOf, stackOrder } from './chartModel';

const t = (k: string) => (k === 'dashboards.empty_value' ? '(empty)' : k);
const chart: Chart = { id: 'c', title: '', kind: 'bar', form: 'f', layout: { x: 0, y: 0, w: 6, h: 4 },
  groupBy: [{ field: 'stage' }, { field: 'region' }], measures: [{ id: 'n', op: 'count' }] };
const data: ChartData = { chart: 'c', kind: 'bar', form: 'f', measures: ['n'],
  keys: [{ field: 'stage', labels: { s1: '初步' } }, { field: 'region' }],
  rows: [{ keys: ['s1', 'north'], values: [2] }, { keys: ['s1', null], values: [1] }, { keys: ['s2', 'north'], values: [5] }] };

describe('chart model', () => {
  it('splits series by the second key and finds the keys behind a bar', () => {
    const s = seriesOf(chart, data, t);
    expect(s.labels).toEqual(['初步', 's2']);
    expect(s.series.map((x) => x.name)).toEqual(['north', '(empty)']);
    expect(s.series[0].values).toEqual([2, 5]);
    expect(s.series[1].values).toEqual([1, null]);
    expect(s.keysAt(1, 0)).toEqual(['s2', 'north']);
    expect(s.keysAt(0, 1)).toEqual(['s1', null]);
  });
  it('makes one series per measure with one key', () => {
    const one: ChartData = { ...data, keys: [data.keys[0]], measures: ['n', 'total'], rows: [{ keys: ['s1'], values: [2, 300] }] };
    const s = seriesOf({ ...chart, measures: [{ id: 'n', op: 'count' }, { id: 'total', op: 'sum', field: 'amount', label: '金额' }] }, one, t);
    expect(s.series.map((x) => x.name)).toEqual(['dashboards.op.count', '金额']);
    expect(s.keysAt(0, 1)).toEqual(['s1']);
  });
  it('pivots two keys', () => {
    const p = pivotOf(data, t);
    expect(p.cols.map((c) => c.label)).toEqual(['north', '(empty)']);
    expect(p.rows.map((r) => r.cells)).toEqual([[2, 1], [5, null]]);
  });
  it('writes CSV with a BOM, quoting and formula-safe cells', () => {
    const csv = csvOf(chart, { ...data, rows: [{ keys: ['=cmd', 'a,b'], values: [1] }] }, t, ['stage', 'region']);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain(`"'=cmd","a,b",1`);
  });
  it('stacks by row then column and places new charts below', () => {
    const at = (id: string, x: number, y: number) => ({ ...chart, id, layout: { x, y, w: 6, h: 4 } });
    expect(stackOrder([at('b', 6, 0), at('c', 0, 4), at('a', 0, 0)]).map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(nextCell([at('a', 0, 0), at('b', 6, 2)])).toEqual({ x: 0, y: 6, w: 6, h: 4 });
    expect(nextCell([at('a', 0, 0)])).toEqual({ x: 6, y: 0, w: 6, h: 4 });
    expect(measureId('sum', 'price.amount', ['sum_price_amount'])).toBe('sum_price_amount_2');
  });
});

import { describe, expect, it } from 'vitest';
import type { Chart, ChartData } from '../../api/dashboards';
import { csvOf, dateText, fieldText, keyText, measureId, measureText, namesOf, nextCell, pivotOf, seriesOf, stackOrder, valueText } from './chartModel';

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

  describe('names from the form', () => {
    const names = namesOf([{ key: 'amount', label: '预计金额', type: 'money' }, { key: 'owner', label: '负责人', type: 'user' },
      { key: 'last_contact_at', label: '最近跟进', type: 'datetime' }, { key: 'close', label: '成交日期', type: 'date' },
      { key: 'items', label: '明细', type: 'subform', fields: [{ key: 'qty', label: '数量', type: 'number' }] }],
    [{ id: 'u1', name: '张伟' }]);
    const tz = (k: string, o?: Record<string, unknown>) => (k === 'dashboards.op.sum' ? '求和' : k === 'data.createdAt' ? '创建时间' : t(k) + (o ? JSON.stringify(o) : ''));

    it('labels a measure or a group by the field label, never the raw key', () => {
      expect(measureText({ id: 'm', op: 'sum', field: 'amount' }, 'm', tz, names)).toBe('求和 预计金额');
      expect(measureText({ id: 'm', op: 'sum', field: 'amount.amount' }, 'm', tz, names)).toBe('求和 预计金额');
      expect(measureText({ id: 'm', op: 'sum', field: 'qty' }, 'm', tz, names)).toBe('求和 数量');
      expect(measureText({ id: 'm', label: '金额', op: 'sum', field: 'amount' }, 'm', tz, names)).toBe('金额');
      expect(measureText({ id: 'm', op: 'sum', field: 'gone' }, 'm', tz, names)).toBe('求和 gone');
      expect(fieldText('owner', names, tz)).toBe('负责人');
      expect(fieldText('createdAt', names, tz)).toBe('创建时间');
      expect(fieldText('nope', undefined, tz)).toBe('nope');
    });

    it('names members of a user key the server did not label', () => {
      const d: ChartData = { chart: 'c', kind: 'table', form: 'f', measures: ['n'], keys: [{ field: 'owner', labels: { u2: '刘洋' } }], rows: [] };
      expect(keyText(d, 0, 'u1', tz, names)).toBe('张伟');
      expect(keyText(d, 0, 'u2', tz, names)).toBe('刘洋');
      expect(keyText(d, 0, 'u9', tz, names)).toBe('u9');
    });

    it('shows dates and datetimes in the viewer\'s locale and time zone', () => {
      expect(dateText('2026-10-22T19:44:26.000000Z', 'zh-CN', undefined, 'Asia/Shanghai')).toBe('2026年10月23日 03:44');
      expect(dateText('2026-10-22T19:44:26Z', 'en-US', undefined, 'UTC')).toBe('Oct 22, 2026, 7:44 PM');
      expect(dateText('2026-10-22', 'zh-CN', 'date')).toBe('2026年10月22日');
      expect(dateText('2026-10-22', 'zh-CN')).toBeUndefined();
      expect(dateText('2026-W43', 'zh-CN', 'date')).toBeUndefined();
      expect(dateText('销售易', 'zh-CN')).toBeUndefined();
      // A min/max measure of a datetime field is a date, a number stays a number.
      expect(valueText('2026-10-22T19:44:26Z', 'zh-CN', { id: 'o', op: 'min', field: 'last_contact_at' }, names, tz)).not.toContain('T19');
      expect(valueText('2026-10-22', 'zh-CN', { id: 'o', op: 'max', field: 'close' }, names, tz)).toBe('2026年10月22日');
      expect(valueText(1234.567, 'zh-CN')).toBe('1,234.57');
      // A date key without a bucket is formatted; a bucket ("2026-10", "2026-W43") shows as is.
      const d: ChartData = { chart: 'c', kind: 'table', form: 'f', measures: ['n'], keys: [{ field: 'close' }, { field: 'close', bucket: 'month' }], rows: [] };
      expect(keyText(d, 0, '2026-10-22', tz, names)).toBe('2026年10月22日');
      expect(keyText(d, 1, '2026-10', tz, names)).toBe('2026-10');
    });

    it('names the CSV columns as given and labels the measures', () => {
      const c: Chart = { ...chart, kind: 'table', groupBy: [{ field: 'owner' }], measures: [{ id: 's', op: 'sum', field: 'amount' }] };
      const d: ChartData = { chart: 'c', kind: 'table', form: 'f', measures: ['s'], keys: [{ field: 'owner' }], rows: [{ keys: ['u1'], values: [5] }] };
      expect(csvOf(c, d, tz, ['负责人'], names)).toBe('\uFEFF负责人,求和 预计金额\r\n张伟,5\r\n');
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { ChartData } from '../../api/dashboards';
import { keyText } from './chartModel';
import { labelSourceData, sourceNames, sourceTitle } from './sourceCharts';

const t = (k: string) => `t:${k}`;

describe('source charts', () => {
  const data: ChartData = {
    chart: 'alert_rate', kind: 'bar', form: '', source: 'alerts', measures: ['n'],
    keys: [{ field: 'severity' }, { field: 'owner' }, { field: 'rule', labels: { r1: '客户 7 天未跟进' } }],
    rows: [{ keys: ['critical', 'u1', 'r1'], values: [3] }],
  };
  it('names severities, owners and rules', () => {
    const d = labelSourceData(data, t)!;
    const names = sourceNames('alerts', t, [{ id: 'u1', name: '张伟' }]);
    expect(keyText(d, 0, 'critical', t, names)).toBe('t:dashboards.alertSource.severityValue.critical');
    expect(keyText(d, 1, 'u1', t, names)).toBe('张伟');
    expect(keyText(d, 2, 'r1', t, names)).toBe('客户 7 天未跟进');
    expect(names.field?.('raisedAt')).toEqual({ label: 't:dashboards.alertSource.raisedAt', type: 'datetime' });
    expect(sourceTitle('alerts', t)).toBe('t:dashboards.alertSource.name');
  });
  it('leaves form charts alone', () => {
    const form = { ...data, source: undefined };
    expect(labelSourceData(form, t)).toBe(form);
  });
});

// Charts over a chart source (engine/report chart_source.go) rather than a
// form's records: the "alerts" source counts alert firings. Their keys are
// the source's (raisedAt, rule, severity, …), named here; rule, form and
// owner names come with the data.
import type { ChartData } from '../../api/dashboards';
import type { Names, T } from './chartModel';

const ALERT_KEYS: Record<string, string> = {
  raisedAt: 'datetime', rule: 'text', severity: 'text', state: 'text', owner: 'user', form: 'text', level: 'number', record: 'text',
};

/** sourceNames names the keys of a source chart and the members it shows. */
export function sourceNames(source: string, t: T, users: { id: string; name: string }[]): Names {
  const byId = new Map(users.map((u) => [u.id, u.name]));
  return {
    field: (k) => (source === 'alerts' && ALERT_KEYS[k] ? { label: t(`dashboards.alertSource.${k}`), type: ALERT_KEYS[k] } : undefined),
    user: (id) => byId.get(id),
  };
}

/** sourceTitle is what a source chart counts, shown where a form chart shows its form. */
export function sourceTitle(source: string, t: T): string {
  return source === 'alerts' ? t('dashboards.alertSource.name') : source;
}

/** labelSourceData names the severity and state values of an alert chart in the viewer's language. */
export function labelSourceData(data: ChartData | undefined, t: T): ChartData | undefined {
  if (!data || data.source !== 'alerts') return data;
  const keys = data.keys.map((k) => {
    const group = k.field === 'severity' ? ['info', 'warning', 'critical'] : k.field === 'state' ? ['open', 'acknowledged', 'resolved'] : null;
    if (!group) return k;
    return { ...k, labels: Object.fromEntries(group.map((v) => [v, t(`dashboards.alertSource.${k.field}Value.${v}`)])) };
  });
  return { ...data, keys };
}

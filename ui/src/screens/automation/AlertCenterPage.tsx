import { useCallback, useEffect, useMemo, useState } from 'react';
import { App as AntApp, Card, Select, Space, Table, Tooltip, Typography } from 'antd';
import { AlertOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { automationApi, type Alert, type AlertCount } from '../../api/automation';
import { DirectoryProvider, useDirectory } from '../../fields/directory';
import { errorText } from '../../util/errors';
import { AlertList } from './AlertList';

export default function AlertCenterPage() {
  return <DirectoryProvider><Center /></DirectoryProvider>;
}

/** weekTable pivots counts into one row per rule with a column per week (oldest first). */
export function weekTable(counts: AlertCount[]): { weeks: string[]; rows: { rule: string; name: string; byWeek: Record<string, AlertCount> }[] } {
  const weeks = [...new Set(counts.map((c) => c.week))].sort();
  const rows = new Map<string, { rule: string; name: string; byWeek: Record<string, AlertCount> }>();
  for (const c of counts) {
    const r = rows.get(c.rule) ?? { rule: c.rule, name: c.ruleName, byWeek: {} };
    r.byWeek[c.week] = c;
    rows.set(c.rule, r);
  }
  return { weeks, rows: [...rows.values()] };
}

/**
 * AlertCenterPage lists the workspace's alerts, filtered by rule, severity,
 * state and owner, with acknowledge and resolve, and how many alerts each
 * rule raised per week (the alert rate).
 */
function Center() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const dir = useDirectory();
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [counts, setCounts] = useState<AlertCount[]>([]);
  const [rule, setRule] = useState<string | undefined>();
  const [severity, setSeverity] = useState<string | undefined>();
  const [state, setState] = useState<string | undefined>('open');
  const [owner, setOwner] = useState<string | undefined>();
  const load = useCallback(() => {
    setAlerts(null);
    void automationApi.alerts({ rule, severity, state, owner }).then(setAlerts, (e) => { message.error(errorText(e)); setAlerts([]); });
  }, [rule, severity, state, owner, message]);
  useEffect(() => { load(); }, [load]);
  useEffect(() => { void automationApi.alertCounts().then(setCounts, () => setCounts([])); }, []);
  const rules = useMemo(() => {
    const m = new Map<string, string>();
    for (const c of counts) m.set(c.rule, c.ruleName);
    for (const a of alerts ?? []) m.set(a.rule, a.ruleName);
    return [...m.entries()].map(([value, label]) => ({ value, label }));
  }, [counts, alerts]);
  const wt = weekTable(counts);
  const max = Math.max(1, ...counts.map((c) => c.raised));
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={16}>
      <Card title={<Space><AlertOutlined />{t('automation.alert.title')}</Space>} data-testid="alert-center">
        <Space wrap style={{ marginBottom: 12 }} data-testid="alert-filters">
          <Select allowClear style={{ minWidth: 160 }} placeholder={t('automation.alert.rule')} value={rule} onChange={setRule} options={rules} data-testid="alert-filter-rule" />
          <Select allowClear style={{ width: 120 }} placeholder={t('automation.alert.severity')} value={severity} onChange={setSeverity} data-testid="alert-filter-severity"
            options={(['info', 'warning', 'critical'] as const).map((s) => ({ value: s, label: t(`automation.alert.sev.${s}`) }))} />
          <Select allowClear style={{ width: 120 }} placeholder={t('automation.alert.stateLabel')} value={state} onChange={setState} data-testid="alert-filter-state"
            options={(['open', 'acknowledged', 'resolved'] as const).map((s) => ({ value: s, label: t(`automation.alert.state.${s}`) }))} />
          <Select allowClear showSearch optionFilterProp="label" style={{ minWidth: 140 }} placeholder={t('automation.alert.owner')} value={owner} onChange={setOwner}
            data-testid="alert-filter-owner" options={dir.users.map((u) => ({ value: u.id, label: u.name }))} />
        </Space>
        <AlertList alerts={alerts} onChanged={(a) => setAlerts((l) => (state && a.state !== state ? l?.filter((x) => x.id !== a.id) : l?.map((x) => (x.id === a.id ? a : x))) ?? null)} />
      </Card>
      <Card title={t('automation.alert.weekly')} data-testid="alert-weekly">
        {wt.rows.length === 0 ? <Typography.Text type="secondary">{t('automation.alert.noCounts')}</Typography.Text> : (
          <Table size="small" pagination={false} rowKey="rule" dataSource={wt.rows} scroll={{ x: 'max-content' }}
            columns={[
              { key: 'rule', title: t('automation.alert.rule'), fixed: 'left', render: (_: unknown, r: (typeof wt.rows)[number]) => r.name },
              ...wt.weeks.map((w) => ({
                key: w, title: w, align: 'center' as const,
                render: (_: unknown, r: (typeof wt.rows)[number]) => {
                  const c = r.byWeek[w];
                  if (!c) return <Typography.Text type="secondary">0</Typography.Text>;
                  return (
                    <Tooltip title={t('automation.alert.weekTip', { raised: c.raised, critical: c.critical, start: c.start })}>
                      <div className="fl-bar-cell"><div className="fl-bar" style={{ width: `${Math.round((c.raised / max) * 100)}%` }} /><span>{c.raised}</span></div>
                    </Tooltip>
                  );
                },
              })),
            ]} />
        )}
      </Card>
    </Space>
  );
}

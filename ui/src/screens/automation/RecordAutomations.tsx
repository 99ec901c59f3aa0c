import { useEffect, useState } from 'react';
import { Alert as AntAlert, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { automationApi, type ActionKindInfo, type Alert, type Run } from '../../api/automation';
import { DirectoryProvider } from '../../fields/directory';
import { AlertList } from './AlertList';
import { FormsProvider } from './forms';
import { useKindLabel } from './ActionsEditor';
import { RunList } from './RunView';

/**
 * RecordAutomations is the record drawer's automation tab: the alerts
 * raised on the record and the runs it triggered (newest first), with
 * forms, fields and members named (their lists load when the tab opens).
 */
export default function RecordAutomations(props: { formId: string; recordId: string; version: number }) {
  return <DirectoryProvider><FormsProvider><RecordTab {...props} /></FormsProvider></DirectoryProvider>;
}

function RecordTab({ formId, recordId, version }: { formId: string; recordId: string; version: number }) {
  const { t } = useTranslation();
  const [runs, setRuns] = useState<Run[] | null>(null);
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [kinds, setKinds] = useState<ActionKindInfo[]>([]);
  const [denied, setDenied] = useState(false);
  const kindLabel = useKindLabel(kinds);
  useEffect(() => {
    let live = true;
    void automationApi.recordRuns(formId, recordId).then((r) => { if (live) setRuns(r); }, (e) => {
      if (!live) return;
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) setDenied(true);
      setRuns([]);
    });
    void automationApi.alerts({ form: formId, record: recordId, state: undefined }).then((a) => { if (live) setAlerts(a); }, () => { if (live) setAlerts([]); });
    void automationApi.actionKinds().then((k) => { if (live) setKinds(k); }, () => undefined);
    return () => { live = false; };
  }, [formId, recordId, version]);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={16} data-testid="record-automations">
      {alerts && alerts.length > 0 && (<div>
        <Typography.Title level={5}>{t('automation.alert.title')}</Typography.Title>
        <AlertList alerts={alerts} hideRecordLink onChanged={(a) => setAlerts((l) => l?.map((x) => (x.id === a.id ? a : x)) ?? null)} />
      </div>)}
      <div>
        <Typography.Title level={5}>{t('automation.recordRuns')}</Typography.Title>
        {denied ? <AntAlert type="info" title={t('automation.logNotAllowed')} /> : <RunList runs={runs} kindLabel={kindLabel} showName />}
      </div>
    </Space>
  );
}

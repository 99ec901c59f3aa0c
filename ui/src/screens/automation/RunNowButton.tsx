import { useState, type ReactNode } from 'react';
import { App as AntApp, Button, Popconfirm } from 'antd';
import { useTranslation } from 'react-i18next';
import { automationApi, type Automation } from '../../api/automation';
import { errorText } from '../../util/errors';

/** isScheduled says whether an automation's published design runs on a schedule (only those run now). */
export function isScheduled(a: Automation): boolean {
  return a.published > 0 && (a.current ?? a.draft).trigger.type === 'schedule';
}

/**
 * RunNowButton runs a published, enabled scheduled automation or alert rule
 * at once, after a confirmation. The server keys the runs by the current
 * period's tick, so a second click (or the regular schedule) in the same
 * period fires nothing twice; the message says what ran.
 */
export function RunNowButton({ automation, icon, size, onRan }: { automation: Automation; icon?: ReactNode; size?: 'small' | 'middle'; onRan?: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [busy, setBusy] = useState(false);
  if (!isScheduled(automation)) return null;
  const run = async () => {
    setBusy(true);
    try {
      const r = await automationApi.runNow(automation.id);
      message.success(t('automation.runNow.done', { ran: r.ran, already: r.alreadyRun, notMatched: r.notMatched }));
      onRan?.();
    } catch (e) { message.error(errorText(e)); } finally { setBusy(false); }
  };
  return (
    <span onClick={(e) => e.stopPropagation()}>
      <Popconfirm title={t('automation.runNow.confirm')} description={t('automation.runNow.help')} okText={t('automation.runNow.open')} cancelText={t('common.cancel')}
        onConfirm={() => void run()} okButtonProps={{ 'data-testid': 'run-now-ok' } as React.ComponentProps<typeof Button>}>
        <Button size={size} icon={icon} loading={busy} disabled={!automation.enabled} data-testid="run-now">{t('automation.runNow.open')}</Button>
      </Popconfirm>
    </span>
  );
}

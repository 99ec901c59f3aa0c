import { useCallback, useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Select, Spin, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { notifyApi, type EmailChoice, type NotificationChannel, type NotificationPreferences } from '../../api/notify';
import { errorText } from '../../util/errors';
import { useKindLabel } from './NotificationItem';

/** NotificationPrefsPage sets, per kind, the inbox and email (off, each one, daily digest), and the email language. */
export default function NotificationPrefsPage() {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const kindLabel = useKindLabel();
  const [prefs, setPrefs] = useState<NotificationPreferences | null>(null);
  const [saving, setSaving] = useState(false);
  const load = useCallback(async () => {
    try { setPrefs(await notifyApi.preferences()); } catch (e) { message.error(errorText(e)); }
  }, [message]);
  useEffect(() => { void load(); }, [load]);
  if (!prefs) return <div className="fl-center" style={{ minHeight: 240 }}><Spin /></div>;

  const setKind = (kind: string, ch: Partial<NotificationChannel>) =>
    setPrefs({ ...prefs, kinds: prefs.kinds.map((k) => (k.kind === kind ? { ...k, ...ch } : k)) });
  const save = async () => {
    setSaving(true);
    try {
      setPrefs(await notifyApi.savePreferences({ language: prefs.language, kinds: prefs.kinds, version: prefs.version }));
      message.success(t('notify.prefs.saved'));
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) { message.warning(t('notify.prefs.conflict')); await load(); } else message.error(errorText(e));
    } finally { setSaving(false); }
  };
  const emailOptions: { value: EmailChoice; label: string }[] = [
    { value: 'off', label: t('notify.prefs.emailOff') },
    { value: 'instant', label: t('notify.prefs.emailInstant') },
    { value: 'digest', label: t('notify.prefs.emailDigest') },
  ];
  return (
    <div style={{ maxWidth: 720, margin: '0 auto' }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t('notify.prefs.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('notify.prefs.intro')}</Typography.Paragraph>
      {prefs.emailEnabled
        ? <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('notify.prefs.digestAt', { hour: prefs.digestHour })} />
        : <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('notify.prefs.emailDisabled')} data-testid="notify-email-off" />}
      <Card styles={{ body: { padding: 0 } }}>
        <div className="fl-notify-pref fl-notify-pref-head" style={rowStyle}>
          <Typography.Text strong style={{ flex: 1, minWidth: 0 }}>{t('notify.prefs.kind')}</Typography.Text>
          <Typography.Text strong style={{ width: 56 }}>{t('notify.prefs.inApp')}</Typography.Text>
          <Typography.Text strong style={{ width: 112 }}>{t('notify.prefs.email')}</Typography.Text>
        </div>
        {prefs.kinds.map((k) => (
          <div key={k.kind} style={rowStyle} data-testid={`notify-pref-${k.kind}`}>
            <Typography.Text style={{ flex: 1, minWidth: 0 }}>{kindLabel(k.kind)}</Typography.Text>
            <span style={{ width: 56 }}>
              <Switch checked={k.inApp} onChange={(v) => setKind(k.kind, { inApp: v })} aria-label={`${kindLabel(k.kind)} ${t('notify.prefs.inApp')}`} data-testid="notify-pref-inapp" />
            </span>
            <Select style={{ width: 112 }} value={k.email} options={emailOptions} disabled={!prefs.emailEnabled}
              onChange={(v) => setKind(k.kind, { email: v })} aria-label={`${kindLabel(k.kind)} ${t('notify.prefs.email')}`} data-testid="notify-pref-email" />
          </div>
        ))}
        <div style={rowStyle}>
          <Typography.Text style={{ flex: 1, minWidth: 0 }}>{t('notify.prefs.language')}</Typography.Text>
          <Select style={{ width: 160 }} value={prefs.language} onChange={(v) => setPrefs({ ...prefs, language: v })} data-testid="notify-pref-language"
            options={[{ value: '', label: t('notify.prefs.languageDefault') }, { value: 'zh-CN', label: '简体中文' }, { value: 'en', label: 'English' }]} />
        </div>
      </Card>
      <Button type="primary" style={{ marginTop: 16 }} loading={saving} onClick={() => void save()} data-testid="notify-pref-save">{t('common.save')}</Button>
    </div>
  );
}

const rowStyle: React.CSSProperties = { display: 'flex', alignItems: 'center', gap: 12, padding: '10px 16px', borderBottom: '1px solid rgba(5,5,5,0.06)' };

import { useCallback, useEffect, useState } from 'react';
import { Button, Space, Tag, Tooltip } from 'antd';
import { CloudDownloadOutlined, ExportOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import '../../i18n/templates';
import { api } from '../../api/client';
import { templateApi, type Installation, type Source, type TemplateSummary } from '../../api/templates';
import { currentLang } from '../../i18n';
import { ExportDialog } from './ExportDialog';
import { UpgradeDialog } from './UpgradeDialog';
import { compareVersions, localized } from './model';

/**
 * AppTemplateBar is the app page's template controls (workspace admins):
 * which template and version the app was installed from, "Upgrade" when
 * the shipped version is newer (or from an uploaded file), and "Export as
 * template" on any app. It loads on demand, apart from the app page.
 */
export default function AppTemplateBar({ appId, appName, onUpgraded }: { appId: string; appName: string; /** onUpgraded follows an applied upgrade (the app page reloads its forms) */ onUpgraded?: () => void }) {
  const { t } = useTranslation();
  const [inst, setInst] = useState<Installation | null>(null);
  const [shipped, setShipped] = useState<TemplateSummary | null>(null);
  const [upgrading, setUpgrading] = useState<Source | 'file' | null>(null);
  const [exporting, setExporting] = useState(false);
  const [formNames, setFormNames] = useState<Record<string, string>>({});

  const load = useCallback(async () => {
    const i = await templateApi.installed(appId).catch(() => null);
    setInst(i);
    if (!i) { setShipped(null); return; }
    const [list, forms] = await Promise.all([templateApi.list().catch(() => []), api.forms(appId).catch(() => [])]);
    setShipped(list.find((s) => s.key === i.key) ?? null);
    // The upgrade preview names the app's forms by their names, not only their template keys.
    const byId = new Map(forms.map((f) => [f.id, f.name]));
    setFormNames(Object.fromEntries(Object.entries(i.refs?.forms ?? {}).flatMap(([k, id]) => (byId.has(id) ? [[k, byId.get(id)!]] : []))));
  }, [appId]);
  useEffect(() => { void load(); }, [load]);

  const newer = inst && shipped && compareVersions(shipped.version, inst.version) > 0 ? shipped : null;
  const name = inst ? localized(inst.name ?? shipped?.name, currentLang()) || inst.key : '';
  const when = inst?.upgradedAt || inst?.installedAt;
  return (
    <>
      <Space wrap data-testid="app-template-bar">
      {inst && (
        <Tooltip title={<>
          {t('templates.fromTemplateHelp', { when: when ? t('templates.installedAt', { time: dayjs(when).format('YYYY-MM-DD HH:mm') }) : '' })}
          {shipped && !newer && <div>{t('templates.upToDate')}</div>}
        </>}>
          <Tag color="geekblue" data-testid="app-template" style={{ marginInlineEnd: 0 }}>{t('templates.fromTemplate', { name, version: inst.version })}</Tag>
        </Tooltip>
      )}
      {newer && (
        <Button type="primary" ghost icon={<CloudDownloadOutlined />} onClick={() => setUpgrading({ key: newer.key })} data-testid="template-upgrade">
          {t('templates.upgradeTo', { version: newer.version })}
        </Button>
      )}
      {inst && <Button icon={<UploadOutlined />} onClick={() => setUpgrading('file')} data-testid="template-upgrade-file">{t('templates.upgradeFromFile')}</Button>}
      <Button icon={<ExportOutlined />} onClick={() => setExporting(true)} data-testid="export-template">{t('templates.export')}</Button>
      </Space>
      <UpgradeDialog appId={appId} appName={appName} formNames={formNames} source={upgrading} onClose={() => setUpgrading(null)} onUpgraded={() => { void load(); onUpgraded?.(); }} />
      <ExportDialog appId={appId} appName={appName} open={exporting} onClose={() => setExporting(false)} />
    </>
  );
}

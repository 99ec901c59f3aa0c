import { useState } from 'react';
import { App as AntApp, Checkbox, Form, InputNumber, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import '../../i18n/templates';
import { templateApi } from '../../api/templates';
import { errorText } from '../../util/errors';
import { sampleNoteCounts } from './model';

/** saveDownload hands a downloaded file to the browser under its name. */
export function saveDownload(blob: Blob, filename: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href; a.download = filename;
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/**
 * ExportDialog downloads an app as a template bundle (.json), optionally
 * with up to N records of each form as its sample data.
 */
export function ExportDialog({ appId, appName, open, onClose }: { appId: string; appName: string; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [withSample, setWithSample] = useState(false);
  const [n, setN] = useState<number>(20);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const d = await templateApi.exportBundle(appId, withSample ? n : 0);
      saveDownload(d.blob, d.filename === 'download' ? `${appName || 'app'}.formloom.json` : d.filename);
      message.success(t('templates.exported'));
      if (withSample) {
        // What the sample had to leave out so that it installs elsewhere (the file's sample.notes say which).
        const c = sampleNoteCounts(await d.blob.text().then((x) => JSON.parse(x) as unknown).catch(() => null));
        if (c.dropped + c.cleared > 0) message.warning(t('templates.sampleNotes', { dropped: c.dropped, cleared: c.cleared }));
      }
      onClose();
    } catch (e) { message.error(errorText(e)); } finally { setBusy(false); }
  };
  return (
    <Modal open={open} title={t('templates.exportTitle', { name: appName })} onCancel={onClose} onOk={() => void run()} confirmLoading={busy}
      okText={t('templates.exportOk')} cancelText={t('common.cancel')} okButtonProps={{ 'data-testid': 'export-ok' }} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t('templates.exportIntro')}</Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item>
          <Checkbox checked={withSample} onChange={(e) => setWithSample(e.target.checked)} data-testid="export-with-sample">{t('templates.exportSample')}</Checkbox>
        </Form.Item>
        {withSample && (
          <Form.Item label={t('templates.exportSampleN')}>
            <InputNumber min={1} max={1000} precision={0} value={n} onChange={(v) => setN(typeof v === 'number' && v > 0 ? v : 1)} data-testid="export-sample" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

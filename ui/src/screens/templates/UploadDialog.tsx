import { useState } from 'react';
import { Button, Modal } from 'antd';
import { useTranslation } from 'react-i18next';
import '../../i18n/templates';
import { BundlePicker, type CheckedBundle } from './BundlePicker';

/**
 * UploadDialog checks an uploaded template file first; once it is valid,
 * "Install" hands the bundle on (the gallery opens the install dialog).
 */
export function UploadDialog({ open, onClose, onInstall }: { open: boolean; onClose: () => void; onInstall: (b: CheckedBundle) => void }) {
  const { t } = useTranslation();
  const [checked, setChecked] = useState<CheckedBundle | null>(null);
  return (
    <Modal open={open} title={t('templates.uploadTitle')} onCancel={onClose} destroyOnHidden width={640}
      afterOpenChange={(o) => { if (!o) setChecked(null); }}
      footer={[
        <Button key="c" onClick={onClose}>{t('common.cancel')}</Button>,
        <Button key="i" type="primary" disabled={!checked} onClick={() => checked && onInstall(checked)} data-testid="upload-install">{t('templates.install')}</Button>,
      ]}>
      <div data-testid="upload-dialog"><BundlePicker onChecked={setChecked} /></div>
    </Modal>
  );
}

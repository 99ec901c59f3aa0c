import { useState } from 'react';
import { Form, Input, Modal, Select, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { showServerErrors } from './formErrors';

interface Values { name: string; language: string }

/** CreateWorkspaceModal creates a workspace with the user as its admin. */
export default function CreateWorkspaceModal({ onClose, onCreated }: { onClose: () => void; onCreated: (id: string, name: string) => void }) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return; // the form shows what is missing
    setBusy(true);
    try {
      const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';
      const ws = await api.createWorkspace({ name: v.name.trim(), language: v.language, timeZone });
      onCreated(ws.id, ws.name);
    } catch (e) {
      showServerErrors(form, e, ['name', 'language'], 'name');
    } finally { setBusy(false); }
  };
  return (
    <Modal open title={t('workspaces.create')} onCancel={onClose} onOk={() => void submit()} confirmLoading={busy}
      okText={t('common.create')} cancelText={t('common.cancel')} okButtonProps={{ 'data-testid': 'workspace-create-ok' }}>
      <Typography.Paragraph type="secondary">{t('workspaces.createHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ language: i18n.language === 'en' ? 'en' : 'zh-CN' }}>
        <Form.Item name="name" label={t('workspaces.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100, message: t('validation.maxLength', { count: 100 }) }]}>
          <Input data-testid="workspace-name" autoFocus />
        </Form.Item>
        <Form.Item name="language" label={t('workspaces.language')}>
          <Select options={[{ value: 'zh-CN', label: '简体中文' }, { value: 'en', label: 'English' }]} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

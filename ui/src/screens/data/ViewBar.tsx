import { useEffect, useState } from 'react';
import { App as AntApp, Button, Checkbox, Dropdown, Form, Input, Modal, Select, Space } from 'antd';
import { DownOutlined, EyeOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { reportApi, type SavedView, type ViewConfig } from '../../api/report';
import type { WorkspaceRole } from '../../api/types';
import { errorText, showFormError } from '../../util/errors';

interface Props {
  formId: string;
  /** the open view's id ('' for all records) */
  current: string;
  views: SavedView[];
  /** manage: the member may share views and set role defaults */
  manage: boolean;
  /** config returns what the data view shows now, to save */
  config: () => ViewConfig;
  onPick: (id: string) => void;
  onSaved: (v: SavedView) => void;
  onDeleted: (id: string) => void;
}

/**
 * ViewBar picks a saved view of a form and saves what the table shows as
 * a view: a new one, or over the open one the member may change.
 */
export function ViewBar({ formId, current, views, manage, config, onPick, onSaved, onDeleted }: Props) {
  const { t } = useTranslation();
  const { message, modal } = AntApp.useApp();
  const [open, setOpen] = useState(false);
  const [roles, setRoles] = useState<WorkspaceRole[]>([]);
  const [form] = Form.useForm<{ name: string; shared: boolean; defaultFor: string[] }>();
  const shared = Form.useWatch('shared', form);
  const view = views.find((v) => v.id === current);
  const mayChange = !!view && (view.shared ? manage : true);

  useEffect(() => { if (open && manage) void api.roles().then(setRoles).catch(() => undefined); }, [open, manage]);

  // create saves what the table shows as a new view.
  const create = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const input = { name: v.name, shared: manage && !!v.shared, defaultFor: manage && v.shared ? v.defaultFor ?? [] : [], config: config() };
    try {
      const saved = await reportApi.createView(formId, input);
      message.success(t('views.saved'));
      setOpen(false);
      onSaved(saved);
    } catch (e) { showFormError(form, ['name', 'shared', 'defaultFor'], e, (m) => message.error(m)); }
  };

  // update saves what the table shows over the open view, keeping its name and sharing.
  const update = async () => {
    if (!view) return;
    try {
      const saved = await reportApi.updateView(view.id, { name: view.name, shared: view.shared, defaultFor: view.defaultFor ?? [], config: config() }, view.version);
      message.success(t('views.saved'));
      onSaved(saved);
    } catch (e) { message.error(errorText(e)); }
  };

  const startSave = () => {
    form.resetFields();
    form.setFieldsValue({ name: '', shared: false, defaultFor: [] });
    setOpen(true);
  };

  const remove = () => {
    if (!view) return;
    modal.confirm({
      title: t('views.deleteConfirm', { name: view.name }), okButtonProps: { danger: true }, okText: t('common.delete'), cancelText: t('common.cancel'),
      onOk: async () => {
        try { await reportApi.deleteView(view.id); message.success(t('views.deleted')); onDeleted(view.id); } catch (e) { message.error(errorText(e)); }
      },
    });
  };

  const copyLink = async () => {
    const u = new URL(window.location.href);
    u.search = ''; u.searchParams.set('view', current);
    try { await navigator.clipboard.writeText(u.toString()); message.success(t('views.linkCopied')); } catch { message.info(u.toString()); }
  };

  const sharedViews = views.filter((v) => v.shared);
  const personal = views.filter((v) => !v.shared);
  const options = [
    { value: '', label: t('views.all') },
    ...(sharedViews.length ? [{ label: t('views.sharedGroup'), options: sharedViews.map((v) => ({ value: v.id, label: v.name })) }] : []),
    ...(personal.length ? [{ label: t('views.personal'), options: personal.map((v) => ({ value: v.id, label: v.name })) }] : []),
  ];

  return (
    <Space.Compact>
      <Select value={current} onChange={onPick} options={options} style={{ minWidth: 140, maxWidth: 220 }} aria-label={t('views.pick')}
        data-testid="view-picker" suffixIcon={<EyeOutlined />} popupMatchSelectWidth={false} />
      <Dropdown trigger={['click']} menu={{
        items: [
          { key: 'save', label: mayChange ? t('views.update', { name: view!.name }) : t('views.save') },
          ...(mayChange ? [{ key: 'saveAs', label: t('views.saveAs') }] : []),
          ...(current ? [{ key: 'link', label: t('views.copyLink') }] : []),
          ...(mayChange ? [{ key: 'delete', label: t('views.delete'), danger: true }] : []),
        ],
        onClick: ({ key }) => {
          if (key === 'save' && mayChange) void update();
          else if (key === 'save' || key === 'saveAs') startSave();
          else if (key === 'link') void copyLink();
          else if (key === 'delete') remove();
        },
      }}>
        <Button icon={<DownOutlined />} data-testid="view-menu" aria-label={t('views.save')} />
      </Dropdown>
      <Modal open={open} title={t('views.save')} onCancel={() => setOpen(false)} okText={t('common.save')} cancelText={t('common.cancel')}
        onOk={() => void create()} forceRender>
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('views.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
            <Input data-testid="view-name" maxLength={60} />
          </Form.Item>
          {manage && <Form.Item name="shared" valuePropName="checked"><Checkbox data-testid="view-shared">{t('views.shared')}</Checkbox></Form.Item>}
          {manage && shared && <Form.Item name="defaultFor" label={t('views.defaultFor')} extra={t('views.defaultForHelp')}>
            <Select mode="multiple" allowClear options={roles.map((r) => ({ value: r.id, label: r.name }))} data-testid="view-default-for" />
          </Form.Item>}
        </Form>
      </Modal>
    </Space.Compact>
  );
}

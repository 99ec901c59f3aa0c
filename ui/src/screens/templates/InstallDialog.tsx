import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Form, Input, Modal, Result, Select, Steps, Switch } from 'antd';
import { LoadingOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import '../../i18n/templates';
import { ApiError } from '../../api/client';
import type { FieldError } from '../../api/types';
import { templateApi, type InstallResult, type Source, type Text } from '../../api/templates';
import { currentLang, LANGS } from '../../i18n';
import { applyFieldErrors, errorText } from '../../util/errors';
import { useCountsText } from './Counts';
import { ProblemList } from './ProblemList';
import { freeName, localized } from './model';

interface Values { appName: string; sampleData: boolean; locale: string }

export interface InstallDialogProps {
  /** source is the package to install (a shipped key or a checked bundle); null keeps the dialog closed. */
  source: Source | null;
  /** name is the template's name, the new app's default name. */
  name?: Text;
  /** hasSample says whether the package has sample data to offer (default: yes). */
  hasSample?: boolean;
  /** takenNames are the workspace's app names: the default name avoids them. */
  takenNames?: string[];
  onClose: () => void;
  /** onInstalled follows a successful install (the app list reloads). */
  onInstalled?: (r: InstallResult) => void;
}

const FORM_FIELDS = ['appName', 'sampleData', 'locale'];

/**
 * InstallDialog installs a template: the new app's name, whether to write
 * the sample data, and the language of its labels; then the install's steps
 * while it runs, and a result: a link to the new app, or the server's
 * problems (on the fields they name, the rest per item of the package).
 * Nothing is half-installed on a failure (the server removes it all).
 */
export function InstallDialog({ source, name, hasSample = true, takenNames, onClose, onInstalled }: InstallDialogProps) {
  const { t } = useTranslation();
  const countsText = useCountsText();
  const nav = useNavigate();
  const [form] = Form.useForm<Values>();
  const [phase, setPhase] = useState<'form' | 'installing' | 'done'>('form');
  const [sample, setSample] = useState(hasSample);
  const [result, setResult] = useState<InstallResult | null>(null);
  const [problems, setProblems] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const title = localized(name, currentLang());
  // The default name is chosen when the dialog opens: the app list reloads
  // once the install has made the app, and must not reset the dialog.
  const taken = useRef(takenNames);
  taken.current = takenNames;

  useEffect(() => {
    if (!source) return;
    setPhase('form'); setResult(null); setProblems([]); setFailure(null); setSample(hasSample);
    form.setFieldsValue({ appName: freeName(title, taken.current), sampleData: hasSample, locale: currentLang() });
  }, [source, title, hasSample, form]);

  // validateFields rejects as "out of date" when a value changed while it
  // ran (the defaults are set as the dialog opens): check again then,
  // rather than leave a click without an answer.
  const validated = async (): Promise<Values | null> => {
    for (let i = 0; i < 3; i++) {
      try {
        return await form.validateFields();
      } catch (e) {
        if (!(e && typeof e === 'object' && (e as { outOfDate?: boolean }).outOfDate)) return null;
      }
    }
    return null;
  };

  const install = async () => {
    const v = await validated();
    if (!v || !source) return;
    setPhase('installing'); setProblems([]); setFailure(null);
    try {
      const r = await templateApi.install(source, { appName: v.appName.trim(), sampleData: !!v.sampleData, locale: v.locale });
      setResult(r); setPhase('done');
      onInstalled?.(r);
    } catch (e) {
      setPhase('form');
      if (e instanceof ApiError && e.fields.length > 0) {
        // The app name's own problems go under its box; "name" is how a plain app create names it.
        const fields = e.fields.map((f) => (f.path === 'name' || f.path === 'app.name' ? { ...f, path: 'appName' } : f));
        setProblems(applyFieldErrors(form, fields, (n) => n.length === 1 && FORM_FIELDS.includes(String(n[0]))));
        setFailure(e.message || null);
      } else setFailure(errorText(e));
    }
  };

  const steps = [
    { title: t('templates.stepCheck') },
    { title: t('templates.stepCreate') },
    ...(sample ? [{ title: t('templates.stepSample') }] : []),
    { title: t('templates.stepDone') },
  ];

  return (
    <Modal open={source !== null} title={t('templates.installTitle', { name: title })} onCancel={phase === 'installing' ? undefined : onClose}
      closable={phase !== 'installing'} mask={{ closable: false }} destroyOnHidden width={560}
      footer={phase === 'done' ? null : [
        <Button key="c" onClick={onClose} disabled={phase === 'installing'}>{t('common.cancel')}</Button>,
        <Button key="i" type="primary" loading={phase === 'installing'} onClick={() => void install()} data-testid="install-ok">{t('templates.install')}</Button>,
      ]}>
      <div data-testid="install-dialog">
        {phase === 'done' && result ? (
          <Result status="success" title={t('templates.installed', { name: form.getFieldValue('appName') || title })}
            subTitle={countsText(result.counts) ? t('templates.installedCounts', { list: countsText(result.counts) }) : undefined}
            extra={[
              <Button key="o" type="primary" onClick={() => { onClose(); nav(`/apps/${result.appId}`); }} data-testid="install-open">{t('templates.openApp')}</Button>,
              <Button key="c" onClick={onClose}>{t('templates.close')}</Button>,
            ]} />
        ) : (
          <>
            {phase === 'installing' && (
              <Steps orientation="vertical" size="small" current={1} style={{ marginBottom: 16 }} data-testid="install-progress"
                items={steps.map((s, i) => ({ ...s, icon: i === 1 ? <LoadingOutlined /> : undefined, status: i < 1 ? 'finish' : i === 1 ? 'process' : 'wait' }))} />
            )}
            {failure && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('templates.failed')} description={failure} data-testid="install-error" />}
            {problems.length > 0 && <div style={{ marginBottom: 12 }}><ProblemList fields={problems} /></div>}
            <Form form={form} layout="vertical" disabled={phase === 'installing'} onFinish={() => void install()}
              onValuesChange={(c: Partial<Values>) => {
                if ('sampleData' in c) setSample(!!c.sampleData);
                // A name left as the template's follows the language chosen for the app.
                if (c.locale && name && typeof name === 'object') {
                  const cur = form.getFieldValue('appName');
                  const defaults = Object.values(name).flatMap((n) => [n, freeName(n, taken.current)]);
                  if (!cur || defaults.includes(cur)) form.setFieldValue('appName', freeName(localized(name, c.locale), taken.current));
                }
              }}>
              <Form.Item name="appName" label={t('templates.appName')} extra={t('templates.appNameHelp')}
                rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}>
                <Input data-testid="install-app-name" />
              </Form.Item>
              <Form.Item name="sampleData" label={t('templates.sampleData')} extra={t('templates.sampleDataHelp')} valuePropName="checked" hidden={!hasSample}>
                <Switch data-testid="install-sample" />
              </Form.Item>
              <Form.Item name="locale" label={t('templates.language')} extra={t('templates.languageHelp')}>
                <Select data-testid="install-locale" options={LANGS.map((l) => ({ value: l, label: t(`templates.lang.${l}`) }))} />
              </Form.Item>
            </Form>
          </>
        )}
      </div>
    </Modal>
  );
}

import { useState } from 'react';
import { Alert, Space, Spin, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import '../../i18n/templates';
import { ApiError } from '../../api/client';
import type { FieldError } from '../../api/types';
import { templateApi, type Bundle, type TemplateSummary } from '../../api/templates';
import { currentLang } from '../../i18n';
import { errorText } from '../../util/errors';
import { Counts } from './Counts';
import { ProblemList } from './ProblemList';
import { BundleFileError, bundleSummary, localized, readBundle } from './model';

export interface CheckedBundle { bundle: Bundle; summary: TemplateSummary; file: string }

/**
 * BundlePicker takes a template file (.json bundle), reads it and has the
 * server check it (POST /templates/check) before anything is installed: a
 * file that is not a bundle, or a bundle with problems, is shown with its
 * problems per item; a valid one with its name, version and contents, and
 * handed to onChecked.
 */
export function BundlePicker({ onChecked }: { onChecked: (b: CheckedBundle | null) => void }) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<FieldError[]>([]);
  const [ok, setOk] = useState<CheckedBundle | null>(null);

  const pick = async (f: File | null) => {
    setFile(f); setError(null); setProblems([]); setOk(null); onChecked(null);
    if (!f) return;
    setBusy(true);
    try {
      const bundle = await readBundle(f);
      const own = bundleSummary(bundle);
      const summary = (await templateApi.check(bundle)) ?? { key: own.key, version: own.version, name: own.name ?? own.key };
      const c = { bundle, summary, file: f.name };
      setOk(c); onChecked(c);
    } catch (e) {
      if (e instanceof BundleFileError) {
        setError(e.reason === 'tooLarge' ? t('templates.fileTooLarge') : e.reason === 'notJSON' ? t('templates.fileNotJSON', { detail: e.message }) : t('templates.fileNotBundle'));
      } else if (e instanceof ApiError && e.fields.length > 0) {
        setProblems(e.fields);
        setError(e.message || null);
      } else setError(errorText(e));
    } finally { setBusy(false); }
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Upload.Dragger accept=".json,application/json" maxCount={1} multiple={false}
        fileList={file ? [{ uid: '1', name: file.name, status: ok ? 'done' : error ? 'error' : 'uploading' }] : []}
        beforeUpload={(f) => { void pick(f); return false; }} onRemove={() => { void pick(null); }} data-testid="template-file">
        <p className="ant-upload-drag-icon"><InboxOutlined /></p>
        <p className="ant-upload-text">{t('templates.uploadHint')}</p>
        <p className="ant-upload-hint">{t('templates.uploadLimit')}</p>
      </Upload.Dragger>
      {busy && <Space data-testid="template-checking"><Spin size="small" /><Typography.Text type="secondary">{t('templates.checking')}</Typography.Text></Space>}
      {error && <Alert type="error" showIcon title={error} data-testid="template-file-error" />}
      {problems.length > 0 && <ProblemList fields={problems} />}
      {ok && (
        <Alert type="success" showIcon data-testid="template-checked" title={t('templates.checked')}
          description={
            <Space orientation="vertical" size={4}>
              <Typography.Text strong>{localized(ok.summary.name, currentLang()) || ok.summary.key} {ok.summary.version && t('templates.version', { version: ok.summary.version })}</Typography.Text>
              <Counts counts={ok.summary.counts} />
            </Space>
          } />
      )}
    </Space>
  );
}

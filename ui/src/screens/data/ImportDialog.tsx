import { useState } from 'react';
import { Alert, App as AntApp, Button, Checkbox, Modal, Space, Table, Tag, Typography, Upload } from 'antd';
import { InboxOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import type { ImportReport } from '../../api/types';
import { errorText } from '../../util/errors';

/** ImportDialog uploads a CSV or Excel file, previews it with a dry run (per-row errors in a table), then imports it. */
export default function ImportDialog({ formId, open, onClose, onImported }: { formId: string; open: boolean; onClose: () => void; onImported: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [skip, setSkip] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const reset = (f: File | null) => { setFile(f); setReport(null); setProblem(null); };
  const run = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true); setProblem(null);
    try {
      const r = await api.importRecords(formId, file, { dryRun, skipAutomations: skip });
      setReport(r);
      if (!dryRun) {
        message.success(t('import.done', { count: r.created }));
        onImported();
        reset(null);
        onClose();
      }
    } catch (e) {
      const rep = e instanceof ApiError ? (e.body as { report?: ImportReport } | undefined)?.report : undefined;
      if (rep) setReport(rep); else { setReport(null); setProblem(errorText(e)); }
    } finally { setBusy(false); }
  };

  const ignored = report?.columns.filter((c) => c.ignored) ?? [];
  return (
    <Modal open={open} title={t('import.title')} width={760} onCancel={() => { reset(null); onClose(); }} destroyOnHidden
      footer={<Space>
        <Button onClick={() => { reset(null); onClose(); }}>{t('common.cancel')}</Button>
        <Button disabled={!file} loading={busy} onClick={() => void run(true)} data-testid="import-check">{t('import.check')}</Button>
        <Button type="primary" disabled={!file || (report !== null && !report.valid)} loading={busy} onClick={() => void run(false)} data-testid="import-run">{t('import.run')}</Button>
      </Space>}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('import.hint')}</Typography.Paragraph>
        <Upload.Dragger accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" maxCount={1} multiple={false}
          fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
          beforeUpload={(f) => { reset(f); return false; }} onRemove={() => reset(null)} data-testid="import-file">
          <p className="ant-upload-drag-icon"><InboxOutlined /></p>
          <p className="ant-upload-text">{t('import.drop')}</p>
        </Upload.Dragger>
        <Checkbox checked={skip} onChange={(e) => setSkip(e.target.checked)}>{t('import.skipAutomations')}</Checkbox>
        {problem && <Alert type="error" title={problem} data-testid="import-problem" />}
        {report && (report.valid
          ? <Alert type="success" data-testid="import-valid" title={t('import.valid', { count: report.rows })} />
          : <Alert type="error" data-testid="import-invalid" title={t('import.invalid', { count: report.errors.length, rows: report.rows })} />)}
        {ignored.length > 0 && <Space wrap>{ignored.map((c) => <Tag key={c.index} title={c.message}>{t('import.ignoredColumn', { header: c.header || `#${c.index}` })}</Tag>)}</Space>}
        {report && report.errors.length > 0 && (
          <Table size="small" rowKey={(r) => `${r.row}-${r.path}-${r.code}`} dataSource={report.errors} pagination={{ pageSize: 10, hideOnSinglePage: true }} data-testid="import-errors"
            columns={[
              { key: 'row', dataIndex: 'row', title: t('import.row'), width: 80 },
              { key: 'column', dataIndex: 'column', title: t('import.column'), width: 160 },
              { key: 'message', dataIndex: 'message', title: t('import.problem') },
            ]} />
        )}
        {report?.errorsTruncated && <Typography.Text type="secondary">{t('import.truncated')}</Typography.Text>}
      </Space>
    </Modal>
  );
}

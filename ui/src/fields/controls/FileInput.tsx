import { useState } from 'react';
import { App as AntApp, Button, Modal, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { EditOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { fileURL, uploadFile, type FileRef } from '../../api/client';
import type { FieldDef, StoredFile } from '../../api/types';
import { errorText } from '../../util/errors';
import { SignaturePad } from './SignaturePad';
import { useFileRef } from '../fileRef';

function toUpload(f: StoredFile, ref: FileRef | null): UploadFile {
  return { uid: f.id, name: f.name, status: 'done', url: fileURL(f.id, ref), size: f.size, type: f.contentType };
}

/** FileInput uploads attachments, images and signatures, with progress, as a list of file references. */
export function FileInput({ field, value, onChange, disabled }: { field: FieldDef; value?: StoredFile[] | null; onChange?: (v: StoredFile[] | null) => void; disabled?: boolean }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const files = value ?? [];
  const [pending, setPending] = useState<UploadFile[]>([]);
  const [signing, setSigning] = useState(false);
  const max = field.maxFiles || (field.type === 'signature' ? 1 : 10);
  // Files of the saved record are read through it; ones uploaded here are not in it yet (their uploader reads them directly).
  const recordRef = useFileRef(field.key);
  const [fresh, setFresh] = useState<Set<string>>(() => new Set());
  const refOf = (id: string) => (fresh.has(id) ? null : recordRef);

  const upload = async (file: File) => {
    const uid = `${Date.now()}-${Math.random()}`;
    setPending((p) => [...p, { uid, name: file.name, status: 'uploading', percent: 0 }]);
    try {
      const info = await uploadFile(file, (pct) => setPending((p) => p.map((x) => (x.uid === uid ? { ...x, percent: pct } : x))));
      setFresh((s) => new Set(s).add(info.id));
      const next = [...(field.type === 'signature' ? [] : files), { id: info.id, name: info.name, size: info.size, contentType: info.contentType }];
      onChange?.(next);
    } catch (e) {
      message.error(errorText(e));
    } finally {
      setPending((p) => p.filter((x) => x.uid !== uid));
    }
  };

  const list = [...files.map((f) => toUpload(f, refOf(f.id))), ...pending];
  const accept = field.accept?.join(',') || (field.type === 'image' ? 'image/*' : undefined);

  if (field.type === 'signature') {
    return (
      <>
        {files[0] && <img src={fileURL(files[0].id, refOf(files[0].id))} alt={t('fill.signature')} style={{ maxHeight: 80, border: '1px solid #eee', display: 'block', marginBottom: 8 }} />}
        <Button icon={<EditOutlined />} disabled={disabled} onClick={() => setSigning(true)} data-testid={`sign-${field.key}`}>{files[0] ? t('fill.signAgain') : t('fill.sign')}</Button>
        {files[0] && !disabled && <Button type="link" onClick={() => onChange?.(null)}>{t('common.remove')}</Button>}
        <Modal open={signing} title={field.label} footer={null} onCancel={() => setSigning(false)} destroyOnHidden width={480}>
          <SignaturePad onDone={(b) => { setSigning(false); void upload(new File([b], 'signature.png', { type: 'image/png' })); }} />
        </Modal>
      </>
    );
  }
  return (
    <Upload
      fileList={list} multiple={max > 1} accept={accept} disabled={disabled}
      listType={field.type === 'image' ? 'picture-card' : 'text'}
      beforeUpload={(f) => { if (files.length + pending.length >= max) { message.warning(t('fill.tooManyFiles', { count: max })); return Upload.LIST_IGNORE; } void upload(f); return false; }}
      onRemove={(f) => { const next = files.filter((x) => x.id !== f.uid); onChange?.(next.length ? next : null); return true; }}
    >
      {files.length + pending.length < max && (field.type === 'image'
        ? <div><UploadOutlined /><div style={{ marginTop: 4 }}>{t('fill.upload')}</div></div>
        : <Button icon={<UploadOutlined />} disabled={disabled}>{t('fill.upload')}</Button>)}
    </Upload>
  );
}

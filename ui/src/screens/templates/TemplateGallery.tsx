import { useEffect, useState } from 'react';
import { Avatar, Button, Card, Col, Empty, Row, Space, Spin, Tag, Typography } from 'antd';
import { AppstoreOutlined, UploadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import '../../i18n/templates';
import { templateApi, type InstallResult, type Source, type TemplateSummary, type Text } from '../../api/templates';
import { errorText } from '../../util/errors';
import { Counts } from './Counts';
import { InstallDialog } from './InstallDialog';
import { UploadDialog } from './UploadDialog';
import { localized } from './model';
import './templates.css';

/**
 * TemplateGallery is the apps page's "start from a template" section (for
 * workspace admins): a card per shipped template with what it contains and
 * an install button, and the upload of a template file. It loads on
 * demand, apart from the apps page's first load.
 */
export default function TemplateGallery({ onInstalled, appNames }: { onInstalled?: (r: InstallResult) => void; appNames?: string[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const [items, setItems] = useState<TemplateSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [installing, setInstalling] = useState<{ source: Source; name: Text; sample: boolean } | null>(null);

  useEffect(() => {
    let live = true;
    templateApi.list().then((l) => { if (live) setItems(l); }, (e) => { if (live) { setError(errorText(e)); setItems([]); } });
    return () => { live = false; };
  }, []);

  return (
    <section className="fl-tpl-gallery" data-testid="template-gallery">
      <Space style={{ width: '100%', justifyContent: 'space-between', margin: '24px 0 4px' }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('templates.gallery')}</Typography.Title>
        <Button icon={<UploadOutlined />} onClick={() => setUploading(true)} data-testid="template-upload">{t('templates.upload')}</Button>
      </Space>
      <Typography.Paragraph type="secondary">{t('templates.galleryIntro')}</Typography.Paragraph>
      {items === null ? <Spin /> : items.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={error ?? t('templates.empty')} /> : (
        <Row gutter={[16, 16]}>
          {items.map((tp) => {
            const name = localized(tp.name, lang) || tp.key;
            return (
              <Col key={tp.key} xs={24} sm={12} lg={8}>
                <Card data-testid="template-card" data-key={tp.key} className="fl-tpl-card"
                  actions={[
                    <Button key="i" type="link" onClick={() => setInstalling({ source: { key: tp.key }, name: tp.name, sample: (tp.counts?.sampleRecords ?? 0) > 0 || (tp.counts?.sampleMembers ?? 0) > 0 })} data-testid="template-install">{t('templates.install')}</Button>,
                  ]}>
                  <Card.Meta
                    avatar={<Avatar shape="square" size={40} style={{ background: tp.color || '#1677ff' }} icon={<AppstoreOutlined />} />}
                    title={<Space size={6} wrap><span>{name}</span><Tag>{t('templates.version', { version: tp.version })}</Tag></Space>}
                    description={localized(tp.description, lang)} />
                  <div style={{ marginTop: 12 }}><Counts counts={tp.counts} /></div>
                </Card>
              </Col>
            );
          })}
        </Row>
      )}
      <UploadDialog open={uploading} onClose={() => setUploading(false)}
        onInstall={(b) => { setUploading(false); setInstalling({ source: { bundle: b.bundle }, name: b.summary.name, sample: hasSample(b.bundle) }); }} />
      <InstallDialog source={installing?.source ?? null} name={installing?.name} hasSample={installing?.sample} takenNames={appNames}
        onClose={() => setInstalling(null)} onInstalled={onInstalled} />
    </section>
  );
}

/** hasSample says whether an uploaded bundle carries sample data to offer. */
function hasSample(b: Record<string, unknown>): boolean {
  const s = b.sample as { members?: unknown[]; records?: Record<string, unknown[]> } | undefined;
  if (!s) return false;
  return (s.members?.length ?? 0) > 0 || Object.values(s.records ?? {}).some((r) => Array.isArray(r) && r.length > 0);
}

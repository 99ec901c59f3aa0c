import { useEffect, useState } from 'react';
import { Drawer, Empty, Spin, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Change, VersionInfo } from '../../api/types';
import { useDirectory } from '../../fields/directory';

const COLORS: Record<Change['kind'], string> = { added: 'green', removed: 'red', changed: 'blue', restored: 'purple' };

/** describeChange renders one change of a published version for people. */
export function describeChange(c: Change, label: (key: string) => string, t: (k: string, o?: Record<string, unknown>) => string): string {
  const name = label(c.field);
  switch (c.kind) {
    case 'added': return t('versions.added', { name });
    case 'removed': return t('versions.removed', { name });
    case 'restored': return t('versions.restored', { name });
    default: {
      const parts: string[] = [];
      if (c.props?.length) parts.push(c.props.join(', '));
      if (c.from || c.to) parts.push(`${c.from ?? ''} → ${c.to ?? ''}`);
      return t('versions.changed', { name, what: parts.join('; ') });
    }
  }
}

export function VersionsDrawer({ formId, open, onClose, refreshKey }: { formId: string; open: boolean; onClose: () => void; refreshKey: number }) {
  const { t } = useTranslation();
  const dir = useDirectory();
  const [list, setList] = useState<VersionInfo[] | null>(null);
  useEffect(() => {
    if (!open) return;
    setList(null);
    void api.versions(formId).then((v) => setList([...v].sort((a, b) => b.number - a.number))).catch(() => setList([]));
  }, [formId, open, refreshKey]);
  return (
    <Drawer open={open} onClose={onClose} title={t('versions.title')} size={460}>
      {list === null ? <Spin /> : list.length === 0 ? <Empty description={t('versions.none')} /> : (
        <Timeline items={list.map((v) => {
          const label = (k: string) => v.definition.fields.find((f) => f.key === k)?.label ?? v.archived?.find((f) => f.key === k)?.label ?? k;
          return {
            key: v.number,
            content: (
              <div data-testid="version-item">
                <Typography.Text strong>{t('versions.version', { n: v.number })}</Typography.Text>{' '}
                <Typography.Text type="secondary">{dayjs(v.publishedAt).format('YYYY-MM-DD HH:mm')} · {dir.users.find((u) => u.id === v.publishedBy)?.name ?? v.publishedBy}</Typography.Text>
                <div style={{ marginTop: 6 }}>
                  {(v.changes ?? []).length === 0 ? <Typography.Text type="secondary">{v.number === 1 ? t('versions.first') : t('versions.noChanges')}</Typography.Text>
                    : (v.changes ?? []).map((c, i) => <div key={i}><Tag color={COLORS[c.kind]}>{t(`versions.kind_${c.kind}`)}</Tag>{describeChange(c, label, t)}</div>)}
                </div>
              </div>
            ),
          };
        })} />
      )}
    </Drawer>
  );
}

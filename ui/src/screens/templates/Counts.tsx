import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import '../../i18n/templates';
import { countList, PART_ORDER } from './model';

/** NAMED are the counts with a name of their own; others show as "kind: n". */
const NAMED = [...PART_ORDER, 'sampleMembers', 'sampleRecords'];

/** Counts shows what a package contains: "9 forms", "1 stage pipeline", "12 automations"… */
export function Counts({ counts }: { counts?: Record<string, number> }) {
  const { t } = useTranslation();
  const list = countList(counts);
  if (list.length === 0) return null;
  return (
    <Space size={[4, 4]} wrap data-testid="template-counts">
      {list.map(([k, n]) => (
        <Tag key={k} data-count={k}>
          {NAMED.includes(k) ? t(`templates.count.${k}`, { count: n }) : t('templates.count.other', { kind: k, count: n })}
        </Tag>
      ))}
    </Space>
  );
}

/** countsText is the one-line form of Counts, for a result's subtitle. */
export function useCountsText(): (counts?: Record<string, number>) => string {
  const { t } = useTranslation();
  return (counts) => countList(counts)
    .map(([k, n]) => (NAMED.includes(k) ? t(`templates.count.${k}`, { count: n }) : t('templates.count.other', { kind: k, count: n })))
    .join(t('templates.sep'));
}

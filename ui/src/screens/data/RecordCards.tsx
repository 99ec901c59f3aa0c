import { Card, Checkbox, Empty, Spin, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { FieldDef, FormRecord } from '../../api/types';
import { formatValue, type FormatContext } from '../../fields/format';

/** CARD_FIELDS is how many fields a record card shows under its title. */
const CARD_FIELDS = 4;

/**
 * RecordCards is the data view on a phone: one card per record, its first
 * field as the title and the next few as label and value, with the same
 * selection and click-to-open as the table rows.
 */
export function RecordCards({ fields, rows, loading, ctx, selected, onSelect, onOpen, bin, selectable = true }: {
  fields: FieldDef[]; rows: FormRecord[]; loading: boolean; ctx: FormatContext; bin: boolean;
  selected: string[]; onSelect: (ids: string[]) => void; onOpen: (id: string) => void;
  /** selectable: the member may act on several records at once (delete or restore). */
  selectable?: boolean;
}) {
  const { t } = useTranslation();
  if (loading && rows.length === 0) return <div style={{ textAlign: 'center', padding: 24 }}><Spin /></div>;
  if (rows.length === 0) return <Empty />;
  const [head, ...rest] = fields;
  return (
    <div className="fl-cards">
      {rows.map((r) => {
        const on = selected.includes(r.id);
        return (
          <Card key={r.id} size="small" data-testid="record-row" hoverable onClick={() => onOpen(r.id)}
            title={<span className="fl-card-title">
              {selectable && <span onClick={(e) => e.stopPropagation()}>
                <Checkbox checked={on} aria-label={t('data.select')}
                  onChange={(e) => onSelect(e.target.checked ? [...selected, r.id] : selected.filter((x) => x !== r.id))} />
              </span>}
              <Typography.Text strong ellipsis>{head ? formatValue(head, r.data[head.key], ctx) || '—' : r.id}</Typography.Text>
            </span>}>
            <dl className="fl-card-fields">
              {rest.slice(0, CARD_FIELDS).map((f) => (
                <div key={f.key}><dt>{f.label}</dt><dd>{formatValue(f, r.data[f.key], ctx) || '—'}</dd></div>
              ))}
              <div><dt>{bin ? t('common.deleted') : t('data.updatedAt')}</dt>
                <dd>{dayjs(bin && r.deletedAt ? r.deletedAt : r.updatedAt).format('YYYY-MM-DD HH:mm')}</dd></div>
            </dl>
          </Card>
        );
      })}
    </div>
  );
}

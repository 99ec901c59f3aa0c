import { useEffect, useRef } from 'react';
import { Alert, Button, Tag, Typography } from 'antd';
import { useDraggable, useDroppable } from '@dnd-kit/core';
import { useTranslation } from 'react-i18next';
import type { FieldDef, FormRecord } from '../../../api/types';
import { formatValue, type FormatContext } from '../../../fields/format';
import { formatSum } from '../totals';
import { NONE, type Column, type ColumnTotals } from './boardModel';

/** ColumnState is what a column has loaded: its cards and the cursor of the next page. */
export interface ColumnState { items: FormRecord[]; next?: string; loaded: boolean; loading: boolean }

interface Props {
  column: Column;
  field: FieldDef;
  sumField?: FieldDef;
  totals: ColumnTotals;
  state?: ColumnState;
  cardFields: FieldDef[];
  ctx: FormatContext;
  /** errors are the refusals of the last moves, by record id */
  errors: Record<string, string>;
  draggable: boolean;
  /** onMore loads the column's next page (the first one too) */
  onMore: (key: string) => void;
  onOpen: (id: string) => void;
  onDismiss: (id: string) => void;
}

/**
 * BoardColumn is one column of the board: its header (the choice in its
 * colour, the count and the sum), its cards, and a "load more" row that
 * loads the next page by itself when it scrolls into view.
 */
export function BoardColumn({ column, field, sumField, totals, state, cardFields, ctx, errors, draggable, onMore, onOpen, onDismiss }: Props) {
  const { t } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id: `col:${column.key}` });
  const more = useRef<HTMLDivElement>(null);
  const items = state?.items ?? [];
  const wants = !state?.loaded || !!state.next;
  const loading = !!state?.loading;
  // The first page loads when the column comes into view, the next ones when its end does.
  useEffect(() => {
    const el = more.current;
    if (!el || !wants || loading) return;
    if (typeof IntersectionObserver === 'undefined') { onMore(column.key); return; }
    const io = new IntersectionObserver((es) => { if (es.some((x) => x.isIntersecting)) onMore(column.key); }, { rootMargin: '200px' });
    io.observe(el);
    return () => io.disconnect();
  }, [wants, loading, onMore, column.key]);

  const label = column.key === NONE ? <Typography.Text type="secondary">{column.label}</Typography.Text>
    : field.type === 'select' ? <Tag color={column.color} style={{ marginInlineEnd: 0 }}>{column.label}</Tag> : <Typography.Text strong>{column.label}</Typography.Text>;
  return (
    <section className={`fl-board-col${isOver ? ' fl-board-col-over' : ''}`} ref={setNodeRef} data-testid="board-column" data-column={column.key === NONE ? '' : column.key}>
      <header className="fl-board-head" data-testid="board-column-head">
        {label}
        <Typography.Text type="secondary" data-testid="board-count">{t('board.count', { count: totals.count })}</Typography.Text>
        {sumField && <Typography.Text type="secondary" className="fl-board-sum" data-testid="board-sum-value">
          {sumField.label} {formatSum(sumField, totals.sum ?? 0, ctx) || 0}
        </Typography.Text>}
      </header>
      <div className="fl-board-cards">
        {items.map((r) => <Card key={r.id} record={r} from={column.key} fields={cardFields} ctx={ctx} error={errors[r.id]} draggable={draggable} onOpen={onOpen} onDismiss={onDismiss} />)}
        {state?.loaded && items.length === 0 && <Typography.Text type="secondary" className="fl-board-empty">{t('board.empty')}</Typography.Text>}
        <div ref={more} className="fl-board-more">
          {wants && <Button type="link" size="small" loading={loading} onClick={() => onMore(column.key)} data-testid="board-more">{t('board.loadMore')}</Button>}
        </div>
      </div>
    </section>
  );
}

function Card({ record, from, fields, ctx, error, draggable, onOpen, onDismiss }: {
  record: FormRecord; from: string; fields: FieldDef[]; ctx: FormatContext; error?: string; draggable: boolean;
  onOpen: (id: string) => void; onDismiss: (id: string) => void;
}) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: record.id, data: { record, from }, disabled: !draggable });
  return (
    <div ref={setNodeRef} {...attributes} {...listeners} className={`fl-board-card${isDragging ? ' fl-board-card-ghost' : ''}${error ? ' fl-board-card-error' : ''}`}
      data-testid="board-card" data-record={record.id} onClick={() => onOpen(record.id)}>
      <CardBody record={record} fields={fields} ctx={ctx} />
      {error && <Alert type="error" showIcon className="fl-board-card-alert" title={error} data-testid="card-error"
        closable={{ closeIcon: true, 'aria-label': t('board.dismiss') }} onClose={() => onDismiss(record.id)}
        onClick={(e) => e.stopPropagation()} />}
    </div>
  );
}

/** CardBody is what a card shows: its first field as the title, the others as label and value. */
export function CardBody({ record, fields, ctx }: { record: FormRecord; fields: FieldDef[]; ctx: FormatContext }) {
  const { t } = useTranslation();
  const [head, ...rest] = fields;
  const show = (f: FieldDef) => {
    const v = record.data[f.key];
    if ((f.type === 'select' || f.type === 'multiselect') && v !== null && v !== undefined && v !== '') {
      const list = Array.isArray(v) ? (v as string[]) : [String(v)];
      return list.map((x) => { const o = f.options?.find((opt) => opt.value === x); return <Tag key={x} color={o?.color}>{o?.label ?? x}</Tag>; });
    }
    return formatValue(f, v, ctx) || '—';
  };
  return (
    <>
      <Typography.Text strong ellipsis className="fl-board-title">{head ? formatValue(head, record.data[head.key], ctx) || t('board.untitled') : record.id}</Typography.Text>
      {rest.length > 0 && <dl className="fl-card-fields">
        {rest.map((f) => <div key={f.key}><dt>{f.label}</dt><dd>{show(f)}</dd></div>)}
      </dl>}
    </>
  );
}

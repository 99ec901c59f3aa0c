import { useEffect, useRef, useState } from 'react';
import { Alert, App as AntApp, Collapse, Empty, Space, Spin, Table, Tag, Typography } from 'antd';
import type { TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { reportApi, type AggregateGroup } from '../../api/report';
import type { FieldDef, Filter, FormRecord, SortKey } from '../../api/types';
import { queryPath } from '../../fields/catalog';
import { formatValue, type FormatContext } from '../../fields/format';
import { formatSum, orderGroups } from './totals';
import { errorText } from '../../util/errors';

interface Props {
  formId: string;
  field: FieldDef;
  filter?: Filter;
  sort: SortKey[];
  deleted: boolean;
  columns: TableProps<FormRecord>['columns'];
  /** sums are the number fields summed in each group's header */
  sums: FieldDef[];
  ctx: FormatContext;
  onOpen: (id: string) => void;
  /** reload changes when records changed (another member's write arriving live, the drawer): the groups and the open groups' rows are read again in place */
  reload?: number;
  /** renderRows shows an open group's records (null while they load) instead of the table: cards on a phone */
  renderRows?: (rows: FormRecord[] | null) => React.ReactNode;
}

const GROUP_ROWS = 50;

/**
 * GroupedTable shows a form's records grouped by one field: a header per
 * group with its count and sums (one aggregate on the server), and the
 * group's records loaded when it is opened. A reload reads the groups
 * again without clearing them, and the groups that were open stay open
 * (they are known by their value, not their place).
 */
export function GroupedTable({ formId, field, filter, sort, deleted, columns, sums, ctx, onOpen, reload = 0, renderRows }: Props) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [groups, setGroups] = useState<AggregateGroup[] | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [open, setOpen] = useState<string[]>([]);

  // A new query starts with every group closed (one group opens by itself); a reload keeps what is open.
  const query = JSON.stringify([formId, field.key, filter, deleted, sums.map((f) => f.key)]);
  const lastQuery = useRef('');
  useEffect(() => {
    const ac = new AbortController();
    const fresh = lastQuery.current !== query;
    lastQuery.current = query;
    if (fresh) setGroups(null);
    reportApi.aggregate(formId, {
      filter, groupBy: [{ field: queryPath(field) }], deleted: deleted ? 'only' : undefined,
      metrics: [{ op: 'count' }, ...sums.map((f) => ({ op: 'sum' as const, field: queryPath(f) }))],
    }, ac.signal).then((r) => {
      const gs = orderGroups(field, r.groups);
      setGroups(gs); setTruncated(!!r.truncated);
      if (fresh) setOpen(gs.length === 1 ? [groupKey(gs[0].keys[0])] : []);
    }).catch((e: Error) => { if (e.name !== 'AbortError') { message.error(errorText(e)); if (fresh) setGroups([]); } });
    return () => ac.abort();
    // query stands for formId, field, filter, deleted and sums
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query, reload, message]);

  if (groups === null) return <Spin />;
  if (groups.length === 0) return <Empty />;
  return (
    <>
      {truncated && <Alert type="info" showIcon style={{ marginBottom: 8 }} title={t('views.moreGroups', { n: groups.length })} />}
      <Collapse activeKey={open} onChange={(k) => setOpen(k as string[])} data-testid="grouped-table" items={groups.map((g) => {
        const key = g.keys[0];
        const id = groupKey(key);
        const label = key === null || key === undefined || key === '' ? t('views.empty') : formatValue(field, key, ctx);
        return {
          key: id,
          label: <Space wrap data-testid="group-header">
            {field.type === 'select' ? <Tag color={field.options?.find((o) => o.value === key)?.color}>{label}</Tag> : <Typography.Text strong>{label}</Typography.Text>}
            <Typography.Text type="secondary">{t('views.groupCount', { count: Number(g.values[0] ?? 0) })}</Typography.Text>
            {sums.map((f, j) => <Typography.Text key={f.key} type="secondary">{f.label} {t('views.sum')} {formatSum(f, g.values[j + 1], ctx) || 0}</Typography.Text>)}
          </Space>,
          children: open.includes(id) ? <GroupRows count={Number(g.values[0] ?? 0)} formId={formId} filter={groupFilter(filter, queryPath(field), key)} sort={sort} deleted={deleted} columns={columns} onOpen={onOpen} reload={reload} renderRows={renderRows} /> : null,
        };
      })} />
    </>
  );
}

/** groupKey names a group by its value (empty values are one group). */
function groupKey(key: unknown): string {
  return key === null || key === undefined || key === '' ? '∅' : JSON.stringify(key);
}

/** groupFilter narrows filter to the records whose path holds key (no value for a null key). */
function groupFilter(filter: Filter | undefined, path: string, key: unknown): Filter {
  const cond: Filter = key === null || key === undefined || key === '' ? { field: path, op: 'empty', value: true } : { field: path, op: 'eq', value: key };
  return filter ? { and: [filter, cond] } : cond;
}

function GroupRows({ count, formId, filter, sort, deleted, columns, onOpen, reload, renderRows }: {
  count: number; formId: string; filter: Filter; sort: SortKey[]; deleted: boolean; columns: TableProps<FormRecord>['columns']; onOpen: (id: string) => void; reload: number;
  renderRows?: (rows: FormRecord[] | null) => React.ReactNode;
}) {
  const { message } = AntApp.useApp();
  const [rows, setRows] = useState<FormRecord[] | null>(null);
  // groupFilter makes a new object on every render: the query is compared by value.
  const query = JSON.stringify([formId, filter, sort, deleted]);
  useEffect(() => {
    const ac = new AbortController();
    api.query(formId, { filter, sort: sort.length ? sort : undefined, limit: GROUP_ROWS, deleted: deleted ? 'only' : undefined }, ac.signal)
      .then((p) => setRows(p.items)).catch((e: Error) => { if (e.name !== 'AbortError') message.error(errorText(e)); });
    return () => ac.abort();
    // query stands for formId, filter, sort and deleted
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query, reload, message]);
  const { t } = useTranslation();
  return <>
    {renderRows ? renderRows(rows) : <Table<FormRecord> rowKey="id" size="small" loading={rows === null} dataSource={rows ?? []} columns={columns} pagination={false} scroll={{ x: 'max-content' }}
      onRow={(r) => ({ onClick: () => onOpen(r.id), style: { cursor: 'pointer' }, 'data-testid': 'record-row' } as React.HTMLAttributes<HTMLElement>)} />}
    {rows !== null && count > rows.length && <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }} data-testid="group-more">{t('views.groupFirst', { n: rows.length, total: count })}</Typography.Text>}
  </>;
}

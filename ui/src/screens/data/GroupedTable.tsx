import { useEffect, useState } from 'react';
import { Alert, App as AntApp, Collapse, Empty, Space, Spin, Table, Tag, Typography } from 'antd';
import type { TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { reportApi, type AggregateGroup } from '../../api/report';
import type { FieldDef, Filter, FormRecord, SortKey } from '../../api/types';
import { queryPath } from '../../fields/catalog';
import { formatValue, type FormatContext } from '../../fields/format';
import { formatSum } from './totals';
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
}

const GROUP_ROWS = 50;

/**
 * GroupedTable shows a form's records grouped by one field: a header per
 * group with its count and sums (one aggregate on the server), and the
 * group's records loaded when it is opened.
 */
export function GroupedTable({ formId, field, filter, sort, deleted, columns, sums, ctx, onOpen }: Props) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const [groups, setGroups] = useState<AggregateGroup[] | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [open, setOpen] = useState<string[]>([]);

  useEffect(() => {
    const ac = new AbortController();
    setGroups(null);
    reportApi.aggregate(formId, {
      filter, groupBy: [{ field: queryPath(field) }], deleted: deleted ? 'only' : undefined,
      metrics: [{ op: 'count' }, ...sums.map((f) => ({ op: 'sum' as const, field: queryPath(f) }))],
    }, ac.signal).then((r) => { setGroups(r.groups); setTruncated(!!r.truncated); setOpen(r.groups.length === 1 ? ['0'] : []); })
      .catch((e: Error) => { if (e.name !== 'AbortError') { message.error(errorText(e)); setGroups([]); } });
    return () => ac.abort();
  }, [formId, field, filter, deleted, sums, message]);

  if (groups === null) return <Spin />;
  if (groups.length === 0) return <Empty />;
  return (
    <>
      {truncated && <Alert type="info" showIcon style={{ marginBottom: 8 }} title={t('views.moreGroups', { n: groups.length })} />}
      <Collapse activeKey={open} onChange={(k) => setOpen(k as string[])} data-testid="grouped-table" items={groups.map((g, i) => {
        const key = g.keys[0];
        const label = key === null || key === undefined || key === '' ? t('views.empty') : formatValue(field, key, ctx);
        return {
          key: String(i),
          label: <Space wrap data-testid="group-header">
            {field.type === 'select' ? <Tag color={field.options?.find((o) => o.value === key)?.color}>{label}</Tag> : <Typography.Text strong>{label}</Typography.Text>}
            <Typography.Text type="secondary">{t('views.groupCount', { count: Number(g.values[0] ?? 0) })}</Typography.Text>
            {sums.map((f, j) => <Typography.Text key={f.key} type="secondary">{f.label} {t('views.sum')} {formatSum(f, g.values[j + 1], ctx) || 0}</Typography.Text>)}
          </Space>,
          children: open.includes(String(i)) ? <GroupRows formId={formId} filter={groupFilter(filter, queryPath(field), key)} sort={sort} deleted={deleted} columns={columns} onOpen={onOpen} /> : null,
        };
      })} />
    </>
  );
}

/** groupFilter narrows filter to the records whose path holds key (no value for a null key). */
function groupFilter(filter: Filter | undefined, path: string, key: unknown): Filter {
  const cond: Filter = key === null || key === undefined || key === '' ? { field: path, op: 'empty', value: true } : { field: path, op: 'eq', value: key };
  return filter ? { and: [filter, cond] } : cond;
}

function GroupRows({ formId, filter, sort, deleted, columns, onOpen }: { formId: string; filter: Filter; sort: SortKey[]; deleted: boolean; columns: TableProps<FormRecord>['columns']; onOpen: (id: string) => void }) {
  const { message } = AntApp.useApp();
  const [rows, setRows] = useState<FormRecord[] | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    api.query(formId, { filter, sort: sort.length ? sort : undefined, limit: GROUP_ROWS, deleted: deleted ? 'only' : undefined }, ac.signal)
      .then((p) => setRows(p.items)).catch((e: Error) => { if (e.name !== 'AbortError') message.error(errorText(e)); });
    return () => ac.abort();
  }, [formId, filter, sort, deleted, message]);
  return <Table<FormRecord> rowKey="id" size="small" loading={rows === null} dataSource={rows ?? []} columns={columns} pagination={false} scroll={{ x: 'max-content' }}
    onRow={(r) => ({ onClick: () => onOpen(r.id), style: { cursor: 'pointer' }, 'data-testid': 'record-row' } as React.HTMLAttributes<HTMLElement>)} />;
}

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App as AntApp, Empty, Select, Space, Spin } from 'antd';
import { DndContext, DragOverlay, KeyboardSensor, MouseSensor, TouchSensor, pointerWithin, rectIntersection, useSensor, useSensors } from '@dnd-kit/core';
import type { CollisionDetection, DragEndEvent, DragStartEvent } from '@dnd-kit/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { reportApi, type AggregateGroup, type ViewConfig } from '../../../api/report';
import type { FieldDef, Filter, FormRecord, SortKey, User } from '../../../api/types';
import { queryPath } from '../../../fields/catalog';
import type { FormatContext } from '../../../fields/format';
import { errorText } from '../../../util/errors';
import { usePhone } from '../../../util/usePhone';
import { boardable, CARD_DEFAULT, columnFilter, columnsOf, refusal, SUM_TYPES, sumOf, totalsOf, valueOf, type ColumnTotals } from './boardModel';
import { BoardColumn, CardBody, type ColumnState } from './BoardColumn';
import './board.css';

/** KanbanConfig is what a saved view keeps of its board. */
export type KanbanConfig = NonNullable<ViewConfig['kanban']>;

/** PAGE is how many cards a column loads at a time. */
const PAGE = 20;
/** MAX_REFRESH bounds the cards one column re-reads on a refresh. */
const MAX_REFRESH = 200;
/** MAX_COLUMNS bounds the columns drawn (a member field of a large workspace). */
const MAX_COLUMNS = 50;

interface Props {
  formId: string;
  /** fields are the form's fields the member may see */
  fields: FieldDef[];
  filter?: Filter;
  sort: SortKey[];
  config?: KanbanConfig;
  onConfig: (c: KanbanConfig) => void;
  ctx: FormatContext;
  users: User[];
  /** movable tells whether the member may change a field (so drag its cards) */
  movable: (key: string) => boolean;
  onOpen: (id: string) => void;
  /** reload changes when records changed elsewhere (the drawer) */
  reload: number;
  /** onShown hears the records the columns have loaded (the data view fetches their related records' labels) */
  onShown?: (records: FormRecord[]) => void;
}

// Columns under the pointer win; when the pointer is between columns, the one the card overlaps.
const collision: CollisionDetection = (args) => { const p = pointerWithin(args); return p.length ? p : rectIntersection(args); };

/**
 * Board is the kanban layout of the data view: a column per choice (or
 * member) of one field, in option order plus "not set", headed by the
 * column's record count and the sum of a number field (one aggregate for
 * all columns, with the view's filter). Columns load their cards a page
 * at a time as they scroll into view. Dropping a card on another column is
 * a plain update of that field with the version read; when the server
 * refuses it (a stage gate, a validation rule, a stale version), the card
 * goes back and shows why.
 */
export default function Board({ formId, fields, filter, sort, config, onConfig, ctx, users, movable, onOpen, reload, onShown }: Props) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const phone = usePhone();
  const candidates = useMemo(() => fields.filter(boardable), [fields]);
  const field = candidates.find((f) => f.key === config?.field) ?? candidates[0];
  const sumFields = useMemo(() => fields.filter((f) => SUM_TYPES.has(f.type)), [fields]);
  // A saved board names its sum field by its query path ("deal.amount"); one without a field yet sums the first number.
  const sumField = config?.field ? sumFields.find((f) => queryPath(f) === config.sumField || f.key === config.sumField) : sumFields[0];
  const cardFields = useMemo(() => {
    const chosen = (config?.cardFields ?? []).map((k) => fields.find((f) => f.key === k)).filter((f): f is FieldDef => !!f);
    return chosen.length ? chosen : fields.filter((f) => f.key !== field?.key && f.type !== 'subform').slice(0, CARD_DEFAULT);
  }, [config?.cardFields, fields, field?.key]);
  const setConfig = (c: Partial<KanbanConfig>) => onConfig({ field: field?.key ?? '', sumField: sumField ? queryPath(sumField) : undefined, cardFields: config?.cardFields, ...c });
  // The board's choices are part of the view from the start, so saving it keeps what it shows.
  useEffect(() => {
    if (field && config?.field !== field.key) setConfig({ field: field.key });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [field?.key, config?.field]);

  const [groups, setGroups] = useState<AggregateGroup[] | null>(null);
  const [totals, setTotals] = useState(new Map<string, ColumnTotals>());
  const [cols, setCols] = useState<Record<string, ColumnState>>({});
  const colsRef = useRef(cols);
  colsRef.current = cols;
  useEffect(() => { onShown?.(Object.values(cols).flatMap((c) => c.items)); }, [cols, onShown]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [active, setActive] = useState<FormRecord | null>(null);
  // A new field, filter or sort starts every column again; answers to older requests are dropped.
  const gen = useRef(0);

  const fetchTotals = useCallback(async (signal?: AbortSignal) => {
    if (!field) return;
    const r = await reportApi.aggregate(formId, {
      filter, groupBy: [{ field: queryPath(field) }],
      metrics: [{ op: 'count' }, ...(sumField ? [{ op: 'sum' as const, field: queryPath(sumField) }] : [])],
    }, signal);
    setGroups(r.groups);
    setTotals(totalsOf(r.groups, !!sumField));
  }, [formId, field, sumField, filter]);

  useEffect(() => {
    gen.current++;
    setCols({}); setGroups(null); setErrors({});
    const ac = new AbortController();
    fetchTotals(ac.signal).catch((e: Error) => { if (e.name !== 'AbortError') { message.error(errorText(e)); setGroups([]); } });
    return () => ac.abort();
  }, [fetchTotals, sort, message]);

  // A change made elsewhere (the drawer, or another user's write arriving
  // live) refreshes the headers and the cards already shown, in place: a
  // column keeps as many cards as it had loaded, so a live update never
  // takes away a page the user opened or moves a button under the pointer.
  const seenReload = useRef(reload);
  useEffect(() => {
    if (reload === seenReload.current || !field) return;
    seenReload.current = reload;
    const g = gen.current;
    fetchTotals().catch(() => undefined);
    for (const [key, cur] of Object.entries(colsRef.current)) {
      if (!cur.loaded) continue;
      const n = Math.min(Math.max(cur.items.length, PAGE), MAX_REFRESH);
      api.query(formId, { filter: columnFilter(filter, field, key), sort: sort.length ? sort : undefined, limit: n }).then((p) => {
        if (g !== gen.current) return;
        setCols((c) => {
          const now = c[key]?.items ?? [];
          const fresh = new Set(p.items.map((r) => r.id));
          // Cards a "load more" appended while this read ran stay after the fresh ones.
          const tail = now.length > n ? now.slice(n).filter((r) => !fresh.has(r.id)) : [];
          return { ...c, [key]: { items: [...p.items, ...tail], next: tail.length ? c[key]?.next : p.nextCursor, loaded: true, loading: false } };
        });
      }).catch(() => undefined);
    }
  }, [reload, field, fetchTotals, formId, filter, sort]);

  const inflight = useRef(new Set<string>());
  const loadMore = useCallback(async (key: string) => {
    if (!field) return;
    const cur = colsRef.current[key];
    const g = gen.current;
    const id = `${g}:${key}`;
    if (inflight.current.has(id) || (cur?.loaded && !cur.next)) return;
    inflight.current.add(id);
    setCols((c) => ({ ...c, [key]: { items: c[key]?.items ?? [], next: c[key]?.next, loaded: !!c[key]?.loaded, loading: true } }));
    try {
      const p = await api.query(formId, { filter: columnFilter(filter, field, key), sort: sort.length ? sort : undefined, limit: PAGE, cursor: cur?.next });
      if (g !== gen.current) return;
      setCols((c) => {
        const have = c[key]?.items ?? [];
        const seen = new Set(have.map((r) => r.id));
        return { ...c, [key]: { items: [...have, ...p.items.filter((r) => !seen.has(r.id))], next: p.nextCursor, loaded: true, loading: false } };
      });
    } catch (e) {
      if (g !== gen.current) return;
      message.error(errorText(e));
      setCols((c) => ({ ...c, [key]: { ...(c[key] ?? { items: [] }), loaded: true, next: undefined, loading: false } }));
    } finally { inflight.current.delete(id); }
  }, [formId, field, filter, sort, message]);

  const sensors = useSensors(
    // A mouse drags after a few pixels (a click opens the record); a finger after a press, so the board still scrolls.
    useSensor(MouseSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
    useSensor(KeyboardSensor),
  );
  const columns = useMemo(() => (field && groups ? columnsOf(field, groups, users, t('board.none')) : []), [field, groups, users, t]);

  // move shifts a card between two columns' lists and their header figures (also to undo a refused move).
  const move = (r: FormRecord, from: string, to: string, at = 0) => {
    setCols((c) => {
      const src = c[from]?.items ?? [];
      const dst = (c[to]?.items ?? []).filter((x) => x.id !== r.id);
      dst.splice(Math.min(at, dst.length), 0, r);
      return { ...c, [from]: { ...(c[from] ?? { loaded: false, loading: false }), items: src.filter((x) => x.id !== r.id) }, [to]: { ...(c[to] ?? { loaded: false, loading: false }), items: dst } };
    });
    const n = sumOf(sumField, r);
    setTotals((m) => {
      const out = new Map(m);
      const a = out.get(from) ?? { count: 0, sum: sumField ? 0 : null };
      const b = out.get(to) ?? { count: 0, sum: sumField ? 0 : null };
      out.set(from, { count: Math.max(0, a.count - 1), sum: a.sum === null ? null : a.sum - n });
      out.set(to, { count: b.count + 1, sum: b.sum === null ? null : b.sum + n });
      return out;
    });
  };

  const onDragStart = (e: DragStartEvent) => setActive((e.active.data.current as { record: FormRecord }).record);
  const onDragEnd = async (e: DragEndEvent) => {
    setActive(null);
    const { record: r, from } = e.active.data.current as { record: FormRecord; from: string };
    const to = e.over ? String(e.over.id).replace(/^col:/, '') : '';
    if (!field || !e.over || to === from) return;
    const index = (colsRef.current[from]?.items ?? []).findIndex((x) => x.id === r.id);
    const label = columns.find((c) => c.key === to)?.label ?? to;
    move(r, from, to);
    setErrors(({ [r.id]: _, ...rest }) => rest);
    try {
      const saved = await api.updateRecord(formId, r.id, { [field.key]: valueOf(to) }, r.version);
      setCols((c) => ({ ...c, [to]: { ...c[to], items: c[to].items.map((x) => (x.id === r.id ? saved : x)) } }));
      message.success(t('board.moved', { column: label }));
      // The server's figures replace the local ones (a formula may change the summed field too).
      fetchTotals().catch(() => undefined);
    } catch (err) {
      move(r, to, from, index < 0 ? 0 : index);
      const text = refusal(err);
      setErrors((m) => ({ ...m, [r.id]: text }));
      message.error(t('board.refused', { message: text }));
    }
  };

  if (!field) return <Empty description={t('board.noKanbanField')} data-testid="board-no-field" />;
  const fieldOptions = candidates.map((f) => ({ value: f.key, label: f.label }));
  const shown = columns.slice(0, MAX_COLUMNS);
  const mayMove = movable(field.key);
  return (
    <div data-testid="board">
      <Space wrap style={{ marginBottom: 12 }} className="fl-board-settings">
        <Select value={field.key} options={fieldOptions} onChange={(v) => setConfig({ field: v })} prefix={t('board.field')} popupMatchSelectWidth={false}
          aria-label={t('board.field')} data-testid="board-field" style={{ minWidth: 140 }} />
        <Select value={sumField ? queryPath(sumField) : ''} onChange={(v) => setConfig({ sumField: v || undefined })} prefix={t('board.sumField')} popupMatchSelectWidth={false}
          options={[{ value: '', label: t('board.noSum') }, ...sumFields.map((f) => ({ value: queryPath(f), label: f.label }))]}
          aria-label={t('board.sumField')} data-testid="board-sum" style={{ minWidth: 120 }} />
        <Select mode="multiple" value={config?.cardFields ?? cardFields.map((f) => f.key)} placeholder={t('board.cardFieldsPlaceholder')} maxTagCount="responsive"
          onChange={(v: string[]) => setConfig({ cardFields: v.length ? v : undefined })} options={fields.filter((f) => f.type !== 'subform').map((f) => ({ value: f.key, label: f.label }))}
          prefix={t('board.cardFields')} aria-label={t('board.cardFields')} data-testid="board-card-fields" style={{ width: phone ? '100%' : 300 }} />
      </Space>
      {!mayMove && <Alert type="info" showIcon style={{ marginBottom: 8 }} title={t('board.readOnly')} />}
      {columns.length > MAX_COLUMNS && <Alert type="info" showIcon style={{ marginBottom: 8 }} title={t('board.moreColumns', { n: MAX_COLUMNS })} />}
      {groups === null ? <div style={{ textAlign: 'center', padding: 24 }}><Spin /></div> : (
        <DndContext sensors={sensors} collisionDetection={collision} onDragStart={onDragStart} onDragEnd={(e) => void onDragEnd(e)} onDragCancel={() => setActive(null)}>
          <div className="fl-board" data-testid="board-columns">
            {shown.map((c) => (
              <BoardColumn key={c.key} column={c} field={field} sumField={sumField} totals={totals.get(c.key) ?? { count: 0, sum: sumField ? 0 : null }}
                state={cols[c.key]} cardFields={cardFields} ctx={ctx} errors={errors} draggable={mayMove}
                onMore={loadMore} onOpen={onOpen} onDismiss={(id) => setErrors(({ [id]: _, ...rest }) => rest)} />
            ))}
          </div>
          <DragOverlay dropAnimation={null}>{active ? <div className="fl-board-card fl-board-card-dragging"><CardBody record={active} fields={cardFields} ctx={ctx} /></div> : null}</DragOverlay>
        </DndContext>
      )}
    </div>
  );
}

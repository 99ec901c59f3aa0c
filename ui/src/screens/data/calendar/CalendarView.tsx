import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App as AntApp, Button, Empty, Popover, Segmented, Select, Space, Spin, Typography } from 'antd';
import { LeftOutlined, RightOutlined } from '@ant-design/icons';
import { DndContext, DragOverlay, KeyboardSensor, MouseSensor, TouchSensor, pointerWithin, useDraggable, useDroppable, useSensor, useSensors } from '@dnd-kit/core';
import type { DragEndEvent, DragStartEvent } from '@dnd-kit/core';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import type { ViewConfig } from '../../../api/report';
import type { FieldDef, Filter, FormRecord } from '../../../api/types';
import { formatValue, type FormatContext } from '../../../fields/format';
import { errorText } from '../../../util/errors';
import { usePhone } from '../../../util/usePhone';
import { refusal } from '../board/boardModel';
import { dateField } from '../board/layoutState';
import { atHour, DAY, dayOf, dropTarget, HOURS, hourOf, rangeFilter, rescheduled, timeOf, visibleDays, type Mode } from './calendarModel';
import './calendar.css';

/** CalendarConfig is what a saved view keeps of its calendar. */
export type CalendarConfig = NonNullable<ViewConfig['calendar']>;

/** PAGE and MAX_RECORDS bound what one visible range loads. */
const PAGE = 500;
const MAX_RECORDS = 1000;
const TITLE_TYPES = new Set(['text', 'serial', 'email', 'phone', 'select', 'user']);

interface Props {
  formId: string;
  fields: FieldDef[];
  filter?: Filter;
  config?: CalendarConfig;
  onConfig: (c: CalendarConfig) => void;
  ctx: FormatContext;
  movable: (key: string) => boolean;
  onOpen: (id: string) => void;
  reload: number;
}

/**
 * CalendarView is the calendar layout of the data view: the records of
 * the visible month, week or day placed on the day of one date or
 * date-time field (fetched per visible range, with the view's filter).
 * Dropping a record on another day is a plain update of that field (a
 * date-time keeps its time of day); in the day view a date-time goes on an
 * hour grid and dropping it on an hour moves it there. A refused move goes
 * back and says why.
 */
export default function CalendarView({ formId, fields, filter, config, onConfig, ctx, movable, onOpen, reload }: Props) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const phone = usePhone();
  const candidates = useMemo(() => fields.filter(dateField), [fields]);
  const field = candidates.find((f) => f.key === config?.field) ?? candidates[0];
  const title = fields.find((f) => f.key !== field?.key && TITLE_TYPES.has(f.type)) ?? fields.find((f) => f.key !== field?.key);
  // The span is this browser's choice per form (a saved view keeps the field, not the span).
  const modeKey = `formloom.calendarMode.${formId}`;
  const [mode, setModeState] = useState<Mode>(() => { const m = localStorage.getItem(modeKey); return m === 'week' || m === 'day' ? m : 'month'; });
  const setMode = (m: Mode) => { setModeState(m); localStorage.setItem(modeKey, m); };
  const [cursor, setCursor] = useState<Dayjs>(() => dayjs().startOf('day'));
  const days = useMemo(() => visibleDays(mode, cursor), [mode, cursor]);
  const rangeKey = `${days[0].format(DAY)}/${days.length}`;
  const [rows, setRows] = useState<FormRecord[] | null>(null);
  const [truncated, setTruncated] = useState(false);
  const [refused, setRefused] = useState<string>('');
  const [active, setActive] = useState<FormRecord | null>(null);
  // The date field is part of the view from the start, so saving it keeps what it shows.
  useEffect(() => {
    if (field && config?.field !== field.key) onConfig({ field: field.key });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [field?.key, config?.field]);

  useEffect(() => {
    if (!field) return;
    const ac = new AbortController();
    setRows(null);
    (async () => {
      const out: FormRecord[] = [];
      let cursorId: string | undefined;
      do {
        const p = await api.query(formId, { filter: rangeFilter(filter, field, days), sort: [{ field: field.key }], limit: PAGE, cursor: cursorId }, ac.signal);
        out.push(...p.items);
        cursorId = p.nextCursor;
      } while (cursorId && out.length < MAX_RECORDS);
      if (ac.signal.aborted) return;
      setRows(out); setTruncated(!!cursorId);
    })().catch((e: Error) => { if (e.name !== 'AbortError') { message.error(errorText(e)); setRows([]); } });
    return () => ac.abort();
    // days follow rangeKey
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [formId, field, filter, rangeKey, reload, message]);

  const byDay = useMemo(() => {
    const m = new Map<string, FormRecord[]>();
    for (const r of rows ?? []) {
      const d = field ? dayOf(field, r.data[field.key]) : '';
      if (!d) continue;
      m.set(d, [...(m.get(d) ?? []), r]);
    }
    return m;
  }, [rows, field]);

  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
    useSensor(KeyboardSensor),
  );

  if (!field) return <Empty description={t('board.noCalendarField')} />;
  const mayMove = movable(field.key);
  const label = (r: FormRecord) => (title ? formatValue(title, r.data[title.key], ctx) : '') || t('board.untitled');

  const replace = (r: FormRecord) => setRows((l) => (l ?? []).map((x) => (x.id === r.id ? r : x)));
  const onDragStart = (e: DragStartEvent) => setActive((e.active.data.current as { record: FormRecord }).record);
  const onDragEnd = async (e: DragEndEvent) => {
    setActive(null);
    const r = (e.active.data.current as { record: FormRecord }).record;
    const to = e.over ? dropTarget(String(e.over.id)) : null;
    const old = r.data[field.key];
    if (!to || (to.day === dayOf(field, old) && (to.hour === undefined || to.hour === hourOf(old)))) return;
    const day = to.day;
    const value = to.hour === undefined || field.type !== 'datetime' ? rescheduled(field, old, day) : atHour(old, day, to.hour);
    replace({ ...r, data: { ...r.data, [field.key]: value } });
    setRefused('');
    try {
      const saved = await api.updateRecord(formId, r.id, { [field.key]: value }, r.version);
      replace(saved);
      message.success(t('board.rescheduled', { date: field.type === 'datetime' ? dayjs(value).format('YYYY-MM-DD HH:mm') : dayjs(day).format('YYYY-MM-DD') }));
    } catch (err) {
      replace(r);
      const text = refusal(err);
      setRefused(`${label(r)}: ${text}`);
      message.error(t('board.refused', { message: text }));
    }
  };

  const months = t('board.months').split(',');
  const weekdays = t('board.weekdays').split(',');
  const heading = mode === 'month'
    ? t('board.monthTitle', { month: months[cursor.month()], year: cursor.year() })
    : mode === 'week' ? t('board.weekTitle', { from: days[0].format('YYYY-MM-DD'), to: days[6].format('MM-DD') })
      : t('board.dayTitle', { date: cursor.format('YYYY-MM-DD'), weekday: weekdays[(cursor.day() + 6) % 7] });
  // A day's date opens it in the day view.
  const openDay = (d: Dayjs) => { setCursor(d.startOf('day')); setMode('day'); };
  const step = (n: number) => setCursor((c) => c.add(n, mode));
  const today = dayjs().format(DAY);
  const perCell = phone ? 2 : 3;

  const chip = (r: FormRecord) => <Chip key={r.id} record={r} time={timeOf(field, r.data[field.key])} label={label(r)} draggable={mayMove} onOpen={onOpen} />;
  return (
    <div data-testid="calendar">
      <Space wrap style={{ marginBottom: 12, width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <Button icon={<LeftOutlined />} onClick={() => step(-1)} aria-label={t('board.prev')} data-testid="calendar-prev" />
          <Button onClick={() => setCursor(dayjs().startOf('day'))} data-testid="calendar-today">{t('board.today')}</Button>
          <Button icon={<RightOutlined />} onClick={() => step(1)} aria-label={t('board.next')} data-testid="calendar-next" />
          <Typography.Text strong data-testid="calendar-title">{heading}</Typography.Text>
          {rows === null && <Spin size="small" />}
        </Space>
        <Space wrap>
          {candidates.length > 1 && <Select value={field.key} onChange={(v) => onConfig({ field: v })} options={candidates.map((f) => ({ value: f.key, label: f.label }))}
            prefix={t('board.dateField')} popupMatchSelectWidth={false} aria-label={t('board.dateField')} data-testid="calendar-field" />}
          <Segmented<Mode> value={mode} onChange={setMode} options={[{ value: 'month', label: t('board.month') }, { value: 'week', label: t('board.week') }, { value: 'day', label: t('board.day') }]} data-testid="calendar-mode" />
        </Space>
      </Space>
      {truncated && <Alert type="warning" showIcon style={{ marginBottom: 8 }} title={t('board.tooMany', { n: MAX_RECORDS })} />}
      {refused && <Alert type="error" showIcon closable style={{ marginBottom: 8 }} title={refused} onClose={() => setRefused('')} data-testid="calendar-error" />}
      {!mayMove && <Alert type="info" showIcon style={{ marginBottom: 8 }} title={t('board.readOnly')} />}
        <DndContext sensors={sensors} collisionDetection={pointerWithin} onDragStart={onDragStart} onDragEnd={(e) => void onDragEnd(e)} onDragCancel={() => setActive(null)}>
          {mode === 'day' ? <DayView day={days[0].format(DAY)} field={field} list={byDay.get(days[0].format(DAY)) ?? []} chip={chip} /> : (
            <div className={`fl-cal fl-cal-${mode}${phone && mode === 'week' ? ' fl-cal-list' : ''}`} data-testid={`calendar-${mode}`}>
              {!(phone && mode === 'week') && weekdays.map((w) => <div key={w} className="fl-cal-weekday">{w}</div>)}
              {days.map((d) => {
                const k = d.format(DAY);
                const list = byDay.get(k) ?? [];
                const shown = mode === 'month' ? list.slice(0, perCell) : list;
                return (
                  <Day key={k} day={k} onOpenDay={() => openDay(d)} outside={mode === 'month' && d.month() !== cursor.month()} today={k === today}
                    label={mode === 'week' ? (phone ? `${weekdays[(d.day() + 6) % 7]} ${d.format('MM-DD')}` : d.format('MM-DD')) : String(d.date())}>
                    {shown.map(chip)}
                    {list.length > shown.length && (
                      <Popover trigger="click" title={d.format('YYYY-MM-DD')} content={<div className="fl-cal-pop">{list.map(chip)}</div>}>
                        <Button type="link" size="small" className="fl-cal-more" data-testid="calendar-more">{t('board.more', { n: list.length - shown.length })}</Button>
                      </Popover>
                    )}
                  </Day>
                );
              })}
            </div>
          )}
          <DragOverlay dropAnimation={null}>{active ? <div className="fl-cal-chip fl-cal-chip-dragging">{label(active)}</div> : null}</DragOverlay>
        </DndContext>
    </div>
  );
}

function Day({ day, outside, today, label, onOpenDay, children }: { day: string; outside: boolean; today: boolean; label: string; onOpenDay: () => void; children: React.ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: `day:${day}` });
  return (
    <div ref={setNodeRef} className={`fl-cal-day${outside ? ' fl-cal-outside' : ''}${today ? ' fl-cal-today' : ''}${isOver ? ' fl-cal-over' : ''}`}
      data-testid="calendar-day" data-day={day}>
      <div className="fl-cal-date"><a onClick={onOpenDay} data-testid="calendar-open-day">{label}</a></div>
      {children}
    </div>
  );
}

function Chip({ record, time, label, draggable, onOpen }: { record: FormRecord; time: string; label: string; draggable: boolean; onOpen: (id: string) => void }) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: record.id, data: { record }, disabled: !draggable });
  return (
    <div ref={setNodeRef} {...attributes} {...listeners} className={`fl-cal-chip${isDragging ? ' fl-cal-chip-ghost' : ''}`} title={label}
      data-testid="calendar-event" data-record={record.id} onClick={() => onOpen(record.id)}>
      {time && <span className="fl-cal-time">{time}</span>}{label}
    </div>
  );
}

/**
 * DayView is one day: a date field's records as a list; a date-time
 * field's on a grid of hours, each hour a drop target (the grid opens
 * scrolled to the first record, or to 8:00).
 */
function DayView({ day, field, list, chip }: { day: string; field: FieldDef; list: FormRecord[]; chip: (r: FormRecord) => React.ReactNode }) {
  const { t } = useTranslation();
  const grid = useRef<HTMLDivElement>(null);
  const first = list.reduce((m, r) => { const h = hourOf(r.data[field.key]); return h >= 0 && h < m ? h : m; }, 8);
  useEffect(() => {
    const el = grid.current?.querySelector<HTMLElement>(`[data-hour="${first}"]`);
    if (grid.current && el) grid.current.scrollTop += el.getBoundingClientRect().top - grid.current.getBoundingClientRect().top;
  }, [day, first]);
  if (field.type !== 'datetime') {
    return (
      <div className="fl-cal fl-cal-list fl-cal-dayview" data-testid="calendar-day-view">
        <Day day={day} outside={false} today={false} label="" onOpenDay={() => undefined}>
          {list.length ? list.map(chip) : <Typography.Text type="secondary">{t('board.empty')}</Typography.Text>}
        </Day>
      </div>
    );
  }
  return (
    <div className="fl-cal-hours" ref={grid} data-testid="calendar-day-view">
      {HOURS.map((h) => <Hour key={h} day={day} hour={h}>{list.filter((r) => hourOf(r.data[field.key]) === h).map(chip)}</Hour>)}
    </div>
  );
}

function Hour({ day, hour, children }: { day: string; hour: number; children: React.ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: `slot:${day}:${hour}` });
  return (
    <div ref={setNodeRef} className={`fl-cal-hour${isOver ? ' fl-cal-over' : ''}`} data-testid="calendar-hour" data-hour={hour}>
      <div className="fl-cal-hour-label">{`${String(hour).padStart(2, '0')}:00`}</div>
      <div className="fl-cal-hour-items">{children}</div>
    </div>
  );
}

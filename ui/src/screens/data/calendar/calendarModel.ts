// Pure helpers of the calendar layout: the days a month or a week shows,
// the filter of that range, the day a record falls on, and the value a
// record gets when it is dropped on another day.
import dayjs, { type Dayjs } from 'dayjs';
import type { FieldDef, Filter } from '../../../api/types';

/** Mode is the calendar's span. */
export type Mode = 'month' | 'week' | 'day';

/** DAY is the key of a day: its local date. */
export const DAY = 'YYYY-MM-DD';

/** weekStart is the Monday on or before d. */
export function weekStart(d: Dayjs): Dayjs {
  const s = d.startOf('day');
  return s.subtract((s.day() + 6) % 7, 'day');
}

/**
 * visibleDays are the days on screen: the day, a week, or the whole weeks
 * (Monday first) that hold the month of cursor, six of them so the grid
 * keeps its height from month to month.
 */
export function visibleDays(mode: Mode, cursor: Dayjs): Dayjs[] {
  if (mode === 'day') return [cursor.startOf('day')];
  const first = mode === 'week' ? weekStart(cursor) : weekStart(cursor.startOf('month'));
  return Array.from({ length: mode === 'week' ? 7 : 42 }, (_, i) => first.add(i, 'day'));
}

/**
 * rangeFilter narrows the view's filter to the records whose date field
 * falls on the given days: a date between the first and last day, or a
 * date-time from the first day's local midnight to the next one after the
 * last day.
 */
export function rangeFilter(filter: Filter | undefined, f: FieldDef, days: Dayjs[]): Filter {
  const from = days[0].startOf('day');
  const to = days[days.length - 1].startOf('day');
  const cond: Filter = f.type === 'date'
    ? { and: [{ field: f.key, op: 'gte', value: from.format(DAY) }, { field: f.key, op: 'lte', value: to.format(DAY) }] }
    : { and: [{ field: f.key, op: 'gte', value: from.toISOString() }, { field: f.key, op: 'lt', value: to.add(1, 'day').toISOString() }] };
  return filter ? { and: [filter, cond] } : cond;
}

/** dayOf is the day a stored value falls on in this browser ('' for none). */
export function dayOf(f: FieldDef, v: unknown): string {
  if (typeof v !== 'string' || v === '') return '';
  if (f.type === 'date') return v.slice(0, 10);
  const d = dayjs(v);
  return d.isValid() ? d.format(DAY) : '';
}

/** timeOf is the local time of a date-time value ('' for a date). */
export function timeOf(f: FieldDef, v: unknown): string {
  if (f.type !== 'datetime' || typeof v !== 'string') return '';
  const d = dayjs(v);
  return d.isValid() ? d.format('HH:mm') : '';
}

/**
 * rescheduled is the value of a record moved to day: the day for a date;
 * for a date-time the same local time of day on the new day.
 */
export function rescheduled(f: FieldDef, old: unknown, day: string): string {
  if (f.type === 'date') return day;
  const was = typeof old === 'string' && dayjs(old).isValid() ? dayjs(old) : dayjs(day).hour(9);
  const d = dayjs(day).hour(was.hour()).minute(was.minute()).second(was.second()).millisecond(was.millisecond());
  return d.toISOString();
}

/** HOURS are the rows of the day view's time grid. */
export const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** hourOf is the local hour of a date-time value (-1 for none). */
export function hourOf(v: unknown): number {
  if (typeof v !== 'string' || v === '') return -1;
  const d = dayjs(v);
  return d.isValid() ? d.hour() : -1;
}

/**
 * atHour is the value of a date-time record dropped on an hour of the day
 * view: that day and hour, its minutes and seconds kept (:00 for a record
 * without a time yet).
 */
export function atHour(old: unknown, day: string, hour: number): string {
  const was = typeof old === 'string' && dayjs(old).isValid() ? dayjs(old) : dayjs(day).startOf('day');
  return dayjs(day).hour(hour).minute(was.minute()).second(was.second()).millisecond(was.millisecond()).toISOString();
}

/** dropTarget reads a drop target's id: a day ("day:2026-12-03") or an hour of it ("slot:2026-12-03:14"). */
export function dropTarget(id: string): { day: string; hour?: number } | null {
  const d = /^day:(\d{4}-\d{2}-\d{2})$/.exec(id);
  if (d) return { day: d[1] };
  const s = /^slot:(\d{4}-\d{2}-\d{2}):(\d{1,2})$/.exec(id);
  return s ? { day: s[1], hour: Number(s[2]) } : null;
}

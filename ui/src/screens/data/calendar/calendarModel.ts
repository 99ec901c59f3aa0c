// Pure helpers of the calendar layout: the days a month or a week shows,
// the filter of that range, the day a record falls on, and the value a
// record gets when it is dropped on another day.
import dayjs, { type Dayjs } from 'dayjs';
import type { FieldDef, Filter } from '../../../api/types';

/** Mode is the calendar's span. */
export type Mode = 'month' | 'week';

/** DAY is the key of a day: its local date. */
export const DAY = 'YYYY-MM-DD';

/** weekStart is the Monday on or before d. */
export function weekStart(d: Dayjs): Dayjs {
  const s = d.startOf('day');
  return s.subtract((s.day() + 6) % 7, 'day');
}

/**
 * visibleDays are the days on screen: a week, or the whole weeks (Monday
 * first) that hold the month of cursor, six of them so the grid keeps
 * its height from month to month.
 */
export function visibleDays(mode: Mode, cursor: Dayjs): Dayjs[] {
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

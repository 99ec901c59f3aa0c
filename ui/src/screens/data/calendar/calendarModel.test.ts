import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import type { FieldDef } from '../../../api/types';
import { atHour, dayOf, dropTarget, hourOf, rangeFilter, rescheduled, timeOf, visibleDays, weekStart } from './calendarModel';

const date: FieldDef = { key: 'due', type: 'date', label: '截止' };
const at: FieldDef = { key: 'at', type: 'datetime', label: '时间' };

describe('calendar', () => {
  it('shows six whole weeks from the Monday before the first of the month', () => {
    const days = visibleDays('month', dayjs('2026-12-17'));
    expect(days).toHaveLength(42);
    expect(days[0].format('YYYY-MM-DD')).toBe('2026-11-30');
    expect(days[41].format('YYYY-MM-DD')).toBe('2027-01-10');
    expect(weekStart(dayjs('2026-12-06')).format('YYYY-MM-DD')).toBe('2026-11-30'); // a Sunday
  });
  it('shows the week of the day, Monday first', () => {
    const days = visibleDays('week', dayjs('2026-12-03'));
    expect(days.map((d) => d.format('DD'))).toEqual(['30', '01', '02', '03', '04', '05', '06']);
  });
  it('filters a date between its first and last day, a date-time up to the next midnight', () => {
    const days = visibleDays('week', dayjs('2026-12-03'));
    expect(rangeFilter(undefined, date, days)).toEqual({ and: [{ field: 'due', op: 'gte', value: '2026-11-30' }, { field: 'due', op: 'lte', value: '2026-12-06' }] });
    const f = rangeFilter({ field: 'x', op: 'eq', value: 1 }, at, days);
    const cond = (f.and![1].and!);
    expect(cond[0].value).toBe(dayjs('2026-11-30').toISOString());
    expect(cond[1]).toEqual({ field: 'at', op: 'lt', value: dayjs('2026-12-07').toISOString() });
  });
  it('places a record on its local day and keeps the time of day when moved', () => {
    expect(dayOf(date, '2026-12-03')).toBe('2026-12-03');
    expect(dayOf(date, null)).toBe('');
    const v = dayjs('2026-12-03T14:30:00').toISOString();
    expect(dayOf(at, v)).toBe('2026-12-03');
    expect(timeOf(at, v)).toBe('14:30');
    expect(rescheduled(date, '2026-12-03', '2026-12-09')).toBe('2026-12-09');
    const moved = dayjs(rescheduled(at, v, '2026-12-09'));
    expect(moved.format('YYYY-MM-DD HH:mm')).toBe('2026-12-09 14:30');
  });
  it('shows one day in the day view, filtered up to its next midnight', () => {
    const days = visibleDays('day', dayjs('2026-12-03T15:00:00'));
    expect(days.map((d) => d.format('YYYY-MM-DD HH:mm'))).toEqual(['2026-12-03 00:00']);
    expect(rangeFilter(undefined, date, days)).toEqual({ and: [{ field: 'due', op: 'gte', value: '2026-12-03' }, { field: 'due', op: 'lte', value: '2026-12-03' }] });
  });
  it('moves a date-time to the hour it is dropped on, keeping its minutes', () => {
    const v = dayjs('2026-12-03T14:30:00').toISOString();
    expect(hourOf(v)).toBe(14);
    expect(hourOf(null)).toBe(-1);
    expect(dayjs(atHour(v, '2026-12-03', 9)).format('YYYY-MM-DD HH:mm')).toBe('2026-12-03 09:30');
    expect(dayjs(atHour(null, '2026-12-04', 16)).format('YYYY-MM-DD HH:mm')).toBe('2026-12-04 16:00');
    expect(dropTarget('day:2026-12-03')).toEqual({ day: '2026-12-03' });
    expect(dropTarget('slot:2026-12-03:9')).toEqual({ day: '2026-12-03', hour: 9 });
    expect(dropTarget('col:x')).toBeNull();
  });
});

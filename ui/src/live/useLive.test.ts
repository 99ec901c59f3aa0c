import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, renderHook } from '@testing-library/react';
import { useLiveRefresh, useRecordChanges, type LiveEvent } from './useLive';

// FakeSource stands in for the browser's EventSource: the test plays the server.
class FakeSource {
  static CLOSED = 2;
  static all: FakeSource[] = [];
  readyState = 1;
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string; lastEventId: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(public url: string) { FakeSource.all.push(this); }
  close() { this.readyState = FakeSource.CLOSED; }
  send(ev: Partial<LiveEvent>) { this.onmessage?.({ data: JSON.stringify(ev), lastEventId: ev.id ? String(ev.id) : '' }); }
}
const open = () => FakeSource.all.filter((s) => s.readyState !== FakeSource.CLOSED);

beforeAll(() => { (globalThis as { EventSource?: unknown }).EventSource = FakeSource; });
afterEach(() => { vi.useRealTimers(); });

describe('useRecordChanges', () => {
  it('shares one stream per tab over the union of forms and routes events by form', () => {
    const a: LiveEvent[] = [], b: LiveEvent[] = [];
    const ha = renderHook(() => useRecordChanges(['f1'], (e) => a.push(e)));
    const hb = renderHook(() => useRecordChanges(['f2', 'f1'], (e) => b.push(e)));
    expect(open()).toHaveLength(1);
    const s = open()[0];
    expect(decodeURIComponent(s.url)).toBe('/api/v1/live?forms=f1,f2');
    act(() => { s.send({ id: 7, type: 'record.created', form: 'f2', recordId: 'r1' }); });
    expect(a).toHaveLength(0);
    expect(b.map((e) => e.recordId)).toEqual(['r1']);
    act(() => { s.send({ id: 8, type: 'live.reset' }); });
    expect(a.map((e) => e.type)).toEqual(['live.reset']);
    // The second screen goes: the stream narrows and resumes from the last id.
    hb.unmount();
    expect(open()).toHaveLength(1);
    expect(decodeURIComponent(open()[0].url)).toBe('/api/v1/live?forms=f1&lastEventId=8');
    ha.unmount();
    expect(open()).toHaveLength(0);
  });

  it('retries a refused stream with backoff, resuming, and stays closed when replaced', () => {
    vi.useFakeTimers();
    const h = renderHook(() => useRecordChanges(['f9'], () => undefined));
    const s = open()[0];
    act(() => { s.send({ id: 41, type: 'record.updated', form: 'f9', recordId: 'r' }); });
    act(() => { s.readyState = FakeSource.CLOSED; s.onerror?.(); });
    expect(open()).toHaveLength(0);
    act(() => { vi.advanceTimersByTime(1000); });
    const again = open()[0];
    expect(decodeURIComponent(again.url)).toBe('/api/v1/live?forms=f9&lastEventId=41');
    act(() => { again.send({ type: 'live.end', reason: 'replaced' }); });
    expect(open()).toHaveLength(0);
    h.unmount();
  });
});

describe('useLiveRefresh', () => {
  it('refreshes once after a burst', () => {
    vi.useFakeTimers();
    const refresh = vi.fn();
    const h = renderHook(() => useLiveRefresh(['f3'], refresh, 400));
    const s = open()[0];
    act(() => { for (let i = 1; i <= 5; i++) s.send({ id: 100 + i, type: 'record.created', form: 'f3', recordId: `r${i}` }); });
    expect(refresh).not.toHaveBeenCalled();
    act(() => { vi.advanceTimersByTime(400); });
    expect(refresh).toHaveBeenCalledTimes(1);
    h.unmount();
  });
});

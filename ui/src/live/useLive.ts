// Live updates: one shared EventSource per tab on GET /api/v1/live over the
// forms every mounted hook watches. Events name a record and carry no field
// value; screens refetch through the normal API, under their permissions.
import { useEffect, useRef } from 'react';

/** LiveEvent is one change (docs/live.md); type live.reset means events may have been missed: refetch everything. */
export interface LiveEvent {
  id: number;
  type: 'record.created' | 'record.updated' | 'record.deleted' | 'record.restored' | 'workflow.stage_changed' | 'live.reset' | 'live.end';
  form?: string;
  recordId?: string;
  version?: number;
  at?: string;
  reason?: string;
}

type Listener = { forms: string[]; cb: (ev: LiveEvent) => void };
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let watching = '';
let lastId = 0;
let failures = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;

function dispatch(ev: LiveEvent) {
  for (const l of listeners) if (ev.type === 'live.reset' || (ev.form && l.forms.includes(ev.form))) l.cb(ev);
}

function connect() {
  clearTimeout(retryTimer);
  const s = new EventSource(`/api/v1/live?forms=${encodeURIComponent(watching)}${lastId ? `&lastEventId=${lastId}` : ''}`);
  source = s;
  s.onopen = () => { failures = 0; };
  s.onmessage = (m) => {
    lastId = Number(m.lastEventId) || lastId;
    let ev: LiveEvent;
    try { ev = JSON.parse(m.data) as LiveEvent; } catch { return; }
    // The server ends the stream: the browser reconnects by itself (to another process on shutdown, without a
    // form the member lost access to on forbidden); a stream replaced by the member's newer ones, or of a
    // session that ended, stays closed.
    if (ev.type === 'live.end') { if (ev.reason === 'replaced' || ev.reason === 'unauthenticated') { s.close(); if (source === s) source = null; } return; }
    dispatch(ev);
  };
  s.onerror = () => {
    // A refused answer (503 while a process drains, 401) closes the EventSource for good: retry with backoff,
    // resuming from the last id seen; a dropped stream is retried by the browser itself.
    if (s.readyState !== EventSource.CLOSED || source !== s) return;
    source = null;
    retryTimer = setTimeout(() => { if (!source && watching) connect(); }, Math.min(30000, 1000 * 2 ** failures++));
  };
}

// sync reopens the stream when the union of watched forms changes (resuming from the last id).
function sync() {
  const forms = [...new Set([...listeners].flatMap((l) => l.forms))].sort().join(',');
  if (forms === watching && (source || !forms)) return;
  source?.close(); source = null; watching = forms;
  if (forms && typeof EventSource !== 'undefined') connect();
}

/** useRecordChanges calls onChange for every change to a record of formIds the member may see (and for live.reset). */
export function useRecordChanges(formIds: string[], onChange: (ev: LiveEvent) => void) {
  const cb = useRef(onChange);
  cb.current = onChange;
  const key = formIds.filter(Boolean).join(',');
  useEffect(() => {
    if (!key) return;
    const l: Listener = { forms: key.split(','), cb: (ev) => cb.current(ev) };
    listeners.add(l); sync();
    return () => { listeners.delete(l); sync(); };
  }, [key]);
}

/** useLiveRefresh calls refresh once after a burst of changes to formIds (debounced by ms). */
export function useLiveRefresh(formIds: string[], refresh: () => void, ms = 250) {
  const fn = useRef(refresh);
  fn.current = refresh;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useRecordChanges(formIds, () => { clearTimeout(timer.current); timer.current = setTimeout(() => fn.current(), ms); });
}

import { useEffect, useState } from 'react';
import { useLocation } from 'react-router-dom';
import { flows, INBOX_CHANGED } from '../../api/flows';

/**
 * useInboxCount is the number of the signed-in user's open tasks, for the
 * nav entry. It refreshes on navigation, after a decision (INBOX_CHANGED)
 * and every minute; a failure (an older server) shows no count.
 */
export function useInboxCount(enabled: boolean): number {
  const [n, setN] = useState(0);
  const loc = useLocation();
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const load = () => { flows.counts().then((c) => { if (live) setN(c.todo ?? 0); }, () => undefined); };
    load();
    window.addEventListener(INBOX_CHANGED, load);
    const timer = setInterval(load, 60_000);
    return () => { live = false; window.removeEventListener(INBOX_CHANGED, load); clearInterval(timer); };
  }, [enabled, loc.pathname]);
  return n;
}

/** InboxCount is the nav entry's badge: a plain span, since antd's Badge would add its motion code to every first load. */
export function InboxCount({ n }: { n: number }) {
  if (n <= 0) return null;
  return <span data-testid="nav-tasks-count" style={{
    display: 'inline-block', minWidth: 16, height: 16, padding: '0 4px', marginInlineStart: 6, borderRadius: 8, background: '#ff4d4f',
    color: '#fff', fontSize: 11, lineHeight: '16px', textAlign: 'center', verticalAlign: 'middle', boxSizing: 'border-box',
  }}>{n > 99 ? '99+' : n}</span>;
}

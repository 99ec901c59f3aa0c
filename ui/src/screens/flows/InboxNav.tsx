import { useEffect, useState } from 'react';
import { Badge } from 'antd';
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

/** InboxCount is the nav entry's badge. */
export function InboxCount({ n }: { n: number }) {
  return n > 0 ? <Badge count={n} size="small" offset={[6, -2]} data-testid="nav-tasks-count" /> : null;
}

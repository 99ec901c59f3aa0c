import { useSyncExternalStore } from 'react';

/** PHONE_QUERY matches screens below antd's md breakpoint (768 px): a phone held upright. */
const PHONE_QUERY = '(max-width: 767.98px)';

function media(): MediaQueryList | null {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' ? window.matchMedia(PHONE_QUERY) : null;
}

function subscribe(onChange: () => void): () => void {
  const m = media();
  m?.addEventListener('change', onChange);
  return () => m?.removeEventListener('change', onChange);
}

/**
 * usePhone reports a narrow screen. Screens then fold the navigation into a
 * drawer, show records as cards and lay forms out in one column. (A media
 * query of its own rather than antd's Grid.useBreakpoint keeps the first
 * load small.)
 */
export function usePhone(): boolean {
  return useSyncExternalStore(subscribe, () => media()?.matches ?? false, () => false);
}

// A fetch stand-in for component tests: answers by method and path from a
// table (the first matching route wins; a route may answer a list in turn)
// and records every call with its decoded JSON body, so a test asserts the
// exact request the screen made through the real API client.
import { vi } from 'vitest';

export interface Call { method: string; path: string; body: unknown }
export interface Answer { status?: number; body?: unknown; headers?: Record<string, string> }
export type Route = [method: string, path: string | RegExp, answer: Answer | Answer[] | ((c: Call) => Answer)];

/** stubFetch replaces fetch for the test (undo with vi.unstubAllGlobals) and returns the calls made. */
export function stubFetch(routes: Route[]): Call[] {
  const calls: Call[] = [];
  const turns = new Map<Route, number>();
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    const u = new URL(url, 'http://localhost');
    const text = typeof init.body === 'string' ? init.body : undefined;
    const call: Call = { method: init.method ?? 'GET', path: u.pathname.replace(/^\/api\/v1/, '') + u.search, body: text ? JSON.parse(text) : undefined };
    calls.push(call);
    const r = routes.find(([m, p]) => m === call.method && (typeof p === 'string' ? p === call.path : p.test(call.path)));
    if (!r) return new Response(JSON.stringify({ error: { code: 'not_found', message: `no route ${call.method} ${call.path}` } }), { status: 404 });
    let a: Answer;
    if (typeof r[2] === 'function') a = r[2](call);
    else if (Array.isArray(r[2])) { const n = turns.get(r) ?? 0; turns.set(r, n + 1); a = r[2][Math.min(n, r[2].length - 1)]; }
    else a = r[2];
    return new Response(a.body === undefined ? '' : JSON.stringify(a.body), { status: a.status ?? 200, headers: a.headers });
  }));
  return calls;
}

/** fieldErrors is the server's error shape of a 422 with per-field problems. */
export function fieldErrors(message: string, fields: { path: string; message: string; code?: string }[]): Answer {
  return { status: 422, body: { error: { code: 'validation', message, fields: fields.map((f) => ({ code: 'invalid', ...f })) } } };
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { serverCheck } from './ExpressionInput';
import type { Definition } from '../../api/types';

describe('serverCheck', () => {
  afterEach(() => { vi.unstubAllGlobals(); });
  it('sends the unsaved design with the expression and saves nothing', async () => {
    const calls: { url: string; method: string; body: unknown }[] = [];
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
      calls.push({ url, method: init.method ?? 'GET', body: JSON.parse(String(init.body)) });
      return new Response(JSON.stringify({ type: 'number' }), { status: 200 });
    }));
    let design: Definition = { fields: [{ key: 'amount', type: 'number', label: 'A' }] };
    const check = serverCheck('f1', () => design);
    design = { fields: [...design.fields, { key: 'budget', type: 'number', label: 'B' }] };
    const r = await check('budget * 2', new AbortController().signal);
    expect(r.type).toBe('number');
    expect(calls).toHaveLength(1);
    expect(calls[0].method).toBe('POST');
    expect(calls[0].url).toBe('/api/v1/forms/f1/expressions/check');
    expect(calls[0].body).toEqual({ expression: 'budget * 2', definition: design });
  });
});

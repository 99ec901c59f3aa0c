import { describe, expect, it, vi } from 'vitest';
import { applyFieldErrors, pathToName } from './errors';
import { ApiError, parseResponse } from '../api/client';
import type { FormInstance } from 'antd';

describe('server errors', () => {
  it('maps paths to form names', () => {
    expect(pathToName('items[2].price')).toEqual(['items', 2, 'price']);
    expect(pathToName('address.city')).toEqual(['address', 'city']);
    expect(pathToName('amount')).toEqual(['amount']);
  });
  it('puts field errors on fields and returns the rest', () => {
    const setFields = vi.fn();
    const form = { setFields } as unknown as FormInstance;
    const known = (n: (string | number)[]) => (n.length === 1 && ['email', 'address'].includes(String(n[0]))) || (n[0] === 'items' && n.length === 3);
    const rest = applyFieldErrors(form, [
      { path: 'email', code: 'email', message: 'bad email' },
      { path: 'address.city', code: 'max_length', message: 'too long' },
      { path: 'items[1].price', code: 'required', message: 'required' },
      { path: '', code: 'rule', message: 'end must be after start' },
    ], known);
    expect(setFields).toHaveBeenCalledWith([
      { name: ['email'], errors: ['bad email'] },
      { name: ['address'], errors: ['too long'] },
      { name: ['items', 1, 'price'], errors: ['required'] },
    ]);
    expect(rest.map((r) => r.code)).toEqual(['rule']);
  });
  it('parses the error shape', async () => {
    const body = { error: { code: 'validation', message: '校验失败', fields: [{ path: 'a', code: 'required', message: '必填' }] } };
    const err = await parseResponse(new Response(JSON.stringify(body), { status: 422 })).catch((e: ApiError) => e) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(422);
    expect(err.fields[0].message).toBe('必填');
    const conflict = await parseResponse(new Response('{"error":{"code":"conflict","message":"stale"}}', { status: 409 })).catch((e: ApiError) => e) as ApiError;
    expect(conflict.isConflict).toBe(true);
  });
});

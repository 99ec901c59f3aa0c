import type { FormInstance } from 'antd';
import { ApiError } from '../api/client';
import type { FieldError } from '../api/types';

/** errorText gives the message to show for any thrown value. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message || e.code;
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * pathToName turns a server error path ("items[2].price", "address.city",
 * "amount") into an antd Form name path (["items", 2, "price"]).
 */
export function pathToName(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = part.match(/^([^[\]]+)((?:\[\d+\])*)$/);
    if (!m) { out.push(part); continue; }
    out.push(m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/**
 * applyFieldErrors shows the server's per-field errors on the form's fields.
 * Errors whose path names no field of the form (or is empty: a form-level
 * rule) are returned so the caller can show them above the form.
 */
export function applyFieldErrors(form: FormInstance, fields: FieldError[], known: (name: (string | number)[]) => boolean): FieldError[] {
  const rest: FieldError[] = [];
  const byName = new Map<string, { name: (string | number)[]; errors: string[] }>();
  for (const fe of fields) {
    let name = fe.path ? pathToName(fe.path) : [];
    // Sub-paths of composite values (address.city, amount.currency) go on the field itself.
    while (name.length > 0 && !known(name)) name = name.slice(0, -1);
    if (name.length === 0) { rest.push(fe); continue; }
    const k = JSON.stringify(name);
    const cur = byName.get(k) ?? { name, errors: [] };
    cur.errors.push(fe.message || fe.code);
    byName.set(k, cur);
  }
  form.setFields([...byName.values()].map((v) => ({ name: v.name, errors: v.errors })));
  return rest;
}

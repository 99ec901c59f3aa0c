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

/**
 * showFormError shows a failed save of a small dialog form: the server's
 * per-field errors on the named fields (a duplicate app name under the name
 * box), anything else through notify.
 */
export function showFormError(form: FormInstance, names: string[], e: unknown, notify: (text: string) => void): void {
  if (e instanceof ApiError && e.fields.length > 0) {
    const rest = applyFieldErrors(form, e.fields, (n) => n.length === 1 && names.includes(String(n[0])));
    if (rest.length > 0) notify(rest.map((f) => f.message || f.code).join('; '));
    return;
  }
  notify(errorText(e));
}

/**
 * scrollToFirstError brings the first field showing an error into view and
 * focuses it (in a drawer too: the scroll follows the nearest scrolling
 * container). It reports whether there was one.
 */
export function scrollToFirstError(form: FormInstance): boolean {
  const first = form.getFieldsError().find((f) => f.errors.length > 0);
  if (!first) return false;
  form.scrollToField(first.name, { block: 'center', behavior: 'smooth', focus: true });
  return true;
}

import type { FormInstance } from 'antd';
import { ApiError } from '../../api/client';
import { applyFieldErrors, errorText } from '../../util/errors';

/**
 * showServerErrors puts the server's per-field messages on the dialog's
 * fields (names); anything else lands on the fallback field, so the user
 * always sees why the request failed, next to what they typed.
 */
export function showServerErrors(form: FormInstance, e: unknown, names: string[], fallback: string): void {
  const fields = e instanceof ApiError ? e.fields : [];
  const rest = applyFieldErrors(form, fields, (n) => names.includes(String(n[0])) && n.length === 1);
  if (rest.length || fields.length === 0) {
    form.setFields([{ name: fallback, errors: rest.length ? rest.map((f) => f.message || f.code) : [errorText(e)] }]);
  }
}

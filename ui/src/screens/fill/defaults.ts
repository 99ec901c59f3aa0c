import type { Definition } from '../../api/types';

/**
 * fieldDefaults are the fill form's starting values: each top-level field's
 * design default, as the server would store it when the field is left out.
 * Without them a required field with a default (a lead's status 新线索)
 * showed empty and blocked the submit with "required", though the server
 * would have filled it in. Defaults given by an expression stay the
 * server's (the browser does not know the clock or the user's context).
 */
export function fieldDefaults(def: Definition): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of def.fields) if (f.default !== undefined && f.default !== null) out[f.key] = f.default;
  return out;
}

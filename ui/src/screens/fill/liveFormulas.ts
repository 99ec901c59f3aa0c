import type { Definition } from '../../api/types';
import { evalFormula } from '../../expr/evaluate';
import { exprVars } from '../../fields/format';

/**
 * liveFormulas computes the form's formula fields from the values being
 * typed, with the server's semantics (ui/src/expr/evaluate.ts runs the same
 * case table as engine/expr). A formula may read another: each pass
 * evaluates them all with the results so far, until nothing changes (the
 * server refuses cycles on publish, so as many passes as formulas suffice).
 * A formula the browser cannot evaluate is left out: the field keeps saying
 * it is calculated on save. An empty result is null, as the server stores it.
 */
export function liveFormulas(def: Definition, values: Record<string, unknown>): Record<string, unknown> {
  const formulas = def.fields.filter((f) => f.type === 'formula' && f.expression);
  const out: Record<string, unknown> = {};
  if (!formulas.length) return out;
  const vars = exprVars(def.fields, values);
  for (const f of formulas) vars[f.key] = null;
  for (let pass = 0; pass <= formulas.length; pass++) {
    let changed = false;
    for (const f of formulas) {
      const r = evalFormula(f.expression, vars);
      const v = r.ok ? r.value : undefined;
      if (!Object.is(out[f.key], v) && JSON.stringify(out[f.key]) !== JSON.stringify(v)) {
        out[f.key] = v;
        vars[f.key] = v ?? null;
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (const k of Object.keys(out)) if (out[k] === undefined) out[k] = null;
  return out;
}

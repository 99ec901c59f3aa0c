import type { Definition, FieldDef, FieldType } from '../../api/types';
import { allKeys, KEY_RE, newField } from '../../fields/catalog';

/** Names a field key may not take: the expression environment, keywords and record properties. */
export const RESERVED = new Set([
  'new', 'old', 'user', 'now', 'changed', 'true', 'false', 'nil', 'not', 'and', 'or', 'in', 'matches', 'contains',
  'startswith', 'endswith', 'let', 'if', 'else', 'id', 'version', 'formversion', 'createdat', 'createdby', 'updatedat', 'updatedby', 'deletedat',
  'all', 'none', 'any', 'one', 'filter', 'map', 'count', 'len', 'abs', 'int', 'float', 'string', 'max', 'min', 'sum', 'mean', 'median',
]);

export function addField(def: Definition, type: FieldType, label: string, index?: number): { def: Definition; key: string } {
  const f = newField(type, label, allKeys(def.fields));
  const fields = [...def.fields];
  fields.splice(index === undefined || index < 0 || index > fields.length ? fields.length : index, 0, f);
  return { def: { ...def, fields }, key: f.key };
}

export function moveField(def: Definition, from: number, to: number): Definition {
  if (from === to || from < 0 || to < 0 || from >= def.fields.length || to >= def.fields.length) return def;
  const fields = [...def.fields];
  const [f] = fields.splice(from, 1);
  fields.splice(to, 0, f);
  return { ...def, fields };
}

export function updateField(def: Definition, key: string, patch: Partial<FieldDef>): Definition {
  return { ...def, fields: def.fields.map((f) => (f.key === key ? clean({ ...f, ...patch }) : f)) };
}

export function removeField(def: Definition, key: string): Definition {
  return { ...def, fields: def.fields.filter((f) => f.key !== key) };
}

export function duplicateField(def: Definition, key: string): { def: Definition; key: string } {
  const i = def.fields.findIndex((f) => f.key === key);
  if (i < 0) return { def, key };
  const src = def.fields[i];
  const taken = new Set(allKeys(def.fields));
  let n = 2; let k = `${src.key}_${n}`;
  while (taken.has(k)) k = `${src.key}_${++n}`;
  const copy: FieldDef = { ...structuredClone(src), key: k.slice(0, 63) };
  const fields = [...def.fields];
  fields.splice(i + 1, 0, copy);
  return { def: { ...def, fields }, key: copy.key };
}

/** clean drops empty optional properties so the saved design stays minimal. */
export function clean(f: FieldDef): FieldDef {
  const out = { ...f } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) {
    if (v === undefined || v === null || v === '' || (v === false && k !== 'required')) delete out[k];
  }
  if (out.required === false) delete out.required;
  return out as unknown as FieldDef;
}

/** keyProblem returns an i18n key describing what is wrong with a field key, or null. */
export function keyProblem(key: string, fields: FieldDef[], self: FieldDef): string | null {
  if (!key) return 'designer.keyRequired';
  if (!KEY_RE.test(key)) return 'designer.keyFormat';
  if (RESERVED.has(key.toLowerCase())) return 'designer.keyReserved';
  if (fields.some((f) => f !== self && f.key === key)) return 'designer.keyTaken';
  return null;
}

/** fieldIndexOfPath finds the top-level field a publish error path ("fields[3].options[1].value") points at. */
export function fieldIndexOfPath(path: string): number | null {
  const m = /^(?:definition\.)?fields\[(\d+)\]/.exec(path);
  return m ? Number(m[1]) : null;
}

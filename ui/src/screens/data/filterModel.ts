import type { FieldDef, Filter, Op } from '../../api/types';
import { operatorsOf, queryPath } from '../../fields/catalog';

export interface Cond { kind: 'cond'; id: number; field: string; op: Op; value?: unknown }
export interface Group { kind: 'group'; id: number; logic: 'and' | 'or'; items: (Cond | Group)[] }

let seq = 1;
export const nextId = (): number => seq++;

export function emptyGroup(logic: 'and' | 'or' = 'and'): Group { return { kind: 'group', id: nextId(), logic, items: [] }; }

/**
 * A filterable column: a form field or a record property. placeholders are
 * the values standing for the current user ($me) or their departments that
 * a permission set's row filter may compare it with.
 */
export interface FilterField { path: string; label: string; def: FieldDef; ops: Op[]; placeholders?: Placeholder[] }

/** The row-filter placeholders of a permission set (docs/permissions.md). */
export const PLACEHOLDERS = ['$me', '$myDepartments', '$myDepartmentsAndBelow'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** isPlaceholder tells whether a condition's value is a placeholder. */
export function isPlaceholder(v: unknown): v is Placeholder {
  return typeof v === 'string' && (PLACEHOLDERS as readonly string[]).includes(v);
}

/**
 * rowFilterFields lists what a permission set's row filter may use: the
 * fields, the record properties, and the owner; user-valued ones (ownedBy,
 * createdBy, updatedBy, member fields) take every placeholder, department
 * fields the department ones.
 */
export function rowFilterFields(fields: FieldDef[], labels: { ownedBy: string; createdAt: string; updatedAt: string; createdBy: string; updatedBy: string }): FilterField[] {
  const owner: FieldDef = { key: 'ownedBy', type: 'user', label: labels.ownedBy };
  const out = [{ path: 'ownedBy', label: labels.ownedBy, def: owner, ops: operatorsOf(owner) }, ...filterFields(fields, labels)];
  return out.map((ff) => {
    if (ff.def.type === 'user' || ff.def.type === 'users') return { ...ff, placeholders: [...PLACEHOLDERS] };
    if (ff.def.type === 'department' || ff.def.type === 'departments') return { ...ff, placeholders: ['$myDepartments', '$myDepartmentsAndBelow'] };
    return ff;
  });
}

/** filterFields lists what a user may filter on: fields (not files or subforms) and record properties. */
export function filterFields(fields: FieldDef[], labels: { createdAt: string; updatedAt: string; createdBy: string; updatedBy: string }): FilterField[] {
  const out: FilterField[] = fields
    .filter((f) => !['subform', 'attachment', 'image', 'signature'].includes(f.type))
    .map((f) => ({ path: queryPath(f), label: f.label, def: f, ops: operatorsOf(f) }));
  for (const [path, type] of [['createdAt', 'datetime'], ['updatedAt', 'datetime'], ['createdBy', 'user'], ['updatedBy', 'user']] as const) {
    const def: FieldDef = { key: path, type, label: labels[path] };
    out.push({ path, label: labels[path], def, ops: operatorsOf(def) });
  }
  // A query filter may say "me" on a member field: the server reads $me as
  // whoever runs the view or chart (docs/api.md), so one view shows each
  // viewer their own records.
  return out.map((ff) => (ff.def.type === 'user' || ff.def.type === 'users' ? { ...ff, placeholders: ['$me'] as Placeholder[] } : ff));
}

/** Operators that take no value from the user beyond yes/no. */
export const BOOL_OPS: ReadonlySet<Op> = new Set<Op>(['exists', 'empty']);
/** Operators that take a list of values. */
export const LIST_OPS: ReadonlySet<Op> = new Set<Op>(['in', 'nin', 'containsAny', 'containsAll']);

/** defaultValue gives the initial value of a condition for an operator. */
export function defaultValue(op: Op): unknown {
  if (BOOL_OPS.has(op)) return true;
  if (LIST_OPS.has(op)) return [];
  if (op === 'between') return [null, null];
  return undefined;
}

function complete(c: Cond): boolean {
  if (!c.field || !c.op) return false;
  if (BOOL_OPS.has(c.op)) return typeof c.value === 'boolean';
  // A list operator takes a placeholder standing for a list (ownedBy in $myDepartmentsAndBelow).
  if (LIST_OPS.has(c.op)) return (Array.isArray(c.value) && c.value.length > 0) || isPlaceholder(c.value);
  if (c.op === 'between') return Array.isArray(c.value) && c.value.length === 2 && c.value[0] != null && c.value[1] != null && c.value[0] !== '' && c.value[1] !== '';
  return c.value !== undefined && c.value !== null && c.value !== '';
}

/** toFilter turns the builder's tree into the API's filter JSON, leaving out unfinished conditions. */
export function toFilter(g: Group): Filter | undefined {
  const parts: Filter[] = [];
  for (const it of g.items) {
    if (it.kind === 'group') {
      const f = toFilter(it);
      if (f) parts.push(f);
    } else if (complete(it)) {
      parts.push({ field: it.field, op: it.op, value: it.value });
    }
  }
  if (parts.length === 0) return undefined;
  if (parts.length === 1 && g.logic === 'and') return parts[0];
  return g.logic === 'and' ? { and: parts } : { or: parts };
}

/** countConditions counts the finished conditions of a tree. */
export function countConditions(g: Group): number {
  return g.items.reduce((n, it) => n + (it.kind === 'group' ? countConditions(it) : complete(it) ? 1 : 0), 0);
}

/** mapGroup rebuilds a tree with fn applied to the node with id. */
export function updateNode(g: Group, id: number, fn: (n: Cond | Group) => Cond | Group | null): Group {
  const items: (Cond | Group)[] = [];
  for (const it of g.items) {
    if (it.id === id) {
      const r = fn(it);
      if (r) items.push(r);
    } else if (it.kind === 'group') items.push(updateNode(it, id, fn));
    else items.push(it);
  }
  return { ...g, items };
}

/**
 * fromFilter turns the API's filter JSON back into the builder's tree (to
 * edit a saved row filter); null when it holds what the builder cannot show
 * (a "not").
 */
export function fromFilter(f: Filter | null | undefined): Group | null {
  if (!f) return emptyGroup();
  const node = (x: Filter): Cond | Group | null => {
    if (x.not) return null;
    if (x.and || x.or) {
      const items: (Cond | Group)[] = [];
      for (const y of (x.and ?? x.or)!) {
        const n = node(y);
        if (!n) return null;
        items.push(n);
      }
      return { kind: 'group', id: nextId(), logic: x.and ? 'and' : 'or', items };
    }
    if (!x.field || !x.op) return null;
    return { kind: 'cond', id: nextId(), field: x.field, op: x.op, value: x.value };
  };
  const n = node(f);
  if (!n) return null;
  return n.kind === 'group' ? n : { kind: 'group', id: nextId(), logic: 'and', items: [n] };
}

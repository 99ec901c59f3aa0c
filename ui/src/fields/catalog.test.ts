import { describe, expect, it } from 'vitest';
import golden from '../../../engine/field/testdata/catalog.json';
import type { FieldDef, FieldType } from '../api/types';
import { ALL_OPS, COMPUTED, FIELD_TYPES, operatorsOf, queryPath } from './catalog';

// engine/field/testdata/catalog.json is written from the Go field registry
// (go test ./engine/field/ -run TestCatalogGolden -update); the browser's
// catalogue must say the same about every type.
interface Entry { input: boolean; operators: string[]; multipleOperators: string[]; valuePath?: string }
const types = (golden as { types: Record<string, Entry> }).types;
const names = Object.keys(types).sort();

describe('field catalogue matches the Go registry', () => {
  it('offers exactly the registered types', () => {
    expect([...FIELD_TYPES].sort()).toEqual(names);
  });

  it.each(names)('%s: operators, computed, query path', (name) => {
    const t = types[name];
    const type = name as FieldType;
    expect(operatorsOf({ type, multiple: false })).toEqual(t.operators);
    expect(operatorsOf({ type, multiple: true })).toEqual(t.multipleOperators);
    expect(COMPUTED.has(type)).toBe(!t.input);
    const f: FieldDef = { key: 'k', type, label: 'k' };
    expect(queryPath(f)).toBe(t.valuePath ? `k.${t.valuePath}` : 'k');
    for (const op of t.operators) expect(ALL_OPS).toContain(op);
  });
});

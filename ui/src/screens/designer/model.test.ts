import { describe, expect, it } from 'vitest';
import { addField, clean, duplicateField, fieldIndexOfPath, keyProblem, moveField, removeField, updateField } from './model';
import { FIELD_TYPES, newField, operatorsOf } from '../../fields/catalog';
import type { Definition } from '../../api/types';

describe('designer model', () => {
  it('adds fields with unique keys at a position', () => {
    let d: Definition = { fields: [] };
    d = addField(d, 'text', 'Name').def;
    d = addField(d, 'text', 'Other').def;
    d = addField(d, 'select', 'Stage', 0).def;
    expect(d.fields.map((f) => f.key)).toEqual(['select_1', 'text_1', 'text_2']);
    expect(d.fields[0].options?.length).toBe(2);
  });
  it('moves, updates, duplicates and removes', () => {
    let d: Definition = { fields: [newField('text', 'A', []), newField('number', 'B', []), newField('date', 'C', [])] };
    d = moveField(d, 0, 2);
    expect(d.fields.map((f) => f.label)).toEqual(['B', 'C', 'A']);
    d = updateField(d, 'number_1', { label: 'Amount', required: true, description: '' });
    expect(d.fields[0]).toEqual({ key: 'number_1', type: 'number', label: 'Amount', required: true });
    const dup = duplicateField(d, 'number_1');
    expect(dup.key).toBe('number_1_2');
    expect(dup.def.fields[1].label).toBe('Amount');
    expect(removeField(dup.def, 'number_1').fields.length).toBe(3);
  });
  it('checks keys', () => {
    const a = newField('text', 'A', []);
    const b = { ...newField('text', 'B', []), key: 'text_1' };
    expect(keyProblem('text_1', [a, b], b)).toBe('designer.keyTaken');
    expect(keyProblem('Name', [a], a)).toBe('designer.keyFormat');
    expect(keyProblem('user', [a], a)).toBe('designer.keyReserved');
    expect(keyProblem('', [a], a)).toBe('designer.keyRequired');
    expect(keyProblem('customer_name', [a], a)).toBeNull();
  });
  it('drops empty optional properties', () => {
    expect(clean({ key: 'a', type: 'text', label: 'A', pattern: '', unique: false, min: undefined })).toEqual({ key: 'a', type: 'text', label: 'A' });
  });
  it('reads the field index of publish errors', () => {
    expect(fieldIndexOfPath('fields[3].options[1].value')).toBe(3);
    expect(fieldIndexOfPath('definition.fields[0].key')).toBe(0);
    expect(fieldIndexOfPath('submitRules[0]')).toBeNull();
  });
  it('gives every type operators', () => {
    for (const t of FIELD_TYPES) expect(operatorsOf({ type: t }).length, t).toBeGreaterThan(0);
  });
});

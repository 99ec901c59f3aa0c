import type { FieldDef, FieldType, Op } from '../api/types';

/** Palette groups, in display order. */
export const FIELD_GROUPS: { group: string; types: FieldType[] }[] = [
  { group: 'basic', types: ['text', 'textarea', 'richtext', 'number', 'money', 'percent', 'rating', 'date', 'datetime', 'select', 'multiselect', 'boolean'] },
  { group: 'contact', types: ['email', 'phone', 'url', 'address', 'location'] },
  { group: 'people', types: ['user', 'users', 'department', 'departments'] },
  { group: 'advanced', types: ['relation', 'lookup', 'subform', 'serial', 'formula'] },
  { group: 'files', types: ['attachment', 'image', 'signature'] },
];

export const FIELD_TYPES: FieldType[] = FIELD_GROUPS.flatMap((g) => g.types);

/** Types whose value the engine computes: read-only in forms. */
export const COMPUTED: ReadonlySet<FieldType> = new Set<FieldType>(['formula', 'serial', 'lookup']);

/** Types allowed inside a subform row. */
export const SUBFORM_TYPES: FieldType[] = FIELD_TYPES.filter((t) => !['subform', 'lookup', 'serial', 'richtext'].includes(t));

const textOps: Op[] = ['eq', 'ne', 'contains', 'startsWith', 'in', 'nin', 'empty', 'exists'];
const orderedOps: Op[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'nin', 'empty', 'exists'];
const choiceOps: Op[] = ['eq', 'ne', 'in', 'nin', 'empty', 'exists'];
const listOps: Op[] = ['containsAny', 'containsAll', 'empty', 'exists'];
const anyOps: Op[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'nin', 'contains', 'empty', 'exists'];

/** Operators of a field, mirroring each engine/field type's Operators. */
export function operatorsOf(f: Pick<FieldDef, 'type' | 'multiple'>): Op[] {
  switch (f.type) {
    case 'text': case 'textarea': case 'email': case 'phone': case 'url': case 'serial':
      return textOps;
    case 'richtext':
      return ['contains', 'empty', 'exists'];
    case 'number': case 'money': case 'percent': case 'rating': case 'date': case 'datetime':
      return orderedOps;
    case 'select': case 'user': case 'department':
      return choiceOps;
    case 'multiselect': case 'users': case 'departments':
      return listOps;
    case 'relation':
      return f.multiple ? listOps : choiceOps;
    case 'boolean':
      return ['eq', 'ne', 'empty', 'exists'];
    case 'formula': case 'lookup':
      return anyOps;
    default:
      return ['empty', 'exists'];
  }
}

/** Every operator of the store's filter model, in documentation order. */
export const ALL_OPS: Op[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'exists', 'empty', 'contains', 'startsWith', 'containsAny', 'containsAll', 'between'];

/** Path of a field in filters and sorts (money filters on its amount). */
export function queryPath(f: FieldDef): string {
  return f.type === 'money' ? `${f.key}.amount` : f.key;
}

export const KEY_RE = /^[a-z][a-z0-9_]{0,62}$/;

/** newKey makes a unique field key for a type (text_1, text_2, …). */
export function newKey(type: FieldType, taken: Iterable<string>): string {
  const set = new Set(taken);
  for (let i = 1; ; i++) {
    const k = `${type}_${i}`;
    if (!set.has(k)) return k;
  }
}

/** Every key used in a definition, including subform row fields. */
export function allKeys(fields: FieldDef[]): string[] {
  return fields.flatMap((f) => [f.key, ...(f.fields ? allKeys(f.fields) : [])]);
}

/** newField returns a field of type with sensible defaults for the designer. */
export function newField(type: FieldType, label: string, taken: Iterable<string>): FieldDef {
  const f: FieldDef = { key: newKey(type, taken), type, label };
  switch (type) {
    case 'select': case 'multiselect':
      f.options = [
        { value: 'option_1', label: label + ' 1', color: '#1677ff' },
        { value: 'option_2', label: label + ' 2', color: '#52c41a' },
      ];
      f.display = type === 'select' ? 'dropdown' : 'checkbox';
      break;
    case 'money':
      f.currency = 'CNY';
      f.precision = 2;
      break;
    case 'rating':
      f.max = 5;
      break;
    case 'serial':
      f.serial = { prefix: 'NO-', datePart: 'YYYYMMDD', width: 4, reset: 'day' };
      break;
    case 'subform':
      f.fields = [];
      break;
    case 'formula':
      f.expression = '';
      break;
    case 'attachment': case 'image':
      f.maxFiles = 5;
      break;
    case 'signature':
      f.maxFiles = 1;
      break;
    default:
  }
  return f;
}

export const CURRENCIES = ['CNY', 'USD', 'EUR', 'JPY', 'HKD', 'GBP'];

/**
 * TEXT_MAX_LENGTH and TEXTAREA_MAX_LENGTH are the server's limits of text
 * fields without a maxLength (engine/field: DefaultTextMaxLength,
 * DefaultTextareaMaxLength); the fill form shows them with a counter.
 */
export const TEXT_MAX_LENGTH = 200;
export const TEXTAREA_MAX_LENGTH = 10000;

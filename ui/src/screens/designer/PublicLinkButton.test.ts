import { describe, expect, it } from 'vitest';
import { presetValue } from './PublicLinkButton';

describe('presetValue', () => {
  it('reads a typed-in preset as its field type', () => {
    expect(presetValue('number', ' 42 ')).toBe(42);
    expect(presetValue('number', 'abc')).toBe('abc');
    expect(presetValue('boolean', '是')).toBe(true);
    expect(presetValue('boolean', 'no')).toBe(false);
    expect(presetValue('multiselect', 'a，b, c')).toEqual(['a', 'b', 'c']);
    expect(presetValue('select', ' website ')).toBe('website');
    expect(presetValue(undefined, 'x')).toBe('x');
  });
});

import { describe, expect, it } from 'vitest';
import { loadPinyin, nextColor, OPTION_COLORS, optionValue } from './optionValue';

describe('optionValue', () => {
  it('uses the pinyin of Chinese labels', async () => {
    const py = await loadPinyin();
    expect(optionValue('赢单', [], py)).toBe('ying_dan');
    expect(optionValue('绿色 A', [], py)).toBe('lv_se_a');
    expect(optionValue('赢单', ['ying_dan'], py)).toBe('ying_dan_2');
  });
  it('slugs other labels and falls back to option_N', () => {
    expect(optionValue('Closed – won!', [])).toBe('closed_won');
    expect(optionValue('Café', [])).toBe('cafe');
    expect(optionValue('2024', [])).toBe('v_2024');
    expect(optionValue('赢单', ['option_1'])).toBe('option_2'); // without pinyin
    expect(optionValue('  ', ['a', 'b'])).toBe('option_3');
  });
  it('gives every new option a colour', () => {
    expect(nextColor([])).toBe(OPTION_COLORS[0]);
    expect(nextColor([OPTION_COLORS[0], undefined])).toBe(OPTION_COLORS[1]);
    expect(OPTION_COLORS).toContain(nextColor(OPTION_COLORS));
  });
});

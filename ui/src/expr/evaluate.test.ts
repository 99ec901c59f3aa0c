import { describe, expect, it } from 'vitest';
import { evalCondition, evaluate, Unsupported } from './evaluate';

describe('evaluate', () => {
  const vars = { stage: 'won', amount: 12000, tags: ['a', 'b'], name: 'Acme', address: { city: '杭州市' }, empty: null };
  it.each([
    ['stage == "won"', true],
    ["stage != 'won'", false],
    ['amount > 10000 && stage == "won"', true],
    ['amount > 10000 and not (stage == "lost")', true],
    ['amount < 100 || stage in ["won", "lost"]', true],
    ['stage not in ["won"]', false],
    ['"a" in tags', true],
    ['name contains "cm"', true],
    ['name startsWith "Ac"', true],
    ['address.city == "杭州市"', true],
    ['empty == nil', true],
    ['missing == nil', true],
    ['LEN(name) == 4', true],
    ['ISEMPTY(empty)', true],
    ['amount * 2 - 4000 >= 20000', true],
    ['amount % 7 == 2', true],
    ['amount > 5 ? true : false', true],
    ['!(amount > 5)', false],
  ])('%s', (src, want) => {
    expect(evaluate(src, vars)).toBe(want);
  });
  it('concatenates strings', () => { expect(evaluate('name + "-" + stage', vars)).toBe('Acme-won'); });
  it('refuses what it does not know', () => {
    expect(() => evaluate('DATEDIF(a, b)', vars)).toThrow(Unsupported);
    expect(() => evaluate('user.name == "x"', vars)).toThrow(Unsupported);
    expect(() => evaluate('stage ==', vars)).toThrow(Unsupported);
  });
  it('falls back when it cannot decide', () => {
    expect(evalCondition('now > 3', vars, true)).toBe(true);
    expect(evalCondition('amount', vars, true)).toBe(true);
    expect(evalCondition('', vars, false)).toBe(false);
    expect(evalCondition('stage == "lost"', vars, true)).toBe(false);
  });
});

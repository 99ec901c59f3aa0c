import { describe, expect, it } from 'vitest';
import { fromView, move, ordered, toView } from './useColumns';

describe('column state', () => {
  const keys = ['a', 'b', 'c', '_owner'];
  it('round-trips through a saved view', () => {
    const s = fromView([{ key: 'c', width: 200 }, { key: 'a' }], keys);
    expect(s.order).toEqual(['c', 'a', 'b', '_owner']);
    expect(s.hidden).toEqual(['b', '_owner']);
    expect(toView(s, keys)).toEqual([{ key: 'c', width: 200 }, { key: 'a' }]);
  });
  it('shows every column of a view without columns', () => {
    expect(toView(fromView(undefined, keys), keys).map((c) => c.key)).toEqual(keys);
  });
  it('drops keys the form no longer has and appends new ones', () => {
    const s = fromView([{ key: 'gone' }, { key: 'b' }], keys);
    expect(ordered(s, [...keys, 'd'])).toEqual(['b', 'a', 'c', '_owner', 'd']);
  });
  it('moves a column up and down, not past the ends', () => {
    const s = fromView(undefined, keys);
    expect(move(s, keys, 'b', -1).order).toEqual(['b', 'a', 'c', '_owner']);
    expect(move(s, keys, 'a', -1)).toBe(s);
    expect(move(s, keys, '_owner', 1)).toBe(s);
  });
});

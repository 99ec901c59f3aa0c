import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvalError, evalCondition, evalFormula, evaluate, stored, Unsupported } from './evaluate';

// The table engine/expr runs too (engine/expr/shared_cases_test.go).
interface SharedCase { expr: string; values?: Record<string, unknown>; want?: unknown; error?: boolean; ui?: string }
const table = JSON.parse(readFileSync(resolve(__dirname, '../../../engine/expr/testdata/shared_cases.json'), 'utf8')) as {
  values: Record<string, unknown>; cases: SharedCase[];
};

describe('shared cases with the server', () => {
  it('has the table', () => { expect(table.cases.length).toBeGreaterThan(80); });
  it.each(table.cases.map((c) => [c.expr + (c.values ? ` ${JSON.stringify(c.values)}` : ''), c] as const))('%s', (_, c) => {
    const vars = { ...table.values, ...(c.values ?? {}) };
    let got: unknown; let err: unknown;
    try { got = stored(evaluate(c.expr, vars)); } catch (e) { err = e; }
    if (c.ui === 'unsupported' && err instanceof Unsupported) return; // declines, never differs
    if (c.error) {
      expect(err, `want a run-time error, got ${JSON.stringify(got)}`).toBeInstanceOf(EvalError);
      return;
    }
    expect(err).toBeUndefined();
    if (c.want !== 'skip') expect(got).toEqual(c.want);
  });
});

describe('evaluate', () => {
  const vars = { stage: 'won', amount: 12000, discount: null, name: 'Acme' };
  it('refuses what it does not know', () => {
    expect(() => evaluate('DATEDIF(a, b)', vars)).toThrow(Unsupported);
    expect(() => evaluate('user.name == "x"', vars)).toThrow(Unsupported);
    expect(() => evaluate('stage ==', vars)).toThrow(Unsupported);
    expect(() => evaluate('missing == nil', vars)).toThrow(Unsupported);
    expect(() => evaluate('1..3', vars)).toThrow(Unsupported);
  });
  it('conditions: undecidable falls back, a failing run does not match', () => {
    expect(evalCondition('now > 3', vars, true)).toBe(true);
    expect(evalCondition('amount', vars, true)).toBe(true);
    expect(evalCondition('', vars, false)).toBe(false);
    expect(evalCondition('stage == "lost"', vars, true)).toBe(false);
    expect(evalCondition('discount > 5', vars, true)).toBe(false);
  });
  it('formulas: a value, empty when the server would store none, unknown when undecidable', () => {
    expect(evalFormula('amount * 2', vars)).toEqual({ ok: true, value: 24000 });
    expect(evalFormula('discount * 2', vars)).toEqual({ ok: true, value: null });
    expect(evalFormula('amount / 0', vars)).toEqual({ ok: true, value: null });
    expect(evalFormula('TEXT(amount, "0")', vars)).toEqual({ ok: false });
  });
});

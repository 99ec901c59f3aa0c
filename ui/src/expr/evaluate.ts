// A small evaluator for the subset of the expression language (expr-lang with
// Formloom's spreadsheet functions) that show/hide and required-if rules
// typically use, so forms react while the user types without a round trip.
// The server stays the judge: it evaluates the full language on every write.
// Anything outside the subset throws Unsupported, and callers fall back to
// the safe default (the field stays visible; required-if is left to the server).

export class Unsupported extends Error {}

type Tok = { k: 'num'; v: number } | { k: 'str'; v: string } | { k: 'id'; v: string } | { k: 'op'; v: string };

const OPS = ['==', '!=', '<=', '>=', '&&', '||', '??', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')', '[', ']', ',', '.', '?', ':'];

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      out.push({ k: 'num', v: Number(m[0]) }); i += m[0].length; continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1; let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) {
          const n = src[j + 1];
          s += n === 'n' ? '\n' : n === 't' ? '\t' : n; j += 2; continue;
        }
        s += src[j]; j++;
      }
      if (j >= src.length) throw new Unsupported('unterminated string');
      out.push({ k: 'str', v: s }); i = j + 1; continue;
    }
    if (/[A-Za-z_$\u4e00-\u9fff]/.test(c)) {
      const m = /^[A-Za-z_$\u4e00-\u9fff][A-Za-z0-9_$\u4e00-\u9fff]*/.exec(src.slice(i))!;
      out.push({ k: 'id', v: m[0] }); i += m[0].length; continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new Unsupported(`unexpected ${c}`);
    out.push({ k: 'op', v: op }); i += op.length;
  }
  return out;
}

export type Vars = Record<string, unknown>;

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (v && typeof v === 'object' && 'amount' in (v as object)) return num((v as { amount: unknown }).amount);
  throw new Unsupported('not a number');
}

function eq(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (typeof a === 'number' || typeof b === 'number') {
    if (a === null || b === null) return false;
    try { return num(a) === num(b); } catch { return false; }
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => eq(x, b[i]));
  return a === b;
}

function cmp(op: string, a: unknown, b: unknown): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return false;
  let x: number | string; let y: number | string;
  if (typeof a === 'string' && typeof b === 'string') { x = a; y = b; } else { x = num(a); y = num(b); }
  switch (op) {
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    default: return x >= y;
  }
}

const FUNCS: Record<string, (...a: unknown[]) => unknown> = {
  LEN: (v) => (typeof v === 'string' || Array.isArray(v) ? v.length : v == null ? 0 : String(v).length),
  len: (v) => (typeof v === 'string' || Array.isArray(v) ? v.length : 0),
  ISEMPTY: (v) => isEmpty(v),
  CONTAINS: (s, sub) => String(s ?? '').includes(String(sub ?? '')),
  UPPER: (s) => String(s ?? '').toUpperCase(),
  LOWER: (s) => String(s ?? '').toLowerCase(),
  TRIM: (s) => String(s ?? '').trim(),
  ABS: (n) => Math.abs(num(n)),
  ROUND: (n, d) => { const p = 10 ** (d == null ? 0 : num(d)); return Math.round(num(n) * p) / p; },
  INT: (n) => Math.floor(num(n)),
  MOD: (a, b) => num(a) % num(b),
  SUM: (...a) => a.flat().reduce<number>((s, v) => s + (v == null ? 0 : num(v)), 0),
  MAX: (...a) => Math.max(...a.flat().map(num)),
  MIN: (...a) => Math.min(...a.flat().map(num)),
  COUNT: (v) => (Array.isArray(v) ? v.length : v == null ? 0 : 1),
};

class Parser {
  private p = 0;
  constructor(private t: Tok[], private vars: Vars) {}
  private peek(): Tok | undefined { return this.t[this.p]; }
  private isOp(v: string): boolean { const x = this.peek(); return !!x && x.k === 'op' && x.v === v; }
  private isWord(v: string): boolean { const x = this.peek(); return !!x && x.k === 'id' && x.v === v; }
  private expect(v: string) { if (!this.isOp(v)) throw new Unsupported(`expected ${v}`); this.p++; }

  parse(): unknown {
    const v = this.ternary();
    if (this.p !== this.t.length) throw new Unsupported('trailing input');
    return v;
  }
  private ternary(): unknown {
    const c = this.or();
    if (this.isOp('?')) {
      this.p++;
      const a = this.ternary(); this.expect(':'); const b = this.ternary();
      return c === true ? a : b;
    }
    return c;
  }
  private or(): unknown {
    let l = this.and();
    while (this.isOp('||') || this.isWord('or') || this.isOp('??')) {
      const nullish = this.isOp('??');
      this.p++;
      const r = this.and();
      l = nullish ? (l ?? r) : (l === true || r === true);
    }
    return l;
  }
  private and(): unknown {
    let l = this.not();
    while (this.isOp('&&') || this.isWord('and')) { this.p++; const r = this.not(); l = l === true && r === true; }
    return l;
  }
  private not(): unknown {
    if (this.isOp('!') || this.isWord('not')) { this.p++; return this.not() !== true; }
    return this.compare();
  }
  private compare(): unknown {
    const l = this.additive();
    const x = this.peek();
    if (!x) return l;
    if (x.k === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(x.v)) {
      this.p++;
      const r = this.additive();
      if (x.v === '==') return eq(l, r);
      if (x.v === '!=') return !eq(l, r);
      return cmp(x.v, l, r);
    }
    if (x.k === 'id' && x.v === 'not' && this.t[this.p + 1]?.k === 'id' && this.t[this.p + 1].v === 'in') {
      this.p += 2; const r = this.additive();
      return !(Array.isArray(r) && r.some((e) => eq(e, l)));
    }
    if (x.k === 'id' && ['in', 'contains', 'startsWith', 'endsWith', 'matches'].includes(x.v)) {
      this.p++;
      const r = this.additive();
      switch (x.v) {
        case 'in': return Array.isArray(r) ? r.some((e) => eq(e, l)) : false;
        case 'contains': return String(l ?? '').includes(String(r ?? ''));
        case 'startsWith': return String(l ?? '').startsWith(String(r ?? ''));
        case 'endsWith': return String(l ?? '').endsWith(String(r ?? ''));
        default: return new RegExp(String(r)).test(String(l ?? ''));
      }
    }
    return l;
  }
  private additive(): unknown {
    let l = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.t[this.p++] as { v: string }).v;
      const r = this.multiplicative();
      if (op === '+' && (typeof l === 'string' || typeof r === 'string')) l = String(l ?? '') + String(r ?? '');
      else l = op === '+' ? num(l) + num(r) : num(l) - num(r);
    }
    return l;
  }
  private multiplicative(): unknown {
    let l = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = (this.t[this.p++] as { v: string }).v;
      const r = this.unary();
      l = op === '*' ? num(l) * num(r) : op === '/' ? num(l) / num(r) : num(l) % num(r);
    }
    return l;
  }
  private unary(): unknown {
    if (this.isOp('-')) { this.p++; return -num(this.unary()); }
    return this.postfix();
  }
  private postfix(): unknown {
    let v = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        this.p++;
        const id = this.peek();
        if (!id || id.k !== 'id') throw new Unsupported('expected name');
        this.p++;
        v = v && typeof v === 'object' ? (v as Record<string, unknown>)[id.v] : undefined;
      } else if (this.isOp('[')) {
        this.p++;
        const i = this.ternary(); this.expect(']');
        v = Array.isArray(v) ? v[num(i)] : v && typeof v === 'object' ? (v as Record<string, unknown>)[String(i)] : undefined;
      } else return v;
    }
  }
  private primary(): unknown {
    const x = this.peek();
    if (!x) throw new Unsupported('unexpected end');
    this.p++;
    if (x.k === 'num' || x.k === 'str') return x.v;
    if (x.k === 'op') {
      if (x.v === '(') { const v = this.ternary(); this.expect(')'); return v; }
      if (x.v === '[') {
        const arr: unknown[] = [];
        while (!this.isOp(']')) { arr.push(this.ternary()); if (this.isOp(',')) this.p++; else break; }
        this.expect(']');
        return arr;
      }
      throw new Unsupported(`unexpected ${x.v}`);
    }
    if (x.v === 'true') return true;
    if (x.v === 'false') return false;
    if (x.v === 'nil') return null;
    if (this.isOp('(')) {
      this.p++;
      const args: unknown[] = [];
      while (!this.isOp(')')) { args.push(this.ternary()); if (this.isOp(',')) this.p++; else break; }
      this.expect(')');
      const f = FUNCS[x.v];
      if (!f) throw new Unsupported(`function ${x.v}`);
      return f(...args);
    }
    if (x.v === 'new') return this.vars;
    if (x.v === 'user' || x.v === 'now' || x.v === 'old') throw new Unsupported(x.v);
    if (!(x.v in this.vars)) return null;
    return this.vars[x.v];
  }
}

/** evaluate runs src against vars (field values by key). Throws Unsupported outside the subset. */
export function evaluate(src: string, vars: Vars): unknown {
  return new Parser(tokenize(src), vars).parse();
}

/**
 * evalCondition evaluates a rule: true or false when the subset can decide,
 * fallback when it cannot (unsupported syntax, functions or variables).
 */
export function evalCondition(src: string | undefined, vars: Vars, fallback: boolean): boolean {
  if (!src || !src.trim()) return fallback;
  try {
    const v = evaluate(src, vars);
    return typeof v === 'boolean' ? v : fallback;
  } catch {
    return fallback;
  }
}

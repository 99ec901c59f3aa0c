// The browser's evaluator for the part of the expression language (expr-lang
// with Formloom's spreadsheet functions) that forms use while the user types:
// show/hide and required-if rules and live formula values. It follows the
// server's semantics (engine/expr); both run the same table of cases,
// engine/expr/testdata/shared_cases.json, so they cannot drift apart.
// The server stays the judge and evaluates the full language on every write.
//
// Two kinds of failure:
// - Unsupported: outside the subset (dates, user, closures, TEXT…). Callers
//   fall back: a field stays visible, a formula shows "computed on save".
// - EvalError: the server fails too (arithmetic on an empty field, MOD by
//   zero). A condition then does not match and a formula is empty, as on
//   the server.

export class Unsupported extends Error {}
export class EvalError extends Error {}

type Tok = { k: 'num'; v: number } | { k: 'str'; v: string } | { k: 'id'; v: string } | { k: 'op'; v: string };

const OPS = ['?.', '??', '**', '==', '!=', '<=', '>=', '&&', '||', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')', '[', ']', ',', '.', '?', ':'];

export function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      if (src.startsWith('..', i + m[0].length)) throw new Unsupported('range');
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
    if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i))!;
      out.push({ k: 'id', v: m[0] }); i += m[0].length; continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new Unsupported(`unexpected ${c}`);
    out.push({ k: 'op', v: op }); i += op.length;
  }
  return out;
}

export type Vars = Record<string, unknown>;

type Node =
  | { t: 'lit'; v: unknown }
  | { t: 'id'; name: string }
  | { t: 'member'; x: Node; name: string; optional: boolean }
  | { t: 'index'; x: Node; i: Node }
  | { t: 'call'; name: string; args: Node[] }
  | { t: 'unary'; op: string; x: Node }
  | { t: 'binary'; op: string; l: Node; r: Node }
  | { t: 'cond'; c: Node; a: Node; b: Node }
  | { t: 'array'; items: Node[] };

const WORD_OPS = new Set(['in', 'contains', 'startsWith', 'endsWith', 'matches']);

class Parser {
  private p = 0;
  constructor(private t: Tok[]) {}
  private peek(): Tok | undefined { return this.t[this.p]; }
  private isOp(v: string): boolean { const x = this.peek(); return !!x && x.k === 'op' && x.v === v; }
  private isWord(v: string): boolean { const x = this.peek(); return !!x && x.k === 'id' && x.v === v; }
  private expect(v: string) { if (!this.isOp(v)) throw new Unsupported(`expected ${v}`); this.p++; }

  parse(): Node {
    const v = this.ternary();
    if (this.p !== this.t.length) throw new Unsupported('trailing input');
    return v;
  }
  private ternary(): Node {
    const c = this.coalesce();
    if (this.isOp('?')) {
      this.p++;
      const a = this.ternary(); this.expect(':'); const b = this.ternary();
      return { t: 'cond', c, a, b };
    }
    return c;
  }
  private coalesce(): Node {
    let l = this.or();
    while (this.isOp('??')) { this.p++; l = { t: 'binary', op: '??', l, r: this.or() }; }
    return l;
  }
  private or(): Node {
    let l = this.and();
    while (this.isOp('||') || this.isWord('or')) { this.p++; l = { t: 'binary', op: '||', l, r: this.and() }; }
    return l;
  }
  private and(): Node {
    let l = this.not();
    while (this.isOp('&&') || this.isWord('and')) { this.p++; l = { t: 'binary', op: '&&', l, r: this.not() }; }
    return l;
  }
  private not(): Node {
    if (this.isOp('!') || this.isWord('not')) { this.p++; return { t: 'unary', op: '!', x: this.not() }; }
    return this.compare();
  }
  private compare(): Node {
    const l = this.additive();
    const x = this.peek();
    if (!x) return l;
    if (x.k === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(x.v)) {
      this.p++;
      return { t: 'binary', op: x.v, l, r: this.additive() };
    }
    if (x.k === 'id' && x.v === 'not' && this.t[this.p + 1]?.k === 'id' && this.t[this.p + 1].v === 'in') {
      this.p += 2;
      return { t: 'unary', op: '!', x: { t: 'binary', op: 'in', l, r: this.additive() } };
    }
    if (x.k === 'id' && WORD_OPS.has(x.v)) {
      this.p++;
      return { t: 'binary', op: x.v, l, r: this.additive() };
    }
    return l;
  }
  private additive(): Node {
    let l = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.t[this.p++] as { v: string }).v;
      l = { t: 'binary', op, l, r: this.multiplicative() };
    }
    return l;
  }
  private multiplicative(): Node {
    let l = this.power();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = (this.t[this.p++] as { v: string }).v;
      l = { t: 'binary', op, l, r: this.power() };
    }
    return l;
  }
  private power(): Node {
    const l = this.unary();
    if (this.isOp('**')) { this.p++; return { t: 'binary', op: '**', l, r: this.power() }; }
    return l;
  }
  private unary(): Node {
    if (this.isOp('-')) { this.p++; return { t: 'unary', op: '-', x: this.unary() }; }
    if (this.isOp('+')) { this.p++; return this.unary(); }
    return this.postfix();
  }
  private postfix(): Node {
    let v = this.primary();
    for (;;) {
      if (this.isOp('.') || this.isOp('?.')) {
        const optional = this.isOp('?.');
        this.p++;
        const id = this.peek();
        if (!id || id.k !== 'id') throw new Unsupported('expected name');
        this.p++;
        v = { t: 'member', x: v, name: id.v, optional };
      } else if (this.isOp('[')) {
        this.p++;
        const i = this.ternary(); this.expect(']');
        v = { t: 'index', x: v, i };
      } else return v;
    }
  }
  private primary(): Node {
    const x = this.peek();
    if (!x) throw new Unsupported('unexpected end');
    this.p++;
    if (x.k === 'num' || x.k === 'str') return { t: 'lit', v: x.v };
    if (x.k === 'op') {
      if (x.v === '(') { const v = this.ternary(); this.expect(')'); return v; }
      if (x.v === '[') {
        const items: Node[] = [];
        while (!this.isOp(']')) { items.push(this.ternary()); if (this.isOp(',')) this.p++; else break; }
        this.expect(']');
        return { t: 'array', items };
      }
      throw new Unsupported(`unexpected ${x.v}`);
    }
    if (x.v === 'true') return { t: 'lit', v: true };
    if (x.v === 'false') return { t: 'lit', v: false };
    if (x.v === 'nil') return { t: 'lit', v: null };
    if (this.isOp('(')) {
      this.p++;
      const args: Node[] = [];
      while (!this.isOp(')')) { args.push(this.ternary()); if (this.isOp(',')) this.p++; else break; }
      this.expect(')');
      return { t: 'call', name: x.v, args };
    }
    return { t: 'id', name: x.v };
  }
}

// ---- values, as engine/expr/value.go treats them ----

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

/** number reads a library-function argument: empty is 0, like a blank cell. */
function number(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  throw new EvalError('not a number');
}

function integer(v: unknown): number {
  const f = number(v);
  if (!Number.isFinite(f) || Math.abs(f) > 2 ** 53) throw new EvalError('out of range');
  return Math.trunc(f);
}

/** text reads a library-function argument: empty is "". */
function text(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  throw new EvalError('not text');
}

/** operand reads an operator's numeric operand: empty fails, as on the server. */
function operand(v: unknown): number {
  if (typeof v === 'number') return v;
  throw new EvalError('not a number');
}

function bool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  throw new EvalError('not a boolean');
}

function equal(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a as object); const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => equal((a as Vars)[k], (b as Vars)[k]));
  }
  return a === b;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  let x: number | string; let y: number | string;
  if (typeof a === 'string' && typeof b === 'string') { x = a; y = b; } else { x = operand(a); y = operand(b); }
  switch (op) {
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    default: return x >= y;
  }
}

/** eachNumber walks numbers, descending into lists and skipping empty values. */
function eachNumber(args: unknown[], fn: (n: number) => void) {
  for (const a of args) {
    if (a === null || a === undefined) continue;
    if (Array.isArray(a)) eachNumber(a, fn);
    else if (typeof a === 'number') fn(a);
    else throw new EvalError('not a number');
  }
}

/** formatNumber is Go's strconv 'f', -1 for everyday magnitudes. */
function formatNumber(n: number): string {
  if (Math.abs(n) < 1e21 && Math.abs(n) >= 1e-6) return String(n);
  if (n === 0) return '0';
  return String(n);
}

function display(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatNumber(v);
  throw new EvalError('cannot show as text');
}

/** roundHalfAway is engine/expr's ROUND: halves away from zero, on the shortest decimal form. */
export function roundHalfAway(x: number, digits: number): number {
  if (!Number.isFinite(x) || digits > 15) return x;
  if (digits < -300) return 0;
  let sign = 1;
  if (x < 0) { sign = -1; x = -x; }
  if (digits < 0) { const p = 10 ** -digits; return sign * Math.floor(x / p + 0.5) * p; }
  const s = String(x);
  if (s.includes('e')) { const p = 10 ** digits; return sign * Math.floor(x * p + 0.5) / p; }
  const [whole, frac = ''] = s.split('.');
  if (frac.length <= digits) return sign * x;
  let v = Number(`${whole}.${frac.slice(0, digits)}`);
  if (frac[digits] >= '5') v += 10 ** -digits;
  return sign * Number(v.toFixed(digits));
}

function count(args: unknown[], i: number): number {
  if (args.length <= i) return 1;
  const n = integer(args[i]);
  if (n < 0) throw new EvalError('negative count');
  return n;
}

const chars = (v: unknown) => Array.from(text(v));

type Fn = (args: unknown[]) => unknown;

const FUNCS: Record<string, Fn> = {
  ISEMPTY: ([v]) => isEmpty(v),
  SUM: (a) => { let s = 0; eachNumber(a, (n) => { s += n; }); return s; },
  AVERAGE: (a) => {
    let s = 0; let n = 0; eachNumber(a, (x) => { s += x; n++; });
    if (n === 0) throw new EvalError('no numbers to average');
    return s / n;
  },
  MAX: (a) => { let best = 0; let seen = false; eachNumber(a, (x) => { if (!seen || x > best) { best = x; seen = true; } }); return best; },
  MIN: (a) => { let best = 0; let seen = false; eachNumber(a, (x) => { if (!seen || x < best) { best = x; seen = true; } }); return best; },
  COUNT: (a) => {
    let n = 0;
    const walk = (xs: unknown[]) => { for (const x of xs) { if (Array.isArray(x)) walk(x); else if (!isEmpty(x)) n++; } };
    walk(a); return n;
  },
  ROUND: ([x, d]) => roundHalfAway(number(x), d === undefined ? 0 : integer(d)),
  ABS: ([x]) => Math.abs(number(x)),
  INT: ([x]) => Math.floor(number(x)),
  MOD: ([a, b]) => {
    const x = number(a); const y = number(b);
    if (y === 0) throw new EvalError('division by zero');
    return x - y * Math.floor(x / y);
  },
  CONCATENATE: (a) => a.map(display).join(''),
  LEN: ([s]) => chars(s).length,
  LEFT: (a) => { const r = chars(a[0]); return r.slice(0, Math.min(count(a, 1), r.length)).join(''); },
  RIGHT: (a) => { const r = chars(a[0]); return r.slice(r.length - Math.min(count(a, 1), r.length)).join(''); },
  MID: (a) => {
    const r = chars(a[0]); const start = integer(a[1]);
    if (start < 1) throw new EvalError('start before the first character');
    const n = count(a, 2);
    if (start > r.length) return '';
    return r.slice(start - 1, Math.min(start - 1 + n, r.length)).join('');
  },
  USCC_VALID: ([s]) => usccValid(text(s)),
  UPPER: ([s]) => text(s).toUpperCase(),
  LOWER: ([s]) => text(s).toLowerCase(),
  TRIM: ([s]) => text(s).split(/\s+/).filter(Boolean).join(' '),
  CONTAINS: ([s, sub]) => {
    if (s === null || s === undefined) return false;
    if (typeof s === 'string') return s.includes(text(sub));
    if (Array.isArray(s)) return s.some((e) => equal(e, sub));
    throw new EvalError('cannot search');
  },
  VALUE: ([v]) => {
    if (typeof v === 'number') return v;
    let s = text(v).trim().replace(/,/g, '');
    let scale = 1;
    if (s.endsWith('%')) { s = s.slice(0, -1); scale = 0.01; }
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new EvalError('text is not a number');
    const f = Number(s);
    if (!Number.isFinite(f)) throw new EvalError('text is not a number');
    return f * scale;
  },
  len: ([v]) => {
    if (typeof v === 'string') return Array.from(v).length;
    if (Array.isArray(v)) return v.length;
    if (v && typeof v === 'object') return Object.keys(v).length;
    throw new EvalError('invalid argument for len');
  },
  abs: ([v]) => Math.abs(operand(v)),
};

// Names the server knows that the browser does not evaluate.
const UNSUPPORTED_NAMES = new Set(['user', 'now', 'old']);

function evalNode(n: Node, vars: Vars): unknown {
  switch (n.t) {
    case 'lit': return n.v;
    case 'id':
      if (n.name === 'new') return vars;
      if (UNSUPPORTED_NAMES.has(n.name) || !(n.name in vars)) throw new Unsupported(n.name);
      return vars[n.name] ?? null;
    case 'member': {
      const x = evalNode(n.x, vars);
      if (x === null || x === undefined) {
        if (n.optional) return null;
        throw new EvalError(`cannot fetch ${n.name} from empty`);
      }
      if (typeof x !== 'object' || Array.isArray(x)) throw new Unsupported('member');
      return (x as Vars)[n.name] ?? null;
    }
    case 'index': {
      const x = evalNode(n.x, vars); const i = evalNode(n.i, vars);
      if (Array.isArray(x)) {
        let k = integer(i);
        if (k < 0) k += x.length;
        if (k < 0 || k >= x.length) throw new EvalError('index out of range');
        return x[k] ?? null;
      }
      if (x && typeof x === 'object' && typeof i === 'string') return (x as Vars)[i] ?? null;
      throw new Unsupported('index');
    }
    case 'array': return n.items.map((e) => evalNode(e, vars));
    case 'cond': return bool(evalNode(n.c, vars)) ? evalNode(n.a, vars) : evalNode(n.b, vars);
    case 'unary': {
      const x = evalNode(n.x, vars);
      return n.op === '!' ? !bool(x) : -operand(x);
    }
    case 'binary': return binary(n.op, n.l, n.r, vars);
    case 'call': return call(n.name, n.args, vars);
  }
}

function binary(op: string, ln: Node, rn: Node, vars: Vars): unknown {
  // Short-circuit operators evaluate the right side only when needed.
  if (op === '&&') return bool(evalNode(ln, vars)) ? bool(evalNode(rn, vars)) : false;
  if (op === '||') return bool(evalNode(ln, vars)) ? true : bool(evalNode(rn, vars));
  if (op === '??') { const l = evalNode(ln, vars); return l === null || l === undefined ? evalNode(rn, vars) : l; }
  const l = evalNode(ln, vars); const r = evalNode(rn, vars);
  switch (op) {
    case '==': return equal(l, r);
    case '!=': return !equal(l, r);
    case '<': case '<=': case '>': case '>=': return compare(op, l, r);
    case '+':
      if (typeof l === 'string' && typeof r === 'string') return l + r;
      return operand(l) + operand(r);
    case '-': return operand(l) - operand(r);
    case '*': return operand(l) * operand(r);
    case '/': return operand(l) / operand(r);
    case '**': return operand(l) ** operand(r);
    case '%': {
      const a = operand(l); const b = operand(r);
      if (!Number.isInteger(a) || !Number.isInteger(b)) throw new Unsupported('% of decimals');
      if (b === 0) throw new EvalError('integer divide by zero');
      return a % b;
    }
    case 'in':
      if (Array.isArray(r)) return r.some((e) => equal(e, l));
      if (r && typeof r === 'object') return typeof l === 'string' && l in (r as object);
      if (r === null || r === undefined) return false;
      throw new EvalError('in needs a list');
    case 'contains': case 'startsWith': case 'endsWith': {
      if (l === null || l === undefined) return false;
      const s = text(l); const sub = text(r);
      return op === 'contains' ? s.includes(sub) : op === 'startsWith' ? s.startsWith(sub) : s.endsWith(sub);
    }
    case 'matches': {
      if (typeof r !== 'string' || /\(\?[=!<]|\\[1-9]/.test(r)) throw new Unsupported('pattern');
      return new RegExp(r).test(text(l));
    }
  }
  throw new Unsupported(op);
}

function call(name: string, args: Node[], vars: Vars): unknown {
  switch (name) {
    case 'IF': {
      if (args.length !== 2 && args.length !== 3) throw new Unsupported('IF arity');
      if (bool(evalNode(args[0], vars))) return evalNode(args[1], vars);
      return args.length === 3 ? evalNode(args[2], vars) : null;
    }
    case 'AND': {
      for (const a of args) if (!bool(evalNode(a, vars))) return false;
      return true;
    }
    case 'OR': {
      for (const a of args) if (bool(evalNode(a, vars))) return true;
      return false;
    }
    case 'NOT': return !bool(evalNode(args[0], vars));
  }
  const f = FUNCS[name];
  if (!f) throw new Unsupported(`function ${name}`);
  return f(args.map((a) => evalNode(a, vars)));
}

/** evaluate runs src against vars (field values by key). Throws Unsupported outside the subset, EvalError where the server fails too. */
export function evaluate(src: string, vars: Vars): unknown {
  return evalNode(new Parser(tokenize(src)).parse(), vars);
}

/** stored is what a write keeps of a result: non-finite numbers are empty. */
export function stored(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v === undefined ? null : v;
}

/**
 * evalCondition evaluates a rule: its answer when the subset can decide;
 * false when the run fails (the server's condition does not match either);
 * fallback when the subset cannot decide (unsupported syntax, functions or
 * variables, or a result that is not a boolean).
 */
export function evalCondition(src: string | undefined, vars: Vars, fallback: boolean): boolean {
  if (!src || !src.trim()) return fallback;
  try {
    const v = evaluate(src, vars);
    if (v === null) return false;
    return typeof v === 'boolean' ? v : fallback;
  } catch (e) {
    return e instanceof EvalError ? false : fallback;
  }
}

/** FormulaResult is a live formula value: a value, empty (the server stores none), or unknown until saved. */
export type FormulaResult = { ok: true; value: unknown } | { ok: false };

/** evalFormula computes a formula as the server would store it. */
export function evalFormula(src: string | undefined, vars: Vars): FormulaResult {
  if (!src || !src.trim()) return { ok: false };
  try {
    return { ok: true, value: stored(evaluate(src, vars)) };
  } catch (e) {
    return e instanceof EvalError ? { ok: true, value: null } : { ok: false };
  }
}

/** The characters of a unified social credit code, in the order of their values (engine/expr/func_check.go). */
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** usccValid checks a unified social credit code's alphabet and check character, as USCC_VALID on the server. */
export function usccValid(raw: string): boolean {
  const s = raw.trim().toUpperCase();
  if (s.length !== 18) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(s[i]);
    if (v < 0) return false;
    sum += v * USCC_WEIGHTS[i];
  }
  return s[17] === USCC_CHARS[(31 - (sum % 31)) % 31];
}

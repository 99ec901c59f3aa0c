// The flow designer's graph model: building, editing, checking and ordering
// a flow graph. Pure functions, so the designer's canvas, its phone outline
// and the tests share them. The server checks the graph again on save and
// publish; its problems are merged with these by node.
import type { Assignee, Design as FlowGraph, FlowEdge, FlowNode, NodeKind, NodeProblem } from '../../api/flows';
import type { FieldAccess, FieldDef, FieldError } from '../../api/types';

/** ASSIGNED lists the node kinds that have people. */
export const ASSIGNED: NodeKind[] = ['approver', 'handler', 'cc'];
/** ADDABLE lists the node kinds the designer can add. */
export const ADDABLE: NodeKind[] = ['approver', 'handler', 'cc', 'condition', 'parallel', 'join', 'end'];

/** GAP is the vertical distance between nodes the designer places. */
const GAP = 140;

const px = (n?: FlowNode) => n?.position?.x ?? 0;
const py = (n?: FlowNode) => n?.position?.y ?? 0;

let seq = 0;
/** newId makes a node or edge id unique within a graph. */
export function newId(prefix: string, taken: { id: string }[]): string {
  const used = new Set(taken.map((x) => x.id));
  for (;;) {
    seq += 1;
    const id = `${prefix}${seq}`;
    if (!used.has(id)) return id;
  }
}

/** newGraph is the design a new flow starts with: start → one approver → end. */
export function newGraph(names: { start: string; approve: string; end: string }): FlowGraph {
  return {
    nodes: [
      { id: 'start', kind: 'start', name: names.start, position: { x: 0, y: 0 } },
      { id: 'approver1', kind: 'approver', name: names.approve, mode: 'any', assignees: [{ kind: 'head', level: 1 }], fields: {}, position: { x: 0, y: GAP } },
      { id: 'end', kind: 'end', name: names.end, position: { x: 0, y: 2 * GAP } },
    ],
    edges: [{ id: 'e1', from: 'start', to: 'approver1' }, { id: 'e2', from: 'approver1', to: 'end' }],
  };
}

/** addNode adds a node of kind after the node `after` (taking over its outgoing edges when it has one). */
export function addNode(g: FlowGraph, kind: NodeKind, name: string, after?: string): { graph: FlowGraph; id: string } {
  const id = newId(kind, g.nodes);
  const prev = after ? g.nodes.find((n) => n.id === after) : undefined;
  const node: FlowNode = {
    id, kind, name,
    ...(kind === 'approver' ? { mode: 'any' as const, assignees: [], fields: {} } : {}),
    ...(kind === 'handler' ? { assignees: [], fields: {} } : {}),
    ...(kind === 'cc' ? { assignees: [] } : {}),
    position: { x: px(prev), y: (prev ? py(prev) : Math.max(0, ...g.nodes.map(py))) + GAP },
  };
  let edges = g.edges;
  if (prev && prev.kind !== 'end') {
    const out = edges.filter((e) => e.from === prev.id);
    if (out.length <= 1 && kind !== 'end') {
      // Insert in the middle of a straight line: prev → node → prev's old next.
      edges = edges.map((e) => (e.from === prev.id ? { ...e, from: id } : e));
    }
    edges = [...edges, { id: newId('e', edges), from: prev.id, to: id }];
  }
  // Nodes below the new one move down to make room.
  const nodes = prev ? g.nodes.map((n) => (py(n) > py(prev) && px(n) === px(prev) ? { ...n, position: { x: px(n), y: py(n) + GAP } } : n)) : g.nodes;
  return { graph: { ...g, nodes: [...nodes, node], edges }, id };
}

/** removeNode removes a node and its edges; a node on a straight line is bridged (its one predecessor reaches its one successor). */
export function removeNode(g: FlowGraph, id: string): FlowGraph {
  const ins = g.edges.filter((e) => e.to === id);
  const outs = g.edges.filter((e) => e.from === id);
  let edges = g.edges.filter((e) => e.to !== id && e.from !== id);
  if (ins.length === 1 && outs.length === 1 && !edges.some((e) => e.from === ins[0].from && e.to === outs[0].to)) {
    edges = [...edges, { ...ins[0], to: outs[0].to }];
  }
  return { ...g, nodes: g.nodes.filter((n) => n.id !== id), edges };
}

/** updateNode replaces one node's settings. */
export function updateNode(g: FlowGraph, id: string, patch: Partial<FlowNode>): FlowGraph {
  return { ...g, nodes: g.nodes.map((n) => (n.id === id ? { ...n, ...patch } : n)) };
}

/** connect adds an edge from → to unless it exists or would leave an end node or enter the start. */
export function connect(g: FlowGraph, from: string, to: string): FlowGraph {
  if (from === to || g.edges.some((e) => e.from === from && e.to === to)) return g;
  const a = g.nodes.find((n) => n.id === from); const b = g.nodes.find((n) => n.id === to);
  if (!a || !b || a.kind === 'end' || b.kind === 'start') return g;
  return { ...g, edges: [...g.edges, { id: newId('e', g.edges), from, to }] };
}

/** updateEdge replaces one edge's settings; making an edge the default clears the other defaults of its node. */
export function updateEdge(g: FlowGraph, id: string, patch: Partial<FlowEdge>): FlowGraph {
  const e = g.edges.find((x) => x.id === id);
  if (!e) return g;
  return {
    ...g, edges: g.edges.map((x) => {
      if (x.id === id) return { ...x, ...patch, ...(patch.default ? { condition: '' } : {}) };
      if (patch.default && x.from === e.from) return { ...x, default: false };
      return x;
    }),
  };
}

export function removeEdge(g: FlowGraph, id: string): FlowGraph {
  return { ...g, edges: g.edges.filter((e) => e.id !== id) };
}

/** nodeAccess is the access of a node's assignees to a field: view unless set. */
export function nodeAccess(n: FlowNode, key: string): FieldAccess {
  return n.fields?.[key] ?? 'view';
}

/** setAllAccess gives every field the same access at a node. */
export function setAllAccess(fields: FieldDef[], a: FieldAccess): Record<string, FieldAccess> {
  return Object.fromEntries(fields.map((f) => [f.key, a]));
}

/** assigneeComplete says whether a rule names someone. */
export function assigneeComplete(a: Assignee): boolean {
  switch (a.kind) {
    case 'users': return (a.users?.length ?? 0) > 0;
    case 'role': return !!a.role;
    case 'field': return !!a.field;
    case 'head': return (a.level ?? 1) >= 1 && (a.level ?? 1) <= 10;
    default: return true;
  }
}

/**
 * validate checks the graph's shape and every node's settings, as the
 * server does on publish (docs/workflows.md, "Validation"), so problems show
 * while designing. Each problem names its node (or edge) and a code the
 * designer words in the user's language (flows.problem.<code>).
 */
export function validate(g: FlowGraph, fields: FieldDef[] = []): NodeProblem[] {
  const out: NodeProblem[] = [];
  const add = (code: string, node?: string, edge?: string) => out.push({ code, node, edge, message: '' });
  const starts = g.nodes.filter((n) => n.kind === 'start');
  if (starts.length !== 1) add(starts.length ? 'manyStarts' : 'noStart', starts[1]?.id);
  if (!g.nodes.some((n) => n.kind === 'end')) add('noEnd');
  const keys = new Set(fields.map((f) => f.key));
  const userKeys = new Set(userFields(fields).map((f) => f.key));
  const outs = (id: string) => g.edges.filter((e) => e.from === id);
  const ins = (id: string) => g.edges.filter((e) => e.to === id);
  const ids = new Set(g.nodes.map((n) => n.id));
  for (const e of g.edges) if (!ids.has(e.from) || !ids.has(e.to)) add('edgeNode', ids.has(e.from) ? e.from : undefined, e.id);
  for (const n of g.nodes) {
    const o = outs(n.id).length;
    if (!n.name.trim()) add('noName', n.id);
    if (n.kind === 'end') { if (o > 0) add('endOut', n.id); } else if (o === 0) add('noNext', n.id);
    else if ((n.kind === 'condition' || n.kind === 'parallel') ? o < 2 : o > 1) add(o > 1 ? 'manyNext' : 'fewBranches', n.id);
    if (n.kind !== 'start' && ins(n.id).length === 0) add('noPrev', n.id);
    if (ASSIGNED.includes(n.kind)) {
      const as = n.assignees ?? [];
      if (as.length === 0) add('noAssignee', n.id);
      else if (as.some((a) => !assigneeComplete(a))) add('assigneeIncomplete', n.id);
      if (as.some((a) => a.kind === 'field' && a.field && keys.size > 0 && !userKeys.has(a.field))) add('notUserField', n.id);
    }
    if (n.kind === 'approver' && n.mode === 'vote' && !(n.threshold && n.threshold > 0 && n.threshold <= 1)) add('badThreshold', n.id);
    if (n.kind === 'condition') {
      const os = outs(n.id);
      if (os.filter((e) => e.default).length !== 1) add('oneDefault', n.id);
      for (const e of os) if (!e.default && !e.condition?.trim()) add('noCondition', n.id, e.id);
    }
    if (n.kind === 'parallel' && !(n.join && g.nodes.some((x) => x.id === n.join && x.kind === 'join'))) add('noJoin', n.id);
    if (n.kind === 'join' && !g.nodes.some((x) => x.kind === 'parallel' && x.join === n.id)) add('joinUnused', n.id);
    if (n.fields && keys.size > 0 && Object.keys(n.fields).some((k) => !keys.has(k))) add('unknownField', n.id);
    if ((n.required ?? []).some((k) => nodeAccess(n, k) !== 'edit')) add('requiredNotEdit', n.id);
    if (n.due) {
      if (!n.due.field && !validDuration(n.due.after)) add('dueNoTime', n.id);
      if (n.due.action === 'escalate' && !(n.due.escalateTo ?? []).some(assigneeComplete)) add('dueNoTarget', n.id);
      if (n.due.field && keys.size > 0 && !dateFields(fields).some((f) => f.key === n.due!.field)) add('dueNotDate', n.id);
    }
  }
  // Every node is reachable from the start, reaches an end, and no edge closes a loop.
  const start = starts[0];
  if (start) {
    const seen = reach(start.id, (id) => outs(id).map((e) => e.to));
    for (const n of g.nodes) if (!seen.has(n.id) && n.kind !== 'start') add('unreachable', n.id);
    const back = new Set<string>();
    for (const e of g.nodes.filter((n) => n.kind === 'end')) for (const id of reach(e.id, (x) => ins(x).map((y) => y.from))) back.add(id);
    for (const n of g.nodes) if (n.kind !== 'end' && seen.has(n.id) && !back.has(n.id)) add('deadEnd', n.id);
    for (const id of cycleNodes(g)) add('cycle', id);
  }
  return out;
}

/** validDuration accepts the Go durations the server reads: 30m, 24h, 1h30m. */
export function validDuration(s?: string): boolean {
  return !!s && /^(\d+h)?(\d+m)?$/.test(s) && /[1-9]/.test(s);
}

/** hoursOf reads a duration of whole hours (24h), else null. */
export function hoursOf(s?: string): number | null {
  const m = /^(\d+)h$/.exec(s ?? '');
  return m ? Number(m[1]) : null;
}

function reach(from: string, next: (id: string) => string[]): Set<string> {
  const seen = new Set<string>([from]);
  const todo = [from];
  while (todo.length) {
    const id = todo.pop()!;
    for (const x of next(id)) if (!seen.has(x)) { seen.add(x); todo.push(x); }
  }
  return seen;
}

/** cycleNodes lists the nodes an edge leads back to (flows loop only through return). */
function cycleNodes(g: FlowGraph): string[] {
  const state = new Map<string, 1 | 2>();
  const found = new Set<string>();
  const visit = (id: string) => {
    state.set(id, 1);
    for (const e of g.edges.filter((x) => x.from === id)) {
      const s = state.get(e.to);
      if (s === 1) found.add(e.to); else if (!s) visit(e.to);
    }
    state.set(id, 2);
  };
  for (const n of g.nodes) if (!state.get(n.id)) visit(n.id);
  return [...found];
}

/**
 * serverProblems maps the server's refusal (per-field errors with paths
 * nodes.<id>.assignees, edges.<id>.condition, "" for the graph) to problems by node.
 */
export function serverProblems(g: FlowGraph, errs: FieldError[]): NodeProblem[] {
  return errs.map((f) => {
    const path = f.path.replace(/^draft\./, '');
    const n = /^nodes[.[]([\w-]+)\]?/.exec(path);
    const e = /^edges[.[]([\w-]+)\]?/.exec(path);
    const pick = <T extends { id: string }>(list: T[], m: RegExpExecArray | null) => {
      if (!m) return undefined;
      return (list.find((x) => x.id === m[1]) ?? (/^\d+$/.test(m[1]) ? list[Number(m[1])] : undefined))?.id;
    };
    const edge = pick(g.edges, e);
    const node = pick(g.nodes, n) ?? (edge ? g.edges.find((x) => x.id === edge)?.from : undefined);
    return { node, edge, code: f.code, message: f.message };
  });
}

/** byNode groups problems by node id ('' for the graph as a whole). */
export function byNode(ps: NodeProblem[]): Map<string, NodeProblem[]> {
  const m = new Map<string, NodeProblem[]>();
  for (const p of ps) {
    const k = p.node ?? '';
    m.set(k, [...(m.get(k) ?? []), p]);
  }
  return m;
}

/** OutlineItem is one row of the phone's outline: a node, how deep in branches, and the edge that led there. */
export interface OutlineItem { node: FlowNode; depth: number; via?: FlowEdge }

/**
 * outline orders the nodes for reading top to bottom: depth first from the
 * start, a branch's nodes indented under it, a node branches meet at
 * listed once, where its last branch arrives. Unreachable nodes come last.
 */
export function outline(g: FlowGraph): OutlineItem[] {
  const out: OutlineItem[] = [];
  const seen = new Set<string>();
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const indeg = new Map<string, number>();
  for (const e of g.edges) indeg.set(e.to, (indeg.get(e.to) ?? 0) + 1);
  const arrived = new Map<string, number>();
  const visit = (id: string, depth: number, via?: FlowEdge) => {
    const n = byId.get(id);
    if (!n || seen.has(id)) return;
    // A join (any node branches meet at) waits for all its branches, then continues at the outer depth.
    const need = indeg.get(id) ?? 1;
    const got = (arrived.get(id) ?? 0) + 1;
    arrived.set(id, got);
    if (got < need) return;
    seen.add(id);
    const d = need > 1 ? Math.max(0, depth - 1) : depth;
    out.push({ node: n, depth: d, via });
    const next = g.edges.filter((e) => e.from === id);
    const branching = n.kind === 'condition' || n.kind === 'parallel' || next.length > 1;
    for (const e of next) visit(e.to, branching ? d + 1 : d, branching ? e : undefined);
  };
  const start = g.nodes.find((n) => n.kind === 'start');
  if (start) visit(start.id, 0);
  for (const n of g.nodes) if (!seen.has(n.id)) { seen.add(n.id); out.push({ node: n, depth: 0 }); }
  return out;
}

/** userFields are the fields a "user field" rule may name. */
export function userFields(fields: FieldDef[]): FieldDef[] {
  return fields.filter((f) => f.type === 'user' || f.type === 'users');
}

/** dateFields are the fields a due time may be read from. */
export function dateFields(fields: FieldDef[]): FieldDef[] {
  return fields.filter((f) => f.type === 'date' || f.type === 'datetime');
}

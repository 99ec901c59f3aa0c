import { describe, expect, it } from 'vitest';
import type { Design } from '../../api/flows';
import type { FieldDef } from '../../api/types';
import { addNode, byNode, connect, newGraph, outline, removeNode, serverProblems, updateEdge, validate } from './model';

const names = { start: 'Start', approve: 'Approve', end: 'End' };
const fields: FieldDef[] = [
  { key: 'discount', type: 'percent', label: 'Discount' }, { key: 'owner', type: 'user', label: 'Owner' },
  { key: 'due', type: 'date', label: 'Due' }, { key: 'title', type: 'text', label: 'Title' },
];
const codes = (g: Design) => validate(g, fields).map((p) => `${p.node ?? ''}:${p.code}`).sort();

/** discount is start → condition → (discount > 0.1) approver → end, else → end. */
function discount(): Design {
  let g = newGraph(names);
  const c = addNode(g, 'condition', 'Check', 'start');
  g = connect(c.graph, c.id, 'end');
  const [toApprover, toEnd] = g.edges.filter((e) => e.from === c.id);
  g = updateEdge(g, toApprover.id, { condition: 'discount > 0.1' });
  return updateEdge(g, toEnd.id, { default: true });
}

describe('flow graph model', () => {
  it('starts valid: start → department head → end', () => {
    const g = newGraph(names);
    expect(codes(g)).toEqual([]);
    expect(g.nodes.find((n) => n.kind === 'approver')?.assignees).toEqual([{ kind: 'head', level: 1 }]);
  });

  it('inserts a node on a straight line and bridges it again on removal', () => {
    const g = newGraph(names);
    const r = addNode(g, 'cc', 'CC', 'start');
    expect(r.graph.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual([`${r.id}>approver1`, 'approver1>end', `start>${r.id}`].sort());
    // Placed below the start, pushing the nodes under it down.
    expect(r.graph.nodes.find((n) => n.id === r.id)?.position?.y).toBe(140);
    expect(r.graph.nodes.find((n) => n.id === 'end')?.position?.y).toBe(420);
    const back = removeNode(r.graph, r.id);
    expect(back.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(['approver1>end', 'start>approver1']);
  });

  it('marks each node with its own problems', () => {
    const c = addNode(newGraph(names), 'condition', 'Check', 'start');
    const cc = addNode(c.graph, 'cc', '', 'approver1');
    expect(codes(cc.graph)).toEqual([`${c.id}:fewBranches`, `${c.id}:noCondition`, `${c.id}:oneDefault`, `${cc.id}:noAssignee`, `${cc.id}:noName`].sort());
    const ps = byNode(validate(cc.graph, fields));
    expect(ps.get(c.id)?.find((p) => p.code === 'noCondition')?.edge).toBe(c.graph.edges.find((e) => e.from === c.id)?.id);
    expect(ps.has('approver1')).toBe(false);
  });

  it('accepts a complete condition and refuses a vote threshold, a non-user field, a due time without a target, a loop', () => {
    const g = discount();
    expect(codes(g)).toEqual([]);
    const bad: Design = {
      ...g,
      nodes: g.nodes.map((n) => (n.kind === 'approver'
        ? { ...n, mode: 'vote', threshold: 1.5, assignees: [{ kind: 'field', field: 'title' }], due: { after: '24h', action: 'escalate', escalateTo: [] } } : n)),
    };
    expect(codes(bad)).toEqual(['approver1:badThreshold', 'approver1:dueNoTarget', 'approver1:notUserField']);
    const loop = connect({ ...g, nodes: [...g.nodes, { id: 'cc9', kind: 'cc', name: 'CC', assignees: [{ kind: 'initiator' }] }] }, 'approver1', 'cc9');
    const looped = connect(loop, 'cc9', 'approver1');
    expect(codes(looped)).toContain('approver1:manyNext');
    expect(codes(looped).some((c) => c.endsWith(':cycle'))).toBe(true);
  });

  it('requires only fields the node lets its assignees edit', () => {
    const g = discount();
    const at = (fields: Record<string, 'view' | 'edit' | 'hidden'>): Design => ({ ...g, nodes: g.nodes.map((n) => (n.kind === 'approver' ? { ...n, fields, required: ['title'] } : n)) });
    expect(codes(at({ title: 'edit' }))).toEqual([]);
    expect(codes(at({ title: 'view' }))).toEqual(['approver1:requiredNotEdit']);
  });

  it('never links out of an end or into the start', () => {
    const g = newGraph(names);
    expect(connect(g, 'end', 'approver1')).toBe(g);
    expect(connect(g, 'approver1', 'start')).toBe(g);
    expect(connect(g, 'start', 'approver1')).toBe(g);
  });

  it('maps the server\'s per-node errors to nodes and edges', () => {
    const g = discount();
    const edge = g.edges.find((e) => e.condition)!;
    const ps = serverProblems(g, [
      { path: 'nodes.approver1.assignees', code: 'flow_assignee', message: 'bad assignee' },
      { path: `edges.${edge.id}.condition`, code: 'expression', message: 'unknown field' },
      { path: '', code: 'flow_no_end', message: 'no end' },
    ]);
    expect(ps.map((p) => [p.node, p.edge])).toEqual([['approver1', undefined], [edge.from, edge.id], [undefined, undefined]]);
  });

  it('reads top to bottom on a phone, branches indented, the end where they meet', () => {
    const items = outline(discount());
    expect(items.map((i) => `${i.depth}:${i.node.kind}`)).toEqual(['0:start', '0:condition', '1:approver', '0:end']);
    expect(items[2].via?.condition).toBe('discount > 0.1');
  });
});

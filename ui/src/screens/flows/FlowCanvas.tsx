import { useMemo } from 'react';
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeChange, type EdgeChange, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Badge, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Design as FlowGraph, FlowNode, NodeProblem } from '../../api/flows';
import { connect, removeEdge, removeNode } from './model';
import { KIND_COLOR } from './NodeSettings';
import { useSummary } from './summary';
// The flow strings load with the flow screens.
import '../../i18n/flows';

type Data = { node: FlowNode; problems: number; selected: boolean };

/** FlowNodeView draws one node on the canvas: its kind, name, who, and a red mark when it has problems. */
function FlowNodeView({ data }: NodeProps<Node<Data>>) {
  const { t } = useTranslation();
  const summary = useSummary();
  const n = data.node;
  return (
    <div className={`fl-flow-node${data.problems ? ' fl-flow-node-bad' : ''}${data.selected ? ' fl-flow-node-selected' : ''}`} data-testid={`flow-node-${n.id}`} data-kind={n.kind}>
      {n.kind !== 'start' && <Handle type="target" position={Position.Top} />}
      <div className="fl-flow-node-head">
        <Tag color={KIND_COLOR[n.kind]} style={{ marginInlineEnd: 4 }}>{t(`flows.kind.${n.kind}`)}</Tag>
        {data.problems > 0 && <Badge count={data.problems} size="small" data-testid="node-problem-count" />}
      </div>
      <Typography.Text strong ellipsis style={{ display: 'block' }}>{n.name}</Typography.Text>
      <Typography.Text type="secondary" ellipsis style={{ display: 'block', fontSize: 12 }}>{summary(n)}</Typography.Text>
      {n.kind !== 'end' && <Handle type="source" position={Position.Bottom} />}
      {/* Side handles carry a branch's second and later edges around the nodes below. */}
      {(n.kind === 'condition' || n.kind === 'parallel') && <Handle type="source" id="side" position={Position.Right} />}
      {n.kind !== 'start' && <Handle type="target" id="side-in" position={Position.Right} style={{ opacity: 0 }} />}
    </div>
  );
}

const nodeTypes = { flow: FlowNodeView };

/**
 * FlowCanvas is the desktop's visual editor (React Flow): drag nodes, draw
 * edges between handles, select a node to edit it beside, Delete removes.
 */
export default function FlowCanvas({ graph, selected, problems, onSelect, onChange }: {
  graph: FlowGraph; selected: string | null; problems: Map<string, NodeProblem[]>;
  onSelect: (id: string | null) => void; onChange: (g: FlowGraph) => void;
}) {
  const { t } = useTranslation();
  const nodes: Node<Data>[] = useMemo(() => graph.nodes.map((n) => ({
    id: n.id, type: 'flow', position: { x: n.position?.x ?? 0, y: n.position?.y ?? 0 }, selected: n.id === selected, deletable: n.kind !== 'start',
    data: { node: n, problems: problems.get(n.id)?.length ?? 0, selected: n.id === selected },
  })), [graph.nodes, selected, problems]);
  const edges: Edge[] = useMemo(() => graph.edges.map((e) => {
    const from = graph.nodes.find((n) => n.id === e.from);
    const label = from?.kind === 'condition' ? (e.label || (e.default ? t('flows.defaultBranch') : e.condition || t('flows.noConditionYet'))) : undefined;
    const bad = problems.get(e.from)?.some((p) => p.edge === e.id);
    const side = (from?.kind === 'condition' || from?.kind === 'parallel') && graph.edges.filter((x) => x.from === e.from).indexOf(e) > 0;
    return {
      id: e.id, source: e.from, target: e.to, label, markerEnd: { type: MarkerType.ArrowClosed },
      ...(side ? { sourceHandle: 'side', targetHandle: 'side-in', type: 'smoothstep' } : {}),
      style: bad ? { stroke: '#ff4d4f' } : undefined, labelStyle: { fontSize: 11 }, labelBgStyle: { fill: '#fff' },
    };
  }), [graph, problems, t]);

  const onNodesChange = (changes: NodeChange<Node<Data>>[]) => {
    let g = graph;
    for (const c of changes) {
      if (c.type === 'position' && c.position) {
        const p = c.position;
        g = { ...g, nodes: g.nodes.map((n) => (n.id === c.id ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } } : n)) };
      } else if (c.type === 'remove') {
        g = removeNode(g, c.id);
        if (selected === c.id) onSelect(null);
      } else if (c.type === 'select' && c.selected) onSelect(c.id);
    }
    if (g !== graph) onChange(g);
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    let g = graph;
    for (const c of changes) if (c.type === 'remove') g = removeEdge(g, c.id);
    if (g !== graph) onChange(g);
  };
  return (
    <div className="fl-flow-canvas" data-testid="flow-canvas">
      <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} fitView fitViewOptions={{ maxZoom: 1 }} minZoom={0.3}
        onNodesChange={onNodesChange} onEdgesChange={onEdgesChange}
        onConnect={(c) => { if (c.source && c.target) onChange(connect(graph, c.source, c.target)); }}
        onPaneClick={() => onSelect(null)} proOptions={{ hideAttribution: true }} deleteKeyCode="Delete">
        <Background gap={16} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

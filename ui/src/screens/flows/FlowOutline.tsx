import { Badge, Tag, Typography } from 'antd';
import { RightOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Design as FlowGraph, NodeProblem } from '../../api/flows';
import { outline } from './model';
import { KIND_COLOR } from './NodeSettings';
import { useSummary } from './summary';

/**
 * FlowOutline is the phone's reading of a flow: its nodes top to bottom,
 * branches indented under their condition or split (with the branch's
 * condition), each opening the same settings panel as the canvas.
 */
export function FlowOutline({ graph, selected, problems, onSelect }: {
  graph: FlowGraph; selected: string | null; problems: Map<string, NodeProblem[]>; onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  const summary = useSummary();
  return (
    <ol className="fl-flow-outline" data-testid="flow-outline">
      {outline(graph).map(({ node: n, depth, via }) => {
        const bad = problems.get(n.id)?.length ?? 0;
        return (
          <li key={n.id} style={{ marginInlineStart: depth * 16 }} data-testid={`outline-${n.id}`} data-kind={n.kind}
            className={`${bad ? 'fl-flow-node-bad' : ''}${selected === n.id ? ' fl-flow-node-selected' : ''}`}>
            <button type="button" onClick={() => onSelect(n.id)} aria-label={n.name}>
              <div className="fl-outline-main">
                {via && <Typography.Text type="secondary" className="fl-outline-via">
                  {via.label || (via.default ? t('flows.defaultBranch') : via.condition ? t('flows.when', { expr: via.condition }) : t('flows.branch'))}</Typography.Text>}
                <span><Tag color={KIND_COLOR[n.kind]}>{t(`flows.kind.${n.kind}`)}</Tag><Typography.Text strong>{n.name}</Typography.Text></span>
                <Typography.Text type="secondary" className="fl-outline-summary">{summary(n)}</Typography.Text>
              </div>
              {bad > 0 && <Badge count={bad} size="small" data-testid="node-problem-count" />}
              <RightOutlined />
            </button>
          </li>
        );
      })}
    </ol>
  );
}

import { createContext, useCallback, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import type { Assignee, FlowNode } from '../../api/flows';
import type { FieldDef, WorkspaceRole } from '../../api/types';
import { useDirectory } from '../../fields/directory';

/** SummaryContext carries what a node's one-line summary names: the workspace's roles and the form's fields. */
export const SummaryContext = createContext<{ roles: WorkspaceRole[]; fields: FieldDef[] }>({ roles: [], fields: [] });

/** useSummary answers a node's one-line summary: who approves and how, or what a branch does. */
export function useSummary(): (n: FlowNode) => string {
  const { t } = useTranslation();
  const dir = useDirectory();
  const { roles, fields } = useContext(SummaryContext);
  const who = useCallback((a: Assignee): string => {
    switch (a.kind) {
      case 'users': return (a.users ?? []).map((id) => dir.users.find((u) => u.id === id)?.name ?? id).join('、') || t('flows.who_users');
      case 'role': return t('flows.roleIs', { name: roles.find((r) => r.id === a.role)?.name ?? a.role ?? '?' });
      case 'head': return (a.level ?? 1) > 1 ? t('flows.headUp', { n: (a.level ?? 1) - 1 }) : t('flows.who_head');
      case 'field': return t('flows.fieldIs', { name: fields.find((f) => f.key === a.field)?.label ?? a.field ?? '?' });
      default: return t(`flows.who_${a.kind}`);
    }
  }, [dir.users, roles, fields, t]);
  return useCallback((n: FlowNode) => {
    if (n.kind === 'approver' || n.kind === 'handler' || n.kind === 'cc') {
      const names = (n.assignees ?? []).map(who).join('；') || t('flows.nobodyYet');
      return n.kind === 'approver' ? `${names} · ${n.mode === 'vote' ? t('flows.voteAt', { n: Math.round((n.threshold ?? 0) * 100) }) : t(`flows.mode_${n.mode ?? 'any'}`)}` : names;
    }
    return t(`flows.kindHelp.${n.kind}`);
  }, [who, t]);
}

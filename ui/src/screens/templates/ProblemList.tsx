import { Alert, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import '../../i18n/templates';
import type { FieldError } from '../../api/types';
import { groupProblems } from './model';

/**
 * ProblemList shows a check's or an install's field errors per item of the
 * package (the form opportunity, the automation hot…), each with the place
 * inside the item and the builder's message.
 */
export function ProblemList({ fields }: { fields: FieldError[] }) {
  const { t } = useTranslation();
  const groups = groupProblems(fields);
  if (groups.length === 0) return null;
  return (
    <Alert type="error" showIcon data-testid="template-problems"
      title={`${t('templates.problems')} · ${t('templates.problemsCount', { count: fields.length })}`}
      description={
        <div className="fl-tpl-problems">
          {groups.map((g) => (
            <div key={`${g.kind}.${g.key}`} data-testid="problem-item" data-item={[g.kind, g.key].filter(Boolean).join('.')}>
              <Typography.Text strong>
                {g.kind ? [t(`templates.kind.${g.kind}`, { defaultValue: g.kind }), g.key].filter(Boolean).join(' · ') : t('templates.kind.package')}
              </Typography.Text>
              <ul>
                {g.problems.map((p, i) => (
                  <li key={i}>{p.path && <Typography.Text code>{p.path}</Typography.Text>} {p.message}</li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      } />
  );
}

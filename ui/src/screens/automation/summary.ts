import type { TFunction } from 'i18next';
import type { Trigger } from '../../api/automation';
import type { FieldDef } from '../../api/types';
import { presetOf, splitOffset } from './model';

/** triggerSummary says in one line when an automation runs. */
export function triggerSummary(t: TFunction, tr: Trigger, fields: FieldDef[]): string {
  const label = (k: string) => fields.find((f) => f.key === k)?.label ?? k;
  switch (tr.type) {
    case 'fields.changed': return t('automation.sum.changed', { fields: (tr.fields ?? []).map(label).join('、') });
    case 'schedule': {
      const p = tr.cron ? presetOf(tr.cron) : null;
      const when = p ? t(`automation.cron.${p.kind}`) : tr.cron ?? '';
      return tr.scan ? t('automation.sum.scan', { when, field: tr.scan.field === 'updatedAt' ? t('data.updatedAt') : label(tr.scan.field), days: tr.scan.olderThanDays }) : t('automation.sum.schedule', { when });
    }
    case 'date': {
      const o = splitOffset(tr.date?.offsetDays ?? 0);
      return t(`automation.trigger.dateSummary_${o.when}`, { days: o.days, field: label(tr.date?.field ?? '') });
    }
    case 'event': return t('automation.sum.event', { event: tr.event ?? '' });
    default: return t(`automation.trigger.${tr.type}`);
  }
}

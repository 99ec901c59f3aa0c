import { useEffect, useRef } from 'react';
import { CheckOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Pipeline, StageView } from '../../api/stages';
import { allowedMove, closed } from './model';

/**
 * StageBar shows a pipeline's stages in order as a path: the stages behind
 * the current one done, the current one highlighted (green when won, red
 * when lost), the selected one outlined, and the moves the pipeline forbids
 * greyed. Clicking a stage selects it; the section below offers the move.
 */
export function StageBar({ pipeline, views, current, selected, onSelect }: {
  pipeline: Pipeline; views: StageView[]; current: string; selected: string; onSelect: (v: string) => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const ci = views.findIndex((s) => s.value === current);
  useEffect(() => {
    // On a phone the bar scrolls: keep the current stage in view.
    const el = ref.current?.querySelector<HTMLElement>('.is-current');
    el?.scrollIntoView?.({ block: 'nearest', inline: 'center' });
  }, [current]);
  return (
    <div className="fl-path" ref={ref} role="list" aria-label={t('stages.bar')} data-testid="stage-bar">
      {views.map((s, i) => {
        const cls = ['fl-path-step'];
        const isCurrent = s.value === current;
        // Open stages before the current one are done; closed ones are alternatives, never "done".
        if (ci >= 0 && i < ci && !closed(s)) cls.push('is-done');
        if (isCurrent) cls.push('is-current');
        if (s.flag === 'won') cls.push('is-won');
        if (s.flag === 'lost') cls.push('is-lost');
        if (closed(s)) cls.push('is-closed');
        if (s.value === selected) cls.push('is-selected');
        if (!isCurrent && !allowedMove({ transitions: pipeline.transitions, stages: views }, current, s.value)) cls.push('is-barred');
        return (
          <button key={s.value} type="button" role="listitem" className={cls.join(' ')} onClick={() => onSelect(s.value)}
            aria-current={isCurrent ? 'step' : undefined} aria-pressed={s.value === selected}
            data-testid={`stage-step-${s.value}`} data-current={isCurrent || undefined} title={s.label}>
            {cls.includes('is-done') && <CheckOutlined style={{ marginRight: 4 }} />}{s.label}
          </button>
        );
      })}
    </div>
  );
}

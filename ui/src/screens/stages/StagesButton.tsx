import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { Badge, Button, Drawer, Spin } from 'antd';
import { FunnelPlotOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import '../../i18n/stages';
import type { Definition } from '../../api/types';
import type { CheckFn } from '../designer/ExpressionInput';
import { usePhone } from '../../util/usePhone';
import { pipelineOf } from '../../api/stages';
import { stageProblems } from './model';

// The settings (stage cards, expression inputs) load when the drawer opens.
const StageSettings = lazy(() => import('./StageSettings'));

/**
 * StagesButton is the designer's entry to the form's stage pipeline: a
 * toolbar button (with the count of the pipeline's publish problems) that
 * opens the settings in a drawer. The pipeline lives in the design
 * (definition.extensions.stages), so it is saved and published with it.
 * When publishing refuses the pipeline, the drawer opens on its problems.
 */
export function StagesButton({ def, onChange, problems, check }: {
  def: Definition; onChange: (d: Definition) => void; problems: { path: string; message: string }[]; check: CheckFn;
}) {
  const { t } = useTranslation();
  const phone = usePhone();
  const [open, setOpen] = useState(false);
  const mine = stageProblems(problems);
  const count = [...mine.values()].reduce((n, l) => n + l.length, 0);
  const seen = useRef(problems);
  useEffect(() => {
    if (problems !== seen.current && count > 0) setOpen(true);
    seen.current = problems;
  }, [problems, count]);
  const on = !!pipelineOf(def);
  return (
    <>
      <Badge count={count} size="small">
        <Button icon={<FunnelPlotOutlined />} type={on ? 'default' : 'dashed'} onClick={() => setOpen(true)} data-testid="stages-settings">{t('stages.button')}</Button>
      </Badge>
      <Drawer open={open} onClose={() => setOpen(false)} size={phone ? '100%' : 720} title={t('stages.title')} destroyOnHidden>
        <Suspense fallback={<Spin />}>
          <StageSettings def={def} onChange={onChange} problems={mine} check={check} />
        </Suspense>
      </Drawer>
    </>
  );
}

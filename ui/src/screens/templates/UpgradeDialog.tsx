import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Col, Empty, Modal, Radio, Result, Row, Space, Spin, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import '../../i18n/templates';
import { ApiError } from '../../api/client';
import type { FieldError } from '../../api/types';
import { templateApi, type PlanChange, type PlanConflict, type Resolution, type Source, type UpgradePlan, type UpgradeResult } from '../../api/templates';
import { errorText } from '../../util/errors';
import { BundlePicker } from './BundlePicker';
import { ProblemList } from './ProblemList';
import { itemName, narrowed, planSections, resolutionsOf, shown, unresolved } from './model';
import './templates.css';

export interface UpgradeDialogProps {
  appId: string;
  appName: string;
  /** formNames are the app's form names by template key (the plan names forms by key). */
  formNames?: Record<string, string>;
  /** source is the new version: a shipped template's key, or "file" to upload a bundle first; null keeps the dialog closed. */
  source: Source | 'file' | null;
  onClose: () => void;
  onUpgraded?: (r: UpgradeResult) => void;
}

const OP_COLOR: Record<string, string> = { add: 'green', remove: 'red', change: 'blue', keep: 'gold' };

/**
 * UpgradeDialog upgrades an app installed from a template: it previews the
 * three-way merge (the installed version, the app now, the new version):
 * the fields added, removed and changed per form, the other items changed,
 * and each conflict with its three values and a choice between keeping the
 * admin's and taking the template's; then it applies the upgrade with those
 * choices.
 */
export function UpgradeDialog({ appId, appName, formNames = {}, source, onClose, onUpgraded }: UpgradeDialogProps) {
  const { t } = useTranslation();
  const [target, setTarget] = useState<Source | null>(null);
  const [plan, setPlan] = useState<UpgradePlan | null>(null);
  const [loading, setLoading] = useState(false);
  const [applying, setApplying] = useState(false);
  const [choices, setChoices] = useState<Record<string, Resolution | undefined>>({});
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<FieldError[]>([]);
  const [done, setDone] = useState<UpgradeResult | null>(null);

  const fail = (e: unknown) => {
    setError(errorText(e));
    setProblems(e instanceof ApiError ? e.fields : []);
  };
  // Only the newest preview counts: another file chosen meanwhile, or the dialog closed, drops older answers.
  const gen = useRef(0);
  const preview = useCallback(async (src: Source) => {
    const g = ++gen.current;
    setTarget(src); setPlan(null); setChoices({}); setError(null); setProblems([]); setLoading(true);
    try {
      const p = await templateApi.preview(appId, src);
      if (g === gen.current) setPlan(p);
    } catch (e) { if (g === gen.current) fail(e); } finally { if (g === gen.current) setLoading(false); }
  }, [appId]);

  useEffect(() => {
    gen.current++;
    setDone(null); setPlan(null); setTarget(null); setError(null); setProblems([]); setChoices({}); setLoading(false);
    if (source && source !== 'file') void preview(source);
  }, [source, preview]);

  const left = plan ? unresolved(plan.conflicts, choices) : [];
  const apply = async () => {
    if (!plan || !target || left.length > 0) return;
    setApplying(true); setError(null); setProblems([]);
    try {
      const r = await templateApi.upgrade(appId, target, resolutionsOf(plan.conflicts, choices));
      setDone(r); onUpgraded?.(r);
    } catch (e) { fail(e); } finally { setApplying(false); }
  };
  const all = (r: Resolution) => plan && setChoices(Object.fromEntries(plan.conflicts.map((c) => [c.id, r])));
  const empty = plan && plan.changes.length === 0 && plan.conflicts.length === 0;

  return (
    <Modal open={source !== null} title={t('templates.upgradeTitle', { name: appName })} onCancel={applying ? undefined : onClose}
      closable={!applying} mask={{ closable: false }} destroyOnHidden width={960}
      footer={done ? null : [
        left.length > 0 && <Typography.Text key="l" type="secondary" className="fl-tpl-left" data-testid="upgrade-left">{t('templates.chooseAll', { count: left.length })}</Typography.Text>,
        <Button key="c" onClick={onClose} disabled={applying}>{t('common.cancel')}</Button>,
        <Button key="a" type="primary" loading={applying} disabled={!plan || !!empty || left.length > 0} onClick={() => void apply()} data-testid="upgrade-apply">{t('templates.apply')}</Button>,
      ]}>
      <div data-testid="upgrade-dialog">
        {done ? (
          <Result status="success" title={t('templates.upgraded', { version: done.version })} subTitle={t('templates.appliedN', { count: done.applied })}
            extra={<Button type="primary" onClick={onClose} data-testid="upgrade-close">{t('templates.close')}</Button>} />
        ) : (
          <Space orientation="vertical" style={{ width: '100%' }} size="middle">
            {source === 'file' && <BundlePicker onChecked={(b) => { if (b) void preview({ bundle: b.bundle }); else { setPlan(null); setTarget(null); } }} />}
            {loading && <Space data-testid="upgrade-loading"><Spin size="small" /><Typography.Text type="secondary">{t('templates.previewing')}</Typography.Text></Space>}
            {error && <Alert type="error" showIcon title={error} data-testid="upgrade-error" />}
            {problems.length > 0 && <ProblemList fields={problems} />}
            {plan && <PlanView plan={plan} formNames={formNames} choices={choices} setChoice={(id, r) => setChoices((c) => ({ ...c, [id]: r }))} all={all} />}
            {empty && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('templates.nothing')} />}
          </Space>
        )}
      </div>
    </Modal>
  );
}

function PlanView({ plan, formNames, choices, setChoice, all }: {
  plan: UpgradePlan; formNames: Record<string, string>; choices: Record<string, Resolution | undefined>; setChoice: (id: string, r: Resolution) => void; all: (r: Resolution) => void;
}) {
  const { t } = useTranslation();
  const { fields, items } = planSections(plan);
  const opTag = (op: string) => <Tag color={OP_COLOR[op]}>{t(`templates.op.${op}`, { defaultValue: op })}</Tag>;
  const forms = [...new Set(fields.map((f) => f.form))];
  return (
    <div data-testid="upgrade-plan">
      <Typography.Title level={5} style={{ marginTop: 0 }} data-testid="upgrade-versions">{t('templates.versions', { from: plan.from, to: plan.to })}</Typography.Title>
      {fields.length > 0 && (
        <section data-testid="plan-fields">
          <Typography.Text strong>{t('templates.fieldsChanged')}</Typography.Text>
          {forms.map((form) => (
            <div key={form} className="fl-tpl-form">
              <Typography.Text type="secondary">{t('templates.form')} · {formNames[form] ? `${formNames[form]} (${form})` : form}</Typography.Text>
              <ul className="fl-tpl-changes">
                {fields.filter((f) => f.form === form).map((f) => (
                  <li key={`${f.op}.${f.field}`} data-testid="plan-field" data-op={f.op} data-field={`${form}.${f.field}`}>
                    {opTag(f.op)}{f.label && <span>{f.label} </span>}<Typography.Text code>{f.field}</Typography.Text>
                    {f.props.length > 0 && <Typography.Text type="secondary"> {t('templates.changedProps', { props: f.props.join(t('templates.sep')) })}</Typography.Text>}
                  </li>
                ))}
              </ul>
            </div>
          ))}
          {fields.some((f) => f.op === 'remove') && <Typography.Text type="secondary">{t('templates.removedArchived')}</Typography.Text>}
        </section>
      )}
      {items.length > 0 && (
        <section data-testid="plan-items" style={{ marginTop: 12 }}>
          <Typography.Text strong>{t('templates.partsChanged')}</Typography.Text>
          <ul className="fl-tpl-changes">
            {items.map((c: PlanChange, i) => (
              <li key={i} data-testid="plan-item" data-op={c.op} data-item={`${c.kind}.${c.key}`}>
                {opTag(c.op)}{t(`templates.kind.${c.kind}`, { defaultValue: c.kind })} · {(itemName(c) || (c.kind === 'forms' && formNames[c.key])) && <span>{itemName(c) || formNames[c.key]} </span>}<Typography.Text code>{c.key}</Typography.Text>
                {c.path && <Typography.Text type="secondary"> {c.path === 'formOrder' ? t('templates.formOrder') : c.path}</Typography.Text>}
                {c.op === 'keep' && c.detail?.reason === 'granted' && <Typography.Text type="secondary"> {t('templates.keptGranted')}</Typography.Text>}
              </li>
            ))}
          </ul>
          {items.some((c) => c.kind === 'roles' && c.op === 'remove') && <Typography.Text type="secondary" data-testid="plan-roles-removed">{t('templates.rolesRemoved')}</Typography.Text>}
        </section>
      )}
      {plan.conflicts.length > 0 && (
        <section data-testid="plan-conflicts" style={{ marginTop: 12 }}>
          <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
            <Typography.Text strong>{t('templates.conflicts')} ({plan.conflicts.length})</Typography.Text>
            <Space wrap>
              <Button size="small" onClick={() => all('ours')} data-testid="conflicts-all-ours">{t('templates.allMine')}</Button>
              <Button size="small" onClick={() => all('theirs')} data-testid="conflicts-all-theirs">{t('templates.allTemplate')}</Button>
            </Space>
          </Space>
          <Typography.Paragraph type="secondary" style={{ margin: '4px 0 8px' }}>{t('templates.conflictsIntro')}</Typography.Paragraph>
          {plan.conflicts.some(isDraft) && <Typography.Paragraph type="secondary" style={{ margin: '0 0 8px' }} data-testid="plan-drafts-kept">{t('templates.draftsKept')}</Typography.Paragraph>}
          {plan.conflicts.map((c) => <ConflictCard key={c.id} c={c} name={c.kind === 'forms' ? formNames[c.key] : undefined} choice={choices[c.id]} onChoose={(r) => setChoice(c.id, r)} />)}
        </section>
      )}
      {(plan.changes.length > 0 || plan.conflicts.length > 0) && <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }} data-testid="upgrade-atomic">{t('templates.atomic')}</Typography.Paragraph>}
    </div>
  );
}

/** isDraft tells a conflict between an unpublished draft and the upgrade (path draft.<unit>). */
const isDraft = (c: PlanConflict) => c.kind === 'forms' && (c.path ?? '').startsWith('draft.');

function ConflictCard({ c, name, choice, onChoose }: { c: PlanConflict; name?: string; choice?: Resolution; onChoose: (r: Resolution) => void }) {
  const { t } = useTranslation();
  const v = narrowed(c);
  // A role the new version drops: taking the template deletes it.
  const roleDelete = c.kind === 'roles' && (c.theirs === null || c.theirs === undefined);
  const members = roleDelete && c.ours && typeof c.ours === 'object' ? (c.ours as Record<string, unknown>).members : undefined;
  const value = (label: string, v: unknown, side: string, picked: boolean) => (
    <Col xs={24} md={8}>
      <div className={`fl-tpl-value${picked ? ' fl-tpl-picked' : ''}`} data-testid={`conflict-${side}`}>
        <Typography.Text type="secondary">{label}</Typography.Text>
        <pre>{shown(v) || t('templates.none')}</pre>
      </div>
    </Col>
  );
  return (
    <div className="fl-tpl-conflict" data-testid="conflict" data-id={c.id}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <span>{t(`templates.kind.${c.kind}`, { defaultValue: c.kind })} · {name && <span>{name} </span>}<Typography.Text code>{c.key}</Typography.Text>
          {isDraft(c) && <Tag color="purple" style={{ marginLeft: 6 }} data-testid="conflict-draft">{t('templates.draftConflict')}</Tag>}
          {c.path && <Typography.Text type="secondary"> {isDraft(c) ? c.path.slice('draft.'.length) : c.path}</Typography.Text>}</span>
        <Radio.Group value={choice} onChange={(e) => onChoose(e.target.value as Resolution)} optionType="button" buttonStyle="solid" size="small" data-testid="conflict-choice"
          options={[{ value: 'ours', label: t('templates.keepMine') }, { value: 'theirs', label: t('templates.takeTemplate') }]} />
      </Space>
      {roleDelete && <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }} data-testid="conflict-role-delete">
        {t('templates.roleDeleteHint')}{typeof members === 'number' && members > 0 ? ` ${t('templates.roleMembers', { count: members })}` : ''}</Typography.Paragraph>}
      <Row gutter={[8, 8]} style={{ marginTop: 8 }}>
        {value(t('templates.base'), v.base, 'base', false)}
        {value(t('templates.ours'), v.ours, 'ours', choice === 'ours')}
        {value(t('templates.theirs'), v.theirs, 'theirs', choice === 'theirs')}
      </Row>
    </div>
  );
}

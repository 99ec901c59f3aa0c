import { Alert, Button, Collapse, Empty, Form, Input, InputNumber, Radio, Select, Segmented, Space, Switch, Tag, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import '../../i18n/stages';
import type { Definition } from '../../api/types';
import { FORECASTS, pipelineOf, withPipeline, type Pipeline, type Stage, type TransitionRule } from '../../api/stages';
import { ExpressionInput, type CheckFn } from '../designer/ExpressionInput';
import { closed, missingOptions, move, pipelineFor, selectFields } from './model';

const FLAG_COLOR: Record<string, string> = { won: 'green', lost: 'red' };

/**
 * StageSettings edits the form's stage pipeline inside the design: the
 * select field, the order of its options as stages, and per stage the
 * probability, forecast category, kind (open, won, lost), the fields
 * required on entering, the entry condition with its message (checked live
 * like the designer's formulas), guidance and checklist; and which moves
 * the pipeline allows. problems are the publish problems by input
 * ("stages[2].condition"); each shows under its input.
 */
export default function StageSettings({ def, onChange, problems, check }: {
  def: Definition; onChange: (d: Definition) => void; problems: Map<string, string[]>; check: CheckFn;
}) {
  const { t } = useTranslation();
  const p = pipelineOf(def);
  const selects = selectFields(def);
  const set = (np: Pipeline | null) => onChange(withPipeline(def, np));
  const err = (k: string) => {
    const l = problems.get(k);
    return l?.length ? { validateStatus: 'error' as const, help: <span data-testid={`stage-problem-${k}`}>{l.join('；')}</span> } : {};
  };
  const top = problems.get('') ?? [];

  if (selects.length === 0 && !p) return <Empty description={t('stages.noSelect')} />;
  const field = p ? def.fields.find((f) => f.key === p.field) : undefined;
  const label = (v: string) => field?.options?.find((o) => o.value === v)?.label;
  const setStage = (i: number, s: Partial<Stage>) => p && set({ ...p, stages: p.stages.map((x, j) => (j === i ? { ...x, ...s } : x)) });
  const others = def.fields.filter((f) => f.key !== p?.field && f.key !== p?.enteredAtField && f.type !== 'subform');
  const missing = p ? missingOptions(def, p) : [];

  return (
    <Form layout="vertical" component="div" data-testid="stage-settings">
      <Typography.Paragraph type="secondary">{t('stages.intro')}</Typography.Paragraph>
      {top.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={top.join('；')} data-testid="stage-problem-top" />}
      <Form.Item label={t('stages.enable')}>
        <Switch checked={!!p} data-testid="stages-enable"
          onChange={(on) => set(on ? pipelineFor(def, selects[0]?.key ?? '', null) : null)} />
      </Form.Item>
      {p && <>
        <Form.Item label={t('stages.field')} {...err('field')}>
          <Select value={p.field || undefined} data-testid="stages-field" onChange={(k: string) => set(pipelineFor(def, k, p))}
            options={selects.map((f) => ({ value: f.key, label: `${f.label} · ${f.key}` }))} />
        </Form.Item>
        <Form.Item label={t('stages.transitions')} {...err('transitions')} extra={t(`stages.ruleHelp.${p.transitions || 'forward'}`)}>
          <Radio.Group value={p.transitions || 'forward'} optionType="button" data-testid="stages-rule"
            onChange={(e) => set({ ...p, transitions: e.target.value as TransitionRule })}
            options={(['forward', 'any', 'list'] as const).map((r) => ({ value: r, label: t(`stages.rule.${r}`) }))} />
        </Form.Item>
        <Form.Item label={t('stages.enteredAt')} {...err('enteredAtField')} extra={t('stages.enteredAtHelp')}>
          <Select allowClear value={p.enteredAtField || undefined} placeholder={t('stages.none')} data-testid="stages-entered-at"
            onChange={(k?: string) => set({ ...p, enteredAtField: k || undefined })}
            options={def.fields.filter((f) => f.type === 'datetime').map((f) => ({ value: f.key, label: f.label }))} />
        </Form.Item>
        {problems.get('stages') && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={problems.get('stages')!.join('；')} />}
        {missing.length > 0 && (
          <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="stages-missing"
            title={t('stages.missing', { list: missing.map((o) => o.label).join('、') })}
            action={<Button size="small" icon={<PlusOutlined />} onClick={() => set({ ...p, stages: [...p.stages, ...missing.map((o) => ({ value: o.value }))] })}>{t('stages.addMissing')}</Button>} />
        )}
        <Collapse accordion data-testid="stage-list" items={p.stages.map((s, i) => {
          const at = `stages[${i}]`;
          const bad = [...problems.keys()].some((k) => k.startsWith(at + '.'));
          return {
            key: s.value || String(i),
            label: (
              <Space size={4} wrap data-testid={`stage-card-${s.value}`}>
                <Typography.Text strong>{i + 1}. {label(s.value) ?? s.value}</Typography.Text>
                {s.flag && s.flag !== 'open' && <Tag color={FLAG_COLOR[s.flag]}>{t(`stages.flagOpt.${s.flag}`)}</Tag>}
                {s.probability != null && <Tag>{s.probability}%</Tag>}
                {bad && <Tag color="error">!</Tag>}
              </Space>
            ),
            extra: (
              <Space size={0} onClick={(e) => e.stopPropagation()}>
                <Button size="small" type="text" icon={<ArrowUpOutlined />} aria-label={t('stages.up')} disabled={i === 0} onClick={() => set({ ...p, stages: move(p.stages, i, -1) })} />
                <Button size="small" type="text" icon={<ArrowDownOutlined />} aria-label={t('stages.down')} disabled={i === p.stages.length - 1} onClick={() => set({ ...p, stages: move(p.stages, i, 1) })} />
                <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('stages.remove')} onClick={() => set({ ...p, stages: p.stages.filter((_, j) => j !== i) })} />
              </Space>
            ),
            children: (
              <div data-testid={`stage-edit-${s.value}`}>
                {label(s.value) === undefined && <Alert type="error" showIcon style={{ marginBottom: 8 }} title={t('stages.notOption')} />}
                {problems.get(`${at}.value`) && <Alert type="error" showIcon style={{ marginBottom: 8 }} title={problems.get(`${at}.value`)!.join('；')} data-testid={`stage-problem-${at}.value`} />}
                <Space wrap align="start">
                  <Form.Item label={t('stages.probability')} {...err(`${at}.probability`)}>
                    <InputNumber min={0} max={100} value={s.probability} data-testid={`stage-prob-${s.value}`}
                      onChange={(v) => setStage(i, { probability: v == null ? undefined : Number(v) })} />
                  </Form.Item>
                  <Form.Item label={t('stages.forecast')} {...err(`${at}.forecast`)}>
                    <Select allowClear style={{ minWidth: 140 }} value={s.forecast || undefined} data-testid={`stage-forecast-${s.value}`}
                      onChange={(v?: string) => setStage(i, { forecast: (v || undefined) as Stage['forecast'] })}
                      options={FORECASTS.map((f) => ({ value: f, label: t(`stages.forecastOpt.${f}`) }))} />
                  </Form.Item>
                  <Form.Item label={t('stages.flag')} {...err(`${at}.flag`)}>
                    <Segmented value={s.flag || 'open'} data-testid={`stage-flag-${s.value}`}
                      onChange={(v) => setStage(i, { flag: v === 'open' ? undefined : (v as Stage['flag']) })}
                      options={(['open', 'won', 'lost'] as const).map((f) => ({ value: f, label: t(`stages.flagOpt.${f}`) }))} />
                  </Form.Item>
                </Space>
                <Form.Item label={t('stages.required')} {...err(`${at}.required`)}>
                  <Select mode="multiple" allowClear value={s.required ?? []} placeholder={t('stages.requiredPlaceholder')} data-testid={`stage-required-${s.value}`}
                    optionFilterProp="label" onChange={(v: string[]) => setStage(i, { required: v.length ? v : undefined })}
                    options={others.map((f) => ({ value: f.key, label: f.label }))} />
                </Form.Item>
                <Form.Item label={t('stages.condition')} {...err(`${at}.condition`)} extra={t('stages.conditionHelp')}>
                  <ExpressionInput value={s.condition ?? ''} onChange={(v) => setStage(i, { condition: v || undefined })} check={check}
                    placeholder="amount > 0" testId={`stage-cond-${s.value}`} fields={def.fields} want="boolean" />
                </Form.Item>
                {(s.condition ?? '').trim() !== '' && (
                  <Form.Item label={t('stages.message')} {...err(`${at}.message`)}>
                    <Space orientation="vertical" style={{ width: '100%' }}>
                      <Input addonBefore="中文" value={s.message?.['zh-CN']} data-testid={`stage-msg-zh-${s.value}`}
                        onChange={(e) => setStage(i, { message: { ...s.message, 'zh-CN': e.target.value } })} />
                      <Input addonBefore="EN" value={s.message?.en} data-testid={`stage-msg-en-${s.value}`}
                        onChange={(e) => setStage(i, { message: { ...s.message, en: e.target.value } })} />
                    </Space>
                  </Form.Item>
                )}
                <Form.Item label={t('stages.guidance')} {...err(`${at}.guidance`)}>
                  <Input.TextArea rows={2} value={s.guidance} placeholder={t('stages.guidancePlaceholder')} data-testid={`stage-guidance-${s.value}`}
                    onChange={(e) => setStage(i, { guidance: e.target.value || undefined })} />
                </Form.Item>
                <Form.Item label={t('stages.checklist')} {...err(`${at}.checklist`)}>
                  <Input.TextArea rows={3} value={(s.checklist ?? []).join('\n')} data-testid={`stage-checklist-${s.value}`}
                    onChange={(e) => { const l = e.target.value.split('\n'); setStage(i, { checklist: l.some((x) => x.trim()) ? l : undefined }); }}
                    onBlur={() => setStage(i, { checklist: (s.checklist ?? []).map((x) => x.trim()).filter(Boolean).length ? (s.checklist ?? []).map((x) => x.trim()).filter(Boolean) : undefined })} />
                </Form.Item>
                {p.transitions === 'list' && (
                  <Form.Item label={t('stages.next')} {...err(`${at}.next`)}>
                    <Select mode="multiple" allowClear value={s.next ?? []} data-testid={`stage-next-${s.value}`}
                      onChange={(v: string[]) => setStage(i, { next: v.length ? v : undefined })}
                      options={p.stages.filter((x) => x.value !== s.value).map((x) => ({ value: x.value, label: `${label(x.value) ?? x.value}${closed(x) ? ` (${t('stages.closedTag')})` : ''}` }))} />
                  </Form.Item>
                )}
              </div>
            ),
          };
        })} />
      </>}
    </Form>
  );
}

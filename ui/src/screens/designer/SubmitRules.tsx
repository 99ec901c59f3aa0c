import { Button, Card, Input, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { FieldDef, SubmitRule } from '../../api/types';
import { ExpressionInput, type CheckFn } from './ExpressionInput';

/** SubmitRules edits the form-level validations with their messages in both languages. */
export function SubmitRules({ rules, fields, onChange, check }: { rules: SubmitRule[]; fields: FieldDef[]; onChange: (r: SubmitRule[]) => void; check: CheckFn }) {
  const { t } = useTranslation();
  const set = (i: number, p: Partial<SubmitRule>) => onChange(rules.map((r, j) => (j === i ? { ...r, ...p } : r)));
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('designer.submitRulesHelp')}</Typography.Text>
      {rules.map((r, i) => (
        <Card key={i} size="small" title={t('designer.ruleN', { n: i + 1 })} data-testid="submit-rule"
          extra={<Button type="text" size="small" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => onChange(rules.filter((_, j) => j !== i))} />}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <ExpressionInput value={r.expression} onChange={(expression) => set(i, { expression })} check={check} placeholder="end_date >= start_date" testId={`rule-expr-${i}`} fields={fields} want="boolean" />
            <Input addonBefore="中文" value={r.message?.['zh-CN']} placeholder={t('designer.ruleMessage')} data-testid={`rule-msg-zh-${i}`}
              onChange={(e) => set(i, { message: { ...r.message, 'zh-CN': e.target.value } })} />
            <Input addonBefore="EN" value={r.message?.en} placeholder={t('designer.ruleMessage')} data-testid={`rule-msg-en-${i}`}
              onChange={(e) => set(i, { message: { ...r.message, en: e.target.value } })} />
            <Select allowClear style={{ width: "100%" }} value={r.field || undefined} placeholder={t("designer.ruleField")} data-testid={`rule-field-${i}`}
              onChange={(field) => set(i, { field: field || undefined })} options={fields.map((f) => ({ value: f.key, label: f.label }))} />
          </Space>
        </Card>
      ))}
      <Button type="dashed" icon={<PlusOutlined />} onClick={() => onChange([...rules, { expression: '', message: { 'zh-CN': '', en: '' } }])} data-testid="add-rule">
        {t('designer.addRule')}
      </Button>
    </Space>
  );
}

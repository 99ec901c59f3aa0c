import { AutoComplete, Input, InputNumber, Radio, Segmented, Select, Space, TimePicker, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { TRIGGER_TYPES, type EventTypeInfo, type Trigger, type TriggerType } from '../../api/automation';
import type { FieldDef } from '../../api/types';
import { cronOf, cronValid, joinOffset, presetOf, setTriggerType, splitOffset, type CronPreset } from './model';
import { Field, type Errs } from './parts';

const DATE_TYPES = ['date', 'datetime'];

/** CronHelper writes the common schedules (daily, weekdays, weekly, monthly, hourly) as cron, or takes raw cron. */
export function CronHelper({ value, onChange, timeZone, errs }: { value: string; onChange: (v: string) => void; timeZone: string; errs: Errs }) {
  const { t } = useTranslation();
  const preset = presetOf(value);
  const p: CronPreset = preset ?? { kind: 'daily', hour: 9, minute: 0 };
  const set = (n: Partial<CronPreset>) => onChange(cronOf({ ...p, ...n }));
  const bad = !!value.trim() && !cronValid(value);
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="cron-helper">
      <Segmented size="small" value={preset ? p.kind : 'custom'} data-testid="cron-kind"
        options={(['daily', 'weekdays', 'weekly', 'monthly', 'hourly', 'custom'] as const).map((k) => ({ value: k, label: t(`automation.cron.${k}`) }))}
        onChange={(k) => { if (k !== 'custom') set({ kind: k as CronPreset['kind'] }); else onChange(value || '0 9 * * *'); }} />
      {preset && (
        <Space wrap>
          {p.kind === 'weekly' && <Select style={{ width: 110 }} value={p.weekday ?? 1} onChange={(w) => set({ weekday: w })} data-testid="cron-weekday"
            options={[1, 2, 3, 4, 5, 6, 0].map((d) => ({ value: d, label: t(`automation.weekday.${d}`) }))} />}
          {p.kind === 'monthly' && <InputNumber min={1} max={31} value={p.day ?? 1} onChange={(d) => set({ day: Number(d) || 1 })} addonAfter={t('automation.cron.dayOfMonth')} />}
          {p.kind === 'hourly'
            ? <InputNumber min={0} max={59} value={p.minute} onChange={(m) => set({ minute: Number(m) || 0 })} addonBefore={t('automation.cron.atMinute')} />
            : <TimePicker format="HH:mm" allowClear={false} value={dayjs().hour(p.hour).minute(p.minute)} data-testid="cron-time"
                onChange={(d) => d && set({ hour: d.hour(), minute: d.minute() })} />}
        </Space>
      )}
      <Field path="trigger.cron" errs={(pth) => errs(pth) ?? (bad ? t('automation.problem.badCron') : undefined)}
        help={t('automation.cron.tz', { tz: timeZone || 'UTC' })}>
        <Input value={value} onChange={(e) => onChange(e.target.value)} status={bad || errs('trigger.cron') ? 'error' : undefined}
          style={{ fontFamily: 'ui-monospace, monospace' }} data-testid="cron-raw" addonBefore="cron" />
      </Field>
    </Space>
  );
}

/**
 * TriggerPicker chooses what starts an automation and its settings: the
 * record events, which fields changed, a schedule (cron in the workspace
 * time zone, optionally visiting the records unchanged for N days), a date
 * relative to a date field, or any other event by its type name.
 */
export function TriggerPicker({ value, onChange, fields, timeZone, errs, eventTypes = [] }: {
  value: Trigger; onChange: (t: Trigger) => void; fields: FieldDef[]; timeZone: string; errs: Errs;
  /** eventTypes are the declared event types the event trigger offers (any other type may still be typed). */
  eventTypes?: EventTypeInfo[];
}) {
  const { t, i18n } = useTranslation();
  const eventOpts = eventTypes.map((e) => ({ value: e.type, label: `${e.label?.[i18n.language] ?? e.label?.en ?? e.type} · ${e.type}` }));
  const dateFields = fields.filter((f) => DATE_TYPES.includes(f.type));
  const fieldOpts = fields.map((f) => ({ value: f.key, label: f.label }));
  const off = splitOffset(value.date?.offsetDays ?? 0);
  const scanFields = [{ value: 'updatedAt', label: t('data.updatedAt') }, ...dateFields.map((f) => ({ value: f.key, label: f.label }))];
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size={12} data-testid="trigger-picker">
      <Field path="trigger.type" errs={errs}>
        <Radio.Group value={value.type} onChange={(e) => onChange(setTriggerType(value, e.target.value as TriggerType))} data-testid="trigger-type"
          className="fl-auto-trigger-types">
          {TRIGGER_TYPES.map((k) => <Radio.Button key={k} value={k} data-testid={`trigger-${k}`}>{t(`automation.trigger.${k}`)}</Radio.Button>)}
        </Radio.Group>
      </Field>
      {value.type === 'fields.changed' && (
        <Field label={t('automation.trigger.whichFields')} path="trigger.fields" errs={errs} help={t('automation.trigger.fieldsHelp')}>
          <Select mode="multiple" style={{ width: '100%' }} value={value.fields ?? []} options={fieldOpts} optionFilterProp="label"
            status={errs('trigger.fields') ? 'error' : undefined} data-testid="trigger-fields"
            onChange={(v: string[]) => onChange({ ...value, fields: v })} />
        </Field>
      )}
      {value.type === 'schedule' && (<>
        <CronHelper value={value.cron ?? ''} onChange={(cron) => onChange({ ...value, cron })} timeZone={timeZone} errs={errs} />
        <Field label={t('automation.trigger.scan')} path="trigger.scan" errs={errs} help={t('automation.trigger.scanHelp')}>
          <Space wrap>
            <Select style={{ width: 200 }} allowClear placeholder={t('automation.trigger.noScan')} value={value.scan?.field} options={scanFields} data-testid="scan-field"
              onChange={(f?: string) => onChange({ ...value, scan: f ? { field: f, olderThanDays: value.scan?.olderThanDays ?? 14, filter: value.scan?.filter ?? null } : null })} />
            {value.scan && <InputNumber min={1} max={3650} value={value.scan.olderThanDays} addonAfter={t('automation.trigger.daysAgo')} data-testid="scan-days"
              onChange={(n) => onChange({ ...value, scan: { ...value.scan!, olderThanDays: Number(n) || 1 } })} />}
          </Space>
        </Field>
      </>)}
      {value.type === 'date' && (
        <Space wrap align="start">
          <Field label={t('automation.trigger.dateField')} path="trigger.date.field" errs={errs}>
            <Select style={{ width: 180 }} value={value.date?.field || undefined} options={dateFields.map((f) => ({ value: f.key, label: f.label }))}
              status={errs('trigger.date.field') ? 'error' : undefined} data-testid="date-field" notFoundContent={t('automation.trigger.noDateField')}
              onChange={(f: string) => onChange({ ...value, date: { offsetDays: value.date?.offsetDays ?? 0, time: value.date?.time, field: f } })} />
          </Field>
          <Field label={t('automation.trigger.offset')} path="trigger.date.offsetDays" errs={errs}>
            <Space.Compact>
              <InputNumber min={0} max={3650} value={off.days} data-testid="date-days" addonAfter={t('automation.trigger.days')}
                onChange={(n) => onChange({ ...value, date: { ...value.date!, offsetDays: joinOffset(Number(n) || 0, off.when) } })} />
              <Select style={{ width: 90 }} value={off.when} data-testid="date-when"
                options={[{ value: 'before', label: t('automation.trigger.before') }, { value: 'after', label: t('automation.trigger.after') }]}
                onChange={(w: 'before' | 'after') => onChange({ ...value, date: { ...value.date!, offsetDays: joinOffset(off.days, w) } })} />
            </Space.Compact>
          </Field>
          <Field label={t('automation.trigger.at')} path="trigger.date.time" errs={errs} help={timeZone}>
            <TimePicker format="HH:mm" value={value.date?.time ? dayjs(value.date.time, 'HH:mm') : null} placeholder="09:00"
              onChange={(d) => onChange({ ...value, date: { ...value.date!, time: d ? d.format('HH:mm') : undefined } })} />
          </Field>
        </Space>
      )}
      {value.type === 'date' && value.date?.field && (
        <Typography.Text type="secondary" data-testid="date-summary">{t(`automation.trigger.dateSummary_${off.when}`, {
          days: off.days, field: fields.find((f) => f.key === value.date?.field)?.label ?? value.date.field })}</Typography.Text>
      )}
      {value.type === 'event' && (
        <Field label={t('automation.trigger.eventType')} path="trigger.event" errs={errs} help={t('automation.trigger.eventHelp')}>
          <AutoComplete value={value.event} options={eventOpts} onChange={(v: string) => onChange({ ...value, event: v.trim() })} style={{ width: '100%' }}
            filterOption={(input, o) => !!o && String(o.label).toLowerCase().includes(input.toLowerCase())}>
            <Input placeholder="workflow.stage_changed" status={errs('trigger.event') ? 'error' : undefined} data-testid="trigger-event-type" style={{ fontFamily: 'ui-monospace, monospace' }} />
          </AutoComplete>
        </Field>
      )}
    </Space>
  );
}

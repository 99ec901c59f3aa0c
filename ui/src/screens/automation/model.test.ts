import { describe, expect, it } from 'vitest';
import type { Action } from '../../api/automation';
import type { FieldDef } from '../../api/types';
import { cleanConfig, cronOf, cronValid, joinOffset, newAction, presetOf, setTriggerType, splitOffset, validateAction, validateDesign, validateTrigger } from './model';
import { errLookup } from './AutomationPage';

const deal: FieldDef[] = [
  { key: 'title', type: 'text', label: '名称' },
  { key: 'stage', type: 'select', label: '阶段', options: [{ value: 'won', label: '赢单' }] },
  { key: 'amount', type: 'money', label: '金额' },
  { key: 'close_date', type: 'date', label: '结单日期' },
  { key: 'sales', type: 'user', label: '销售' },
  { key: 'tags', type: 'multiselect', label: '标签', options: [{ value: 'vip', label: '重要' }] },
];
const contract: FieldDef[] = [
  { key: 'name', type: 'text', label: '合同名称', required: true },
  { key: 'amount', type: 'money', label: '金额' },
  { key: 'no', type: 'serial', label: '编号' },
];
const fieldsOf = (id: string) => (id === 'contracts' ? contract : id === 'deals' ? deal : undefined);
const keys = (a: Action) => validateAction(a, 0, deal, fieldsOf).map((p) => `${p.path}:${p.key}`);

describe('action mapping validation', () => {
  it('asks for a target form first', () => {
    expect(keys(newAction('record.create'))).toEqual(['actions[0].config.form:needForm']);
  });
  it('marks each bad mapping on its own target field', () => {
    const a: Action = { kind: 'record.create', config: { form: 'contracts', values: { name: 'new.title', amount: '', no: '"X"', ghost: '1' } } };
    expect(keys(a).sort()).toEqual([
      'actions[0].config.values.amount:needExpression',
      'actions[0].config.values.ghost:noSuchField',
      'actions[0].config.values.no:notWritable',
    ]);
  });
  it('requires every required field of the target on a create, not on an update', () => {
    const create: Action = { kind: 'record.create', config: { form: 'contracts', values: { amount: 'new.amount' } } };
    expect(keys(create)).toEqual(['actions[0].config.values.name:requiredTarget']);
    const update: Action = { kind: 'record.update', config: { target: 'query', form: 'contracts', match: { name: 'new.title' }, values: { amount: 'new.amount' } } };
    expect(keys(update)).toEqual([]);
  });
  it('an update of records matching a filter needs the filter; one of this record checks this form', () => {
    expect(keys({ kind: 'record.update', config: { target: 'query', form: 'contracts', values: { amount: '1' } } })).toEqual(['actions[0].config.match:needFilter']);
    expect(keys({ kind: 'record.update', config: { target: 'query', form: 'contracts', match: { ghost: 'new.id', name: '' }, values: { amount: '1' } } }).sort())
      .toEqual(['actions[0].config.match.ghost:noSuchField', 'actions[0].config.match.name:needExpression']);
    expect(keys({ kind: 'record.update', config: { target: 'record', values: { close: 'TODAY()' } } })).toEqual(['actions[0].config.values.close:noSuchField']);
    expect(keys({ kind: 'record.update', config: { target: 'record', values: {} } })).toEqual(['actions[0].config.values:needMapping']);
    expect(keys({ kind: 'record.upsert', config: { form: 'contracts', values: { name: 'new.title' } } })).toEqual(['actions[0].config.match:needFilter']);
  });
  it('checks notification recipients and template placeholders against this form', () => {
    const a: Action = { kind: 'notify', config: { recipients: { owner: true, fields: ['sales', 'title'] }, title: '{{title}} 赢单 {{nope}}', body: '{{ amount }} / {{old.stage}} / {{ownedBy}}' } };
    expect(keys(a)).toEqual([
      'actions[0].config.recipients.fields[1]:notUserField',
      'actions[0].config.title:badPlaceholder',
    ]);
    expect(keys({ kind: 'notify', config: { recipients: {}, title: ' ' } })).toEqual(['actions[0].config.recipients:needRecipient', 'actions[0].config.title:needTitle']);
  });
  it('assign needs a member field and whom to choose among; tags a multiple choice field and tags', () => {
    expect(keys({ kind: 'assign', config: { field: 'title', strategy: 'round_robin', users: [] } }))
      .toEqual(['actions[0].config.field:notUserField', 'actions[0].config.users:needPool']);
    expect(keys({ kind: 'assign', config: { field: 'sales', strategy: 'expression', expression: '' } })).toEqual(['actions[0].config.expression:needExpression']);
    expect(keys({ kind: 'assign', config: { field: 'sales', strategy: 'least_loaded', role: 'r1' } })).toEqual([]);
    expect(keys({ kind: 'tags', config: { field: 'stage', add: [] } })).toEqual(['actions[0].config.field:notTagField', 'actions[0].config.add:needTags']);
    expect(keys({ kind: 'tags', config: { field: 'tags', add: ['vip'] } })).toEqual([]);
  });
  it('a whole design: name, actor, at least one action', () => {
    const d = { name: ' ', trigger: { type: 'record.created' as const }, actions: [], actor: '' };
    expect(validateDesign(d, deal, fieldsOf).map((p) => p.key)).toEqual(['needName', 'needActor', 'needAction']);
  });
});

describe('triggers', () => {
  it('switching the kind keeps only what belongs to it', () => {
    expect(setTriggerType({ type: 'fields.changed', fields: ['stage'] }, 'record.created')).toEqual({ type: 'record.created' });
    expect(setTriggerType({ type: 'record.created' }, 'schedule')).toEqual({ type: 'schedule', cron: '0 9 * * *', scan: null });
    expect(setTriggerType({ type: 'record.created' }, 'date').date).toEqual({ field: '', offsetDays: -3, time: '09:00' });
  });
  it('checks fields, cron, the date field and the event type', () => {
    expect(validateTrigger({ type: 'fields.changed', fields: [] }, deal)[0].key).toBe('needFields');
    expect(validateTrigger({ type: 'schedule', cron: '61 * * * *' }, deal)[0].key).toBe('badCron');
    expect(validateTrigger({ type: 'date', date: { field: 'amount', offsetDays: 3 } }, deal)[0].key).toBe('notDateField');
    expect(validateTrigger({ type: 'date', date: { field: 'close_date', offsetDays: -3, time: '9:00' } }, deal)[0].key).toBe('badTime');
    expect(validateTrigger({ type: 'event', event: 'Stage Changed' }, deal)[0].key).toBe('badEvent');
    expect(validateTrigger({ type: 'event', event: 'workflow.stage_changed' }, deal)).toEqual([]);
  });
  it('writes the date offset signed: before is negative', () => {
    expect(joinOffset(3, 'before')).toBe(-3);
    expect(joinOffset(7, 'after')).toBe(7);
    expect(splitOffset(-3)).toEqual({ days: 3, when: 'before' });
  });
});

describe('the cron helper', () => {
  it('writes presets and reads them back', () => {
    for (const p of [{ kind: 'daily', hour: 9, minute: 30 }, { kind: 'weekdays', hour: 8, minute: 0 }, { kind: 'weekly', hour: 18, minute: 5, weekday: 5 },
      { kind: 'monthly', hour: 0, minute: 0, day: 15 }, { kind: 'hourly', hour: 0, minute: 10 }] as const) {
      expect(presetOf(cronOf(p))).toEqual(p);
    }
    expect(cronOf({ kind: 'weekdays', hour: 9, minute: 0 })).toBe('0 9 * * 1-5');
  });
  it('takes raw cron it cannot show as a preset, and refuses what is not cron', () => {
    expect(presetOf('*/15 9-18 * * 1-5')).toBeNull();
    expect(cronValid('*/15 9-18 * * 1-5')).toBe(true);
    expect(cronValid('0 24 * * *')).toBe(false);
    expect(cronValid('0 9 * *')).toBe(false);
    expect(cronValid('0 9 * * mon')).toBe(false);
  });
});

describe('saving', () => {
  it('drops the settings left empty, keeping a mapping and the filters', () => {
    expect(cleanConfig({ target: 'record', form: '', values: { amount: 'new.amount' }, match: {}, filter: null, users: [], escalation: { headAfterHours: 24, role: undefined } }))
      .toEqual({ target: 'record', values: { amount: 'new.amount' }, escalation: { headAfterHours: 24 } });
    expect(cleanConfig({ recipients: { owner: true, users: [] }, title: 'x' })).toEqual({ recipients: { owner: true }, title: 'x' });
  });
});

describe('errors on the inputs', () => {
  it('puts server errors at their path, list items on their list, a kind error on the action card, and designer problems too', () => {
    const e = errLookup([
      { path: 'trigger.fields[0]', code: 'automation_field', message: 'no field x' },
      { path: 'actions[1].kind', code: 'automation_action_kind', message: 'bad kind' },
      { path: 'actions[0].config.values.amount', code: 'expression', message: 'unknown name' },
    ], [{ path: 'name', key: 'needName' }], (p) => `local ${p.key}`);
    expect(e('trigger.fields')).toBe('no field x');
    expect(e('actions[1]')).toBe('bad kind');
    expect(e('actions[0].config.values.amount')).toBe('unknown name');
    expect(e('name')).toBe('local needName');
    expect(e('actor')).toBeUndefined();
  });
});

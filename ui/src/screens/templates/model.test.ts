import { describe, expect, it } from 'vitest';
import { BundleFileError, bundleSummary, compareVersions, countList, freeName, groupProblems, localized, narrowed, planSections, readBundle, resolutionsOf, sampleNoteCounts, unresolved } from './model';

describe('template helpers', () => {
  it('default an app name that no app of the workspace has', () => {
    expect(freeName('商机管理', undefined)).toBe('商机管理');
    expect(freeName('商机管理', ['客户'])).toBe('商机管理');
    expect(freeName('商机管理', ['商机管理'])).toBe('商机管理 2');
    expect(freeName('商机管理', ['商机管理', '商机管理 2', ' 商机管理 3 '])).toBe('商机管理 4');
    expect(freeName('', ['商机管理'])).toBe('');
  });
  it('order versions numerically', () => {
    expect(compareVersions('1.10.0', '1.9.2')).toBe(1);
    expect(compareVersions('1.0.0', '1.0')).toBe(0);
    expect(compareVersions('v1.2.0', '1.3.0')).toBe(-1);
  });
  it('pick the language of a per-language text', () => {
    expect(localized({ 'zh-CN': '商机管理', en: 'Opportunity CRM' }, 'en')).toBe('Opportunity CRM');
    expect(localized({ 'zh-CN': '商机管理' }, 'en')).toBe('商机管理');
    expect(localized('CRM', 'en')).toBe('CRM');
    expect(localized(undefined, 'en')).toBe('');
  });
  it('list the parts in their order, without empty ones', () => {
    expect(countList({ dashboards: 2, forms: 9, stages: 1, webhooks: 0, widgets: 1 })).toEqual([['forms', 9], ['stages', 1], ['dashboards', 2], ['widgets', 1]]);
  });
  it('group problems per item, by key or position', () => {
    const g = groupProblems([
      { path: 'forms.opportunity.definition.fields[3].key', code: 'x', message: 'a' },
      { path: 'forms[2].name', code: 'x', message: 'b' },
      { path: 'bundle.parts.flows.discount.spec.nodes[1]', code: 'x', message: 'c' },
      { path: 'dashboards.funnel[0].charts', code: 'x', message: 'd' },
      { path: 'parts.webhooks', code: 'x', message: 'g' },
      { path: 'format', code: 'x', message: 'e' },
      { path: '', code: 'x', message: 'f' },
    ]);
    expect(g.map((x) => [x.kind, x.key, x.problems.map((p) => p.path)])).toEqual([
      ['forms', 'opportunity', ['definition.fields[3].key']],
      ['forms', '2', ['name']],
      ['flows', 'discount', ['spec.nodes[1]']],
      ['dashboards', 'funnel', ['[0].charts']],
      ['webhooks', '', ['']],
      ['', '', ['format', '']],
    ]);
  });
  it('split a plan into field changes and item changes', () => {
    const s = planSections({ from: '1', to: '2', conflicts: [], changes: [
      { kind: 'forms', key: 'lead', op: 'add', path: 'definition.fields[score]', detail: { type: 'number', label: '评分' } },
      { kind: 'forms', key: 'lead', op: 'change', path: 'fields.source', detail: { props: ['options', 'label'] } },
      { kind: 'forms', key: 'lead', op: 'change', path: '', detail: { field: 'grade', props: ['expression'] } },
      { kind: 'forms', key: 'quote', op: 'change', path: 'name' },
      { kind: 'views', key: 'my_leads', op: 'remove' },
    ] });
    expect(s.fields).toEqual([
      { form: 'lead', field: 'score', op: 'add', props: [], label: '评分' },
      { form: 'lead', field: 'source', op: 'change', props: ['options', 'label'] },
      { form: 'lead', field: 'grade', op: 'change', props: ['expression'] },
    ]);
    expect(s.items.map((c) => `${c.kind}.${c.key}`)).toEqual(['forms.quote', 'views.my_leads']);
  });
  it('send a choice for every conflict and nothing else', () => {
    const cs = [{ id: 'a', kind: 'forms', key: 'x' }, { id: 'b', kind: 'roles', key: 'y' }];
    expect(unresolved(cs, { a: 'ours' }).map((c) => c.id)).toEqual(['b']);
    expect(resolutionsOf(cs, { a: 'ours', b: 'theirs', stale: 'ours' })).toEqual({ a: 'ours', b: 'theirs' });
  });
  it('narrow a conflict of whole objects to the properties that differ', () => {
    const f = (label: string, required: boolean) => ({ key: 'amount', type: 'money', label, required });
    expect(narrowed({ id: 'x', kind: 'forms', key: 'opp', path: 'fields.amount', base: f('金额', false), ours: f('合同金额', false), theirs: f('预计金额', true) }))
      .toEqual({ base: { label: '金额', required: false }, ours: { label: '合同金额', required: false }, theirs: { label: '预计金额', required: true } });
    expect(narrowed({ id: 'y', kind: 'forms', key: 'opp', path: 'fields.x', base: null, ours: f('a', false), theirs: f('b', false) }))
      .toEqual({ base: null, ours: { label: 'a' }, theirs: { label: 'b' } });
    expect(narrowed({ id: 'z', kind: 'forms', key: 'opp', path: 'name', base: 'A', ours: 'B', theirs: 'C' })).toEqual({ base: 'A', ours: 'B', theirs: 'C' });
  });
  it('read a bundle file: at most 8 MiB of JSON holding a template', async () => {
    const reason = (b: Blob) => readBundle(b).then(() => 'ok', (e: unknown) => (e instanceof BundleFileError ? e.reason : String(e)));
    expect(await reason(new Blob([new Uint8Array((8 << 20) + 1)]))).toBe('tooLarge');
    expect(await reason(new Blob(['{"template":'])) ).toBe('notJSON');
    expect(await reason(new Blob(['[1,2]']))).toBe('notBundle');
    const b = await readBundle(new Blob([JSON.stringify({ format: 1, template: { key: 'crm', version: '1.0.0', name: { en: 'CRM' } } })]));
    expect(bundleSummary(b)).toEqual({ key: 'crm', version: '1.0.0', name: { en: 'CRM' } });
  });
});

describe('sampleNoteCounts', () => {
  it('counts the records left out and the links cleared, and reads anything else as none', () => {
    expect(sampleNoteCounts({ sample: { notes: [{ record: 'task/r0001', field: 'project', reason: 'dropped' }, { record: 'task/r0002', reason: 'cleared' }, { reason: 'cleared' }] } })).toEqual({ dropped: 1, cleared: 2 });
    expect(sampleNoteCounts(null)).toEqual({ dropped: 0, cleared: 0 });
    expect(sampleNoteCounts({ sample: { notes: 'x' } })).toEqual({ dropped: 0, cleared: 0 });
  });
});

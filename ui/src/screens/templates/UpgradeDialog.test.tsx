import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/react';
import { App as AntApp } from 'antd';
import i18n from '../../i18n';
import { fieldErrors, stubFetch } from '../../test/fetchStub';
import { UpgradeDialog } from './UpgradeDialog';

afterEach(() => { vi.unstubAllGlobals(); });

// The preview of the shipped v1.1.0 over an installed v1.0.0 the admin changed:
// fields added, removed and changed, an automation and a role changed, two conflicts.
const plan = {
  from: '1.0.0', to: '1.1.0',
  changes: [
    { kind: 'forms', key: 'opportunity', op: 'add', path: 'fields.budget' },
    { kind: 'forms', key: 'opportunity', op: 'remove', path: 'fields.legacy_code' },
    { kind: 'forms', key: 'opportunity', op: 'change', path: 'fields.stage.options' },
    { kind: 'forms', key: 'opportunity', op: 'change', path: 'fields.stage.label' },
    { kind: 'forms', key: 'quote', op: 'add', path: '' },
    { kind: 'automations', key: 'hot_lead', op: 'change', path: 'actions' },
    { kind: 'roles', key: 'finance', op: 'add' },
  ],
  conflicts: [
    { id: 'c1', kind: 'forms', key: 'opportunity', path: 'fields.amount.label', base: '金额', ours: '合同金额', theirs: '预计金额' },
    { id: 'c2', kind: 'automations', key: 'hot_lead', path: 'when', base: 'score > 80', ours: 'score > 90', theirs: 'score >= 85' },
  ],
};

function mount(onUpgraded = vi.fn()) {
  render(<AntApp><UpgradeDialog appId="A1" appName="商机管理" source={{ key: 'crm' }} onClose={() => undefined} onUpgraded={onUpgraded} /></AntApp>);
  return onUpgraded;
}

describe('the upgrade preview', () => {
  it('lists the field and part changes and each conflict with its three values (en)', async () => {
    await i18n.changeLanguage('en');
    const calls = stubFetch([['POST', '/apps/A1/template/preview', { body: plan }]]);
    mount();
    const p = await screen.findByTestId('upgrade-plan');
    expect(calls[0]).toEqual({ method: 'POST', path: '/apps/A1/template/preview', body: { key: 'crm' } });
    expect(within(p).getByTestId('upgrade-versions').textContent).toBe('v1.0.0 → v1.1.0');
    const fields = within(p).getAllByTestId('plan-field');
    expect(fields.map((f) => [f.getAttribute('data-field'), f.getAttribute('data-op')])).toEqual([
      ['opportunity.budget', 'add'], ['opportunity.legacy_code', 'remove'], ['opportunity.stage', 'change']]);
    expect(fields[2].textContent).toContain('changed: options, label');
    expect(within(p).getByText('Removed fields are archived with their data, never deleted.')).toBeTruthy();
    expect(within(p).getAllByTestId('plan-item').map((i) => i.getAttribute('data-item'))).toEqual(['forms.quote', 'automations.hot_lead', 'roles.finance']);
    const conflicts = within(p).getAllByTestId('conflict');
    expect(conflicts).toHaveLength(2);
    expect(within(conflicts[0]).getByTestId('conflict-base').textContent).toContain('金额');
    expect(within(conflicts[0]).getByTestId('conflict-ours').textContent).toContain('合同金额');
    expect(within(conflicts[0]).getByTestId('conflict-theirs').textContent).toContain('预计金额');
    expect(within(conflicts[1]).getByText('Automation', { exact: false })).toBeTruthy();
  });

  it('applies only once every conflict has a choice, sending each choice', async () => {
    await i18n.changeLanguage('en');
    const calls = stubFetch([
      ['POST', '/apps/A1/template/preview', { body: plan }],
      ['POST', '/apps/A1/template/upgrade', { body: { version: '1.1.0', applied: 7 } }],
    ]);
    const onUpgraded = mount();
    const p = await screen.findByTestId('upgrade-plan');
    const apply = screen.getByTestId('upgrade-apply');
    expect(apply.hasAttribute('disabled')).toBe(true);
    expect(screen.getByTestId('upgrade-left').textContent).toBe('Choose for 2 conflicts first');
    const [c1, c2] = within(p).getAllByTestId('conflict');
    fireEvent.click(within(c1).getByText('Keep mine'));
    expect(screen.getByTestId('upgrade-left').textContent).toBe('Choose for 1 conflict first');
    expect(apply.hasAttribute('disabled')).toBe(true);
    fireEvent.click(within(c2).getByText('Take template'));
    expect(screen.queryByTestId('upgrade-left')).toBeNull();
    expect(within(c1).getByTestId('conflict-ours').className).toContain('fl-tpl-picked');
    expect(within(c2).getByTestId('conflict-theirs').className).toContain('fl-tpl-picked');
    fireEvent.click(apply);
    await screen.findByText('Upgraded to v1.1.0');
    expect(calls[1]).toEqual({ method: 'POST', path: '/apps/A1/template/upgrade', body: { key: 'crm', resolutions: { c1: 'ours', c2: 'theirs' } } });
    expect(screen.getByText('7 changes applied as new versions')).toBeTruthy();
    expect(onUpgraded).toHaveBeenCalledWith({ version: '1.1.0', applied: 7 });
  });

  it('takes one side for all conflicts at once, and shows a refused upgrade per item (zh-CN)', async () => {
    await i18n.changeLanguage('zh-CN');
    const calls = stubFetch([
      ['POST', '/apps/A1/template/preview', { body: plan }],
      ['POST', '/apps/A1/template/upgrade', fieldErrors('升级未通过检查', [{ path: 'forms.opportunity.definition.fields[2].expression', message: '未知字段“amout”' }])],
    ]);
    mount();
    await screen.findByTestId('upgrade-plan');
    expect(screen.getByText('v1.0.0 → v1.1.0')).toBeTruthy();
    fireEvent.click(screen.getByTestId('conflicts-all-theirs'));
    fireEvent.click(screen.getByTestId('upgrade-apply'));
    await screen.findByTestId('upgrade-error');
    expect(calls[1].body).toEqual({ key: 'crm', resolutions: { c1: 'theirs', c2: 'theirs' } });
    expect(screen.getByTestId('upgrade-error').textContent).toContain('升级未通过检查');
    const item = screen.getByTestId('problem-item');
    expect(item.getAttribute('data-item')).toBe('forms.opportunity');
    expect(item.textContent).toContain('表单 · opportunity');
    expect(item.textContent).toContain('未知字段“amout”');
  });

  it('lists dropped roles, the form order and draft conflicts, and says the upgrade is all or nothing (en and zh-CN)', async () => {
    const rolesPlan = {
      from: '1.0.0', to: '2.0.0',
      changes: [
        { kind: 'roles', key: 'guest', op: 'remove', detail: { name: 'Guest' } },
        { kind: 'roles', key: 'shared', op: 'keep', detail: { name: 'Shared', reason: 'granted' } },
        { kind: 'app', key: 'crm', op: 'change', path: 'formOrder' },
      ],
      conflicts: [
        { id: 'r1', kind: 'roles', key: 'helper', base: { name: 'Helper' }, ours: { name: 'Helper', members: 2 }, theirs: null },
        { id: 'd1', kind: 'forms', key: 'task', path: 'draft.fields.title', base: { label: 'Task' }, ours: { label: 'Draft title' }, theirs: { label: 'Task name' } },
      ],
    };
    for (const [lang, kept, hint, draft, atomic] of [
      ['en', 'a permission set still grants it', 'Taking the template deletes this role (its members lose it). held by 2 members', 'Unpublished draft', 'all or nothing'],
      ['zh-CN', '仍有权限集授予它', '采用模板会删除此角色（持有它的成员将失去它）。 2 名成员持有', '未发布的草稿', '要么全部完成'],
    ] as const) {
      await i18n.changeLanguage(lang);
      stubFetch([['POST', '/apps/A1/template/preview', { body: rolesPlan }]]);
      const { unmount } = render(<AntApp><UpgradeDialog appId="A1" appName="CRM" formNames={{ task: '任务' }} source={{ key: 'crm' }} onClose={() => undefined} /></AntApp>);
      const p = await screen.findByTestId('upgrade-plan');
      const items = within(p).getAllByTestId('plan-item');
      expect(items.map((i) => [i.getAttribute('data-item'), i.getAttribute('data-op')])).toEqual([['roles.guest', 'remove'], ['roles.shared', 'keep'], ['app.crm', 'change']]);
      expect(items[1].textContent).toContain(kept);
      expect(within(p).getByTestId('plan-roles-removed')).toBeTruthy();
      const [role, d] = within(p).getAllByTestId('conflict');
      expect(within(role).getByTestId('conflict-role-delete').textContent).toBe(hint);
      expect(within(d).getByTestId('conflict-draft').textContent).toBe(draft);
      expect(d.textContent).toContain('fields.title');
      expect(within(p).getByTestId('plan-drafts-kept')).toBeTruthy();
      expect(within(p).getByTestId('upgrade-atomic').textContent).toContain(atomic);
      unmount();
      vi.unstubAllGlobals();
    }
  });

  it('says when there is nothing to change, and reads a plan in Go field names', async () => {
    await i18n.changeLanguage('en');
    stubFetch([['POST', '/apps/A1/template/preview', { body: { From: '1.1.0', To: '1.1.0', Changes: null, Conflicts: null } }]]);
    mount();
    await screen.findByText('Nothing to change: the app already matches this version.');
    expect(screen.getByTestId('upgrade-apply').hasAttribute('disabled')).toBe(true);
  });
});

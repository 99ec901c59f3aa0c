import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App as AntApp } from 'antd';
import i18n from '../../i18n';
import { fieldErrors, stubFetch } from '../../test/fetchStub';
import { UploadDialog } from './UploadDialog';

afterEach(() => { vi.unstubAllGlobals(); });

const bundle = { format: 1, template: { key: 'helpdesk', version: '2.0.0', name: { 'zh-CN': '工单', en: 'Help desk' } }, forms: [{ key: 'ticket' }], parts: {} };

function upload(name: string, content: string) {
  const input = screen.getByTestId('upload-dialog').querySelector('input[type=file]') as HTMLInputElement;
  fireEvent.change(input, { target: { files: [new File([content], name, { type: 'application/json' })] } });
}

function mount(onInstall = vi.fn()) {
  render(<AntApp><UploadDialog open onClose={() => undefined} onInstall={onInstall} /></AntApp>);
  return onInstall;
}

describe('uploading a template file', () => {
  it('says a file that is not JSON or not a template is not one, and checks nothing (en)', async () => {
    await i18n.changeLanguage('en');
    const calls = stubFetch([]);
    mount();
    await screen.findByTestId('upload-dialog');
    upload('notes.json', '{ not json');
    expect((await screen.findByTestId('template-file-error')).textContent).toContain('The file is not JSON');
    upload('other.json', JSON.stringify({ hello: 1 }));
    await waitFor(() => expect(screen.getByTestId('template-file-error').textContent).toBe('The file is not a Formloom template (it has no "template")'));
    expect(calls).toHaveLength(0);
    expect(screen.getByTestId('upload-install').hasAttribute('disabled')).toBe(true);
  });

  it('shows the check\'s problems per item, and installs nothing (zh-CN)', async () => {
    await i18n.changeLanguage('zh-CN');
    const calls = stubFetch([['POST', '/templates/check', fieldErrors('模板未通过检查', [
      { path: 'forms.ticket.definition.fields[0].type', message: '未知的字段类型“txt”' },
      { path: 'forms.ticket.permissions.sets[0].roles[0]', message: '未知角色“agent”' },
      { path: 'stages.ticket.stages[1].required[0]', message: '没有字段“reason”' },
      { path: 'template.version', message: '版本号格式不正确' },
    ])]]);
    const onInstall = mount();
    await screen.findByTestId('upload-dialog');
    upload('helpdesk.json', JSON.stringify(bundle));
    const list = await screen.findByTestId('template-problems');
    expect(calls).toEqual([{ method: 'POST', path: '/templates/check', body: bundle }]);
    expect(list.textContent).toContain('4 个问题');
    const items = within(list).getAllByTestId('problem-item');
    expect(items.map((i) => i.getAttribute('data-item'))).toEqual(['forms.ticket', 'stages.ticket', '']);
    expect(within(items[0]).getAllByRole('listitem')).toHaveLength(2);
    expect(items[0].textContent).toContain('definition.fields[0].type');
    expect(items[0].textContent).toContain('未知角色“agent”');
    expect(items[1].textContent).toContain('阶段流程 · ticket');
    expect(items[2].textContent).toContain('模板包');
    expect(items[2].textContent).toContain('版本号格式不正确');
    expect(screen.getByTestId('upload-install').hasAttribute('disabled')).toBe(true);
    expect(onInstall).not.toHaveBeenCalled();
  });

  it('hands a checked bundle on to install, with its summary shown (en)', async () => {
    await i18n.changeLanguage('en');
    stubFetch([['POST', '/templates/check', { body: { ok: true, summary: { key: 'helpdesk', version: '2.0.0', name: 'Help desk', counts: { forms: 1, automations: 3 } } } }]]);
    const onInstall = mount();
    await screen.findByTestId('upload-dialog');
    upload('helpdesk.json', JSON.stringify(bundle));
    const ok = await screen.findByTestId('template-checked');
    expect(ok.textContent).toContain('Help desk v2.0.0');
    expect(ok.textContent).toContain('1 form');
    expect(ok.textContent).toContain('3 automations');
    fireEvent.click(screen.getByTestId('upload-install'));
    expect(onInstall).toHaveBeenCalledWith(expect.objectContaining({ bundle, file: 'helpdesk.json' }));
  });
});

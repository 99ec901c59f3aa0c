// End-to-end journeys of issue 5, in a real browser against a real server:
// first-run setup and login, build a form with more than ten field types
// (subform, relation, formula, a show/hide rule, a submit rule), publish, fill
// with invalid then valid input, find the record with a filter, edit it, see
// its history, delete and restore it, switch language. Screenshots of the
// designer, the fill page and the data view in both languages go to e2e/out/.
// Issue 10's journey: an admin makes a role and a form's permission set in
// the browser; the member sees only their own records, never the hidden
// field (table, drawer, history, export), and is denied another's record.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureOut, frontFor, launchContext, outDir, pageErrors, runSteps, startServer } from './harness.mjs';

const EMAIL = 'admin@example.com';
const PASSWORD = 'correct horse battery';
const T = 15_000;

const server = await startServer();
let front = { url: '', close: async () => undefined };
let close = async () => undefined;
let context;
try {
  front = await frontFor(server.api);
  ({ context, close } = await launchContext('zh-CN', { viewport: { width: 1440, height: 960 } }));
} catch (e) {
  await server.stop();
  throw e;
}
ensureOut();
context.setDefaultTimeout(T);
const page = context.pages()[0] ?? await context.newPage();
// Every step fails on an uncaught error or a console error in any page it used.
const errs = pageErrors();
errs.watch(page);
// Failed API calls are logged: expected ones (validation, wrong password) help read a failure.
page.on('response', async (r) => {
  if (r.status() >= 400 && r.url().includes('/api/')) console.log(`  · ${r.request().method()} ${new URL(r.url()).pathname} → ${r.status()} ${(await r.text().catch(() => '')).slice(0, 300)}`);
});

const shot = (name) => page.screenshot({ path: join(outDir, `${name}.png`), fullPage: false });
const byTest = (id) => page.locator(`[data-testid="${id}"]`);
const expectText = async (text) => { await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible' }); };
const url = (p) => front.url + p;

async function pickOption(trigger, text) {
  await trigger.click();
  const opt = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: text }).first();
  await opt.waitFor({ state: 'visible' });
  await opt.click();
}

async function addField(type, label, key) {
  await byTest(`palette-${type}`).click();
  const panel = byTest('property-panel');
  await panel.waitFor();
  await byTest('prop-label').fill(label);
  if (key) await byTest('prop-key').fill(key);
}

/** loginIn signs in on the login page of p. */
async function loginIn(p, email, password) {
  if (!p.url().includes('/login')) await p.goto(url('/login'));
  await p.getByLabel('邮箱').fill(email);
  await p.getByLabel('密码').fill(password);
  await p.getByRole('button', { name: '登录' }).click();
}

/** secondSession opens another browser (its own profile) signed in as email. */
async function secondSession(email, password) {
  const s = await launchContext('zh-CN', { viewport: { width: 1280, height: 900 } });
  s.context.setDefaultTimeout(T);
  const p = s.context.pages()[0] ?? await s.context.newPage();
  errs.watch(p, `second session (${email})`);
  await loginIn(p, email, password);
  await p.waitForURL((u) => !u.pathname.startsWith('/login'));
  await p.locator('[data-testid="user-menu"]').waitFor();
  return { page: p, close: s.close };
}

/**
 * apiCall calls the API as an API client would: with a Bearer token of its
 * own login (the browser's session lives in an HttpOnly cookie no script can
 * read). Its writes are recorded with source "api".
 */
let apiToken = '';
async function apiCall(method, path, body) {
  if (!apiToken) {
    const r = await fetch(`${server.api}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }) });
    if (!r.ok) throw new Error(`API login: ${r.status} ${await r.text()}`);
    apiToken = (await r.json()).token;
  }
  const token = apiToken;
  const r = await fetch(`${server.api}/api/v1${path}`, { method, headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

let appUrl = '';
let customersId = '';
let oppId = '';
// The permissions journey: its form, records and the member's session.
const ZHANG = 'zhang@example.com';
const ZHANG_PW = 'amber falcon river';
let leadsId = '';
let adminLead = '';
let zhangLead = null;
let zhang = null;

const steps = [
  ['first-run setup creates the admin', async () => {
    const link = new URL(server.setupLink);
    await page.goto(url(link.pathname + link.search));
    await expectText('初始化 Formloom');
    await page.getByLabel('姓名').fill('王经理');
    await page.getByLabel('邮箱').fill(EMAIL);
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByLabel('确认密码').fill(PASSWORD);
    await byTest('setup-submit').click();
    await expectText('还没有应用');
  }],
  ['logout and login', async () => {
    await byTest('user-menu').hover();
    await page.getByText('退出登录').click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('邮箱').fill(EMAIL);
    await page.getByLabel('密码').fill('wrong password!!');
    await page.getByRole('button', { name: '登录' }).click();
    await byTest('login-error').waitFor();
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await expectText('还没有应用');
  }],
  ['create, rename an app; an empty or duplicate name is refused on the field', async () => {
    await byTest('new-app').click();
    // Saved empty: the field says so, and nothing rejects uncaught (the harness fails the step on that).
    await page.locator('.ant-modal').getByRole('button', { name: '保存' }).click();
    await page.locator('.ant-modal').getByText('必填').waitFor();
    await byTest('app-name').fill('销售管理');
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(/\/apps\//);
    appUrl = new URL(page.url()).pathname;
    await page.goto(url('/'));
    await byTest('app-card').first().waitFor();
    await page.getByLabel('重命名').first().click();
    await byTest('app-name').fill('商机管理');
    await page.getByRole('button', { name: '保存' }).click();
    await expectText('商机管理');
    await byTest('new-app').click();
    await byTest('app-name').fill('商机管理');
    await page.locator('.ant-modal').getByRole('button', { name: '保存' }).click();
    await page.locator('.ant-modal').getByText('已有名为“商机管理”的应用，请换一个名称').waitFor();
    await page.locator('.ant-modal').getByRole('button', { name: '取消' }).click();
    await page.locator('.ant-modal').waitFor({ state: 'hidden' });
    if ((await byTest('app-card').count()) !== 1) throw new Error('a duplicate app was created');
  }],
  ['build and publish the customers form', async () => {
    await page.goto(url(appUrl));
    await byTest('new-form').click();
    await page.locator('.ant-modal').getByRole('button', { name: '创建' }).click();
    await page.locator('.ant-modal').getByText('必填').waitFor();
    await byTest('form-name').fill('客户');
    await page.getByRole('button', { name: '创建' }).click();
    await page.waitForURL(/\/design$/);
    customersId = page.url().split('/forms/')[1].split('/')[0];
    await addField('text', '公司名称', 'company');
    await byTest('prop-required').check();
    await addField('phone', '电话', 'phone');
    await byTest('publish').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '发布' }).click();
    await expectText('已发布 v1');
    await page.goto(url(`/forms/${customersId}/fill`));
    await byTest('field-company').locator('input').fill('杭州云帆科技');
    await byTest('submit').click();
    await byTest('fill-again').waitFor();
  }],
  ['design the opportunity form: 13 field types, subform, relation, formula, rules', async () => {
    await page.goto(url(appUrl));
    await byTest('new-form').click();
    await byTest('form-name').fill('商机');
    await page.getByRole('button', { name: '创建' }).click();
    await page.waitForURL(/\/design$/);
    oppId = page.url().split('/forms/')[1].split('/')[0];
    await addField('text', '商机名称', 'title');
    await byTest('prop-required').check();
    await addField('relation', '客户', 'customer');
    await pickOption(byTest('prop-target-form'), '客户');
    await pickOption(byTest('prop-display-field'), '公司名称');
    await addField('select', '阶段', 'stage');
    await byTest('option-label-0').fill('需求确认');
    await byTest('option-label-1').fill('输单');
    await addField('textarea', '输单原因', 'lost_reason');
    // A label where the stored value is compared is refused, with the fix.
    await byTest('prop-visible-when').fill('stage == "输单"');
    await byTest('prop-visible-when-error').getByText('stage == "option_2"').waitFor();
    await byTest('prop-visible-when').fill('stage == "option_2"');
    await byTest('prop-visible-when-ok').waitFor();
    await addField('number', '单价', 'price');
    await addField('number', '数量', 'qty');
    await addField('formula', '总价', 'total');
    await byTest('prop-expression').fill('price * qty +');
    await byTest('prop-expression-error').first().waitFor();
    await expectText('第 1 行');
    // While a check is pending the verdict says so, never the previous result:
    // the check is held until the verdict has been looked at.
    let release;
    const held = new Promise((r) => { release = r; });
    await page.route('**/expressions/check', async (route) => { await held; await route.continue(); });
    await byTest('prop-expression').fill('price * qty');
    await byTest('prop-expression-checking').waitFor();
    if (await byTest('prop-expression-error').count() || await byTest('prop-expression-ok').count()) throw new Error('a stale verdict is shown while checking');
    release();
    await byTest('prop-expression-ok').waitFor();
    await page.unroute('**/expressions/check');
    if (await byTest('prop-expression-checking').count()) throw new Error('still checking after the verdict');
    await addField('money', '预计金额', 'deal_value');
    await addField('date', '预计成交', 'close_date');
    await addField('boolean', '重点商机', 'key_deal');
    await addField('email', '联系邮箱', 'contact_email');
    await addField('rating', '意向度', 'intent');
    await addField('subform', '产品明细', 'items');
    await byTest('subform-add').click();
    await addField('multiselect', '标签', 'tags');
    await byTest('columns').getByText('2').click();
    await page.getByRole('tab', { name: '表单规则' }).click();
    await byTest('add-rule').click();
    await byTest('rule-expr-0').fill('price >= 0');
    await byTest('rule-expr-0-ok').waitFor();
    await byTest('rule-msg-zh-0').fill('单价不能为负数');
    await byTest('rule-msg-en-0').fill('The price must not be negative');
    await pickOption(byTest('rule-field-0'), '单价');
    await page.getByRole('tab', { name: '字段属性' }).click();
    await byTest('save-draft').click();
    await expectText('草稿已保存');
    await shot('designer-zh');
    await byTest('publish').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '发布' }).click();
    await expectText('已发布 v1');
    await byTest('versions').click();
    await byTest('version-item').first().waitFor();
    await page.keyboard.press('Escape');
  }],
  ['fill: invalid input shows the server errors on the fields, valid input saves', async () => {
    await page.goto(url(`/forms/${oppId}/fill`));
    await byTest('field-title').locator('input').waitFor();
    await byTest('submit').click();
    await expectText('必填');
    await byTest('field-title').locator('input').fill('云帆 CRM 二期');
    await pickOption(byTest('relation-customer'), '杭州云帆科技');
    await pickOption(byTest('field-stage').locator('.ant-select'), '输单');
    await byTest('field-lost_reason').locator('textarea').fill('预算不足');
    await byTest('field-price').locator('input').fill('-5');
    await byTest('field-qty').locator('input').fill('3');
    // The formula follows the input as the user types, before any save.
    await byTest('computed-total').getByText('-15').waitFor();
    await byTest('field-contact_email').locator('input').fill('li@example.com');
    await byTest('add-row-items').click();
    await byTest('subform-row-items').locator('input').first().fill('标准版');
    await byTest('submit').click();
    await byTest('field-price').getByText('单价不能为负数').waitFor();
    await shot('fill-zh');
    await pickOption(byTest('field-stage').locator('.ant-select'), '需求确认');
    await byTest('field-lost_reason').waitFor({ state: 'detached' });
    await byTest('field-price').locator('input').fill('1200');
    await byTest('computed-total').getByText('3600').waitFor();
    await byTest('submit').click();
    await byTest('fill-again').waitFor();
  }],
  ['data view: find the record with a filter', async () => {
    await page.goto(url(`/forms/${oppId}/data`));
    await byTest('record-row').first().waitFor();
    await byTest('filter').click();
    await byTest('filter-add').click();
    await pickOption(byTest('filter-field'), '商机名称');
    await pickOption(byTest('filter-op'), '包含');
    await byTest('filter-value').fill('CRM');
    await byTest('filter-apply').click();
    await byTest('total').getByText('共 1 条').waitFor();
    await byTest('record-row').getByText('3600').waitFor();
    await shot('data-zh');
  }],
  ['edit the record and see its history', async () => {
    await byTest('record-row').first().click();
    await byTest('edit').click();
    await byTest('field-qty').locator('input').fill('5');
    await byTest('save-record').click();
    await byTest('record-view').getByText('6000').waitFor();
    await page.getByRole('tab', { name: '修改记录' }).click();
    await byTest('history-entry').nth(1).waitFor();
    await expectText('数量');
    // Related records show by their display field, in the history as in the record view.
    await byTest('history').getByText(/杭州云帆科技/).first().waitFor();
    // The browser's edit is recorded as made in the browser.
    await byTest('history-entry').first().getByText('来源：浏览器').waitFor();
    const rec = (await apiCall('POST', `/forms/${oppId}/records/query`, {})).items[0];
    const hist = await apiCall('GET', `/forms/${oppId}/records/${rec.id}/history`);
    if (!hist.items.length || hist.items.some((h) => h.source !== 'ui')) throw new Error(`history sources: ${hist.items.map((h) => h.source)}`);
  }],
  ['the session lives in an HttpOnly cookie: no script can read a token', async () => {
    const seen = await page.evaluate(() => ({
      cookie: document.cookie,
      storage: Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k)}`).join('\n'),
      session: Object.keys(sessionStorage).map((k) => `${k}=${sessionStorage.getItem(k)}`).join('\n'),
    }));
    for (const [where, text] of Object.entries(seen)) {
      if (/fls_|flt_|formloom_session|formloom\.token/.test(text)) throw new Error(`a session token is readable from ${where}: ${text}`);
    }
    const cookies = await context.cookies(front.url);
    const session = cookies.find((c) => c.name === 'formloom_session');
    if (!session || !session.httpOnly || session.sameSite !== 'Lax') throw new Error(`session cookie: ${JSON.stringify(session)}`);
  }],
  ['delete to the recycle bin and restore', async () => {
    await page.getByRole('tab', { name: '字段' }).click();
    await byTest('delete').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '删除' }).click();
    await expectText('已移入回收站');
    await byTest('bin-toggle').getByText('回收站').click();
    await byTest('record-row').first().click();
    await byTest('restore').click();
    await expectText('已恢复');
    await byTest('bin-toggle').getByText('数据').click();
    await byTest('record-row').first().waitFor();
  }],
  ['conflict: two sessions edit one record, the second save shows the newer version and overwrites nothing', async () => {
    const other = await secondSession(EMAIL, PASSWORD);
    try {
      for (const p of [page, other.page]) {
        await p.goto(url(`/forms/${oppId}/data`));
        await p.locator('[data-testid="record-row"]').first().click();
        await p.locator('[data-testid="edit"]').click();
      }
      await other.page.locator('[data-testid="field-qty"] input').fill('7');
      await other.page.locator('[data-testid="save-record"]').click();
      await other.page.locator('[data-testid="record-view"]').getByText('8400').waitFor();
      await byTest('field-qty').locator('input').fill('9');
      await byTest('save-record').click();
      await byTest('conflict').waitFor();
      await byTest('conflict').getByText('8400').waitFor();
      await page.waitForTimeout(600); // the notice scrolls into view
      await shot('conflict-zh');
      const rec = (await apiCall('POST', `/forms/${oppId}/records/query`, {})).items[0];
      if (rec.data.qty !== 7) throw new Error(`the stale save overwrote the record: qty=${rec.data.qty}`);
      await byTest('conflict-discard').click();
      await byTest('record-view').getByText('8400').waitFor();
      await page.keyboard.press('Escape');
    } finally { await other.close(); }
  }],
  ['bulk delete: selected records go to the recycle bin, per-record results', async () => {
    const ids = [];
    for (const n of [1, 2, 3]) ids.push((await apiCall('POST', `/forms/${oppId}/records`, { data: { title: `批量 ${n}`, price: n, qty: 1 } })).id);
    await page.goto(url(`/forms/${oppId}/data`));
    await byTest('record-row').filter({ hasText: '批量 3' }).waitFor();
    for (const n of [1, 2, 3]) await byTest('record-row').filter({ hasText: `批量 ${n}` }).locator('.ant-checkbox-input').check();
    await expectText('已选 3 条');
    // Someone else deletes one of them meanwhile: the others still go, and the answer says so.
    await apiCall('DELETE', `/forms/${oppId}/records/${ids[2]}`);
    await byTest('bulk-delete').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '删除' }).click();
    await expectText('2 条已移入回收站，1 条未成功');
    await byTest('record-row').filter({ hasText: '批量' }).first().waitFor({ state: 'detached' });
    const bin = await apiCall('POST', `/forms/${oppId}/records/query`, { deleted: 'only' });
    if (bin.items.filter((r) => String(r.data.title).startsWith('批量')).length !== 3) throw new Error('records missing from the recycle bin');
    const hist = await apiCall('GET', `/forms/${oppId}/records/${ids[0]}/history`);
    if (!hist.items.some((h) => h.action === 'deleted')) throw new Error('no history entry for a bulk-deleted record');
  }],
  ['export: the CSV download has the header and the record', async () => {
    await page.goto(url(`/forms/${oppId}/data`));
    await byTest('record-row').first().waitFor();
    await byTest('export').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByText('导出 CSV').click()]);
    if (!download.suggestedFilename().endsWith('.csv')) throw new Error(`download named ${download.suggestedFilename()}`);
    const text = readFileSync(await download.path(), 'utf8');
    if (!text.startsWith('\uFEFF商机名称,')) throw new Error(`CSV header: ${text.slice(0, 80)}`);
    if (!text.includes('云帆 CRM 二期')) throw new Error('the record is not in the export');
  }],
  ['import: a bad row shows its error and writes nothing; the fixed file imports', async () => {
    const bad = join(outDir, 'import-bad.csv');
    const good = join(outDir, 'import-good.csv');
    writeFileSync(bad, '商机名称,单价,数量\n导入商机甲,12,1\n导入商机乙,不是数字,2\n');
    writeFileSync(good, '商机名称,单价,数量\n导入商机甲,12,1\n导入商机乙,30,2\n');
    await page.goto(url(`/forms/${oppId}/data`));
    await byTest('import').click();
    await page.locator('.ant-modal input[type=file]').setInputFiles(bad);
    await byTest('import-check').click();
    await byTest('import-invalid').waitFor();
    await byTest('import-errors').getByText('单价').waitFor();
    await byTest('import-errors').getByRole('cell', { name: '3', exact: true }).waitFor();
    await shot('import-errors-zh');
    const none = await apiCall('POST', `/forms/${oppId}/records/query`, { filter: { field: 'title', op: 'startsWith', value: '导入商机' } });
    if (none.items.length !== 0) throw new Error('a refused import wrote records');
    await page.locator('.ant-modal input[type=file]').setInputFiles(good);
    await byTest('import-check').click();
    await byTest('import-valid').waitFor();
    await byTest('import-run').click();
    await expectText('已导入 2 条数据');
    await byTest('record-row').filter({ hasText: '导入商机乙' }).waitFor();
    const two = await apiCall('POST', `/forms/${oppId}/records/query`, { filter: { field: 'title', op: 'startsWith', value: '导入商机' } });
    if (two.items.length !== 2) throw new Error(`imported ${two.items.length} records`);
    const hist = await apiCall('GET', `/forms/${oppId}/records/${two.items[0].id}/history`);
    if (hist.items[0].source !== 'import') throw new Error(`history source ${hist.items[0].source}`);
  }],
  ['members admin: add a member, disable, enable, reset the password', async () => {
    await page.goto(url('/admin/members'));
    await byTest('new-member').click();
    await byTest('member-name').fill('李四');
    await byTest('member-email').fill('li@example.com');
    await byTest('member-password').fill('first password');
    await page.locator('.ant-modal').getByRole('button', { name: '保存' }).click();
    await byTest('member-disable-li@example.com').waitFor();
    const li = await secondSession('li@example.com', 'first password');
    try {
      await byTest('member-disable-li@example.com').click();
      await expectText('停用针对整个账号');
      await byTest('member-disable-ok').click();
      await byTest('member-disabled').waitFor();
      await shot('members-zh');
      await li.page.reload();
      await li.page.waitForURL(/\/login/);
      await loginIn(li.page, 'li@example.com', 'first password');
      await li.page.locator('[data-testid="login-error"]').waitFor();
      await byTest('member-enable-li@example.com').click();
      await byTest('member-disabled').waitFor({ state: 'detached' });
      await byTest('member-reset-li@example.com').click();
      await byTest('reset-password').fill('short');
      await byTest('reset-confirm').fill('short');
      await byTest('reset-ok').click();
      await expectText('至少 8 个字符');
      await byTest('reset-password').fill('second password');
      await byTest('reset-confirm').fill('second password');
      await shot('members-reset-zh');
      await byTest('reset-ok').click();
      await expectText('密码已修改');
      await loginIn(li.page, 'li@example.com', 'first password');
      await li.page.locator('[data-testid="login-error"]').waitFor();
      await loginIn(li.page, 'li@example.com', 'second password');
      await li.page.waitForURL((u) => !u.pathname.startsWith('/login'));
      await li.page.locator('[data-testid="user-menu"]').getByText('李四').waitFor();
    } finally { await li.close(); }
  }],
  ['API tokens: create (shown once), use, revoke', async () => {
    await byTest('nav-tokens').click();
    await expectText('还没有 API 令牌');
    await byTest('new-token').click();
    await byTest('token-name').fill('ERP 集成');
    await byTest('token-create-ok').click();
    await expectText('它只显示这一次');
    const secret = (await byTest('token-secret').innerText()).trim();
    if (!secret.startsWith('flt_')) throw new Error(`not a token: ${secret}`);
    await page.waitForTimeout(400); // let the dialog finish opening
    await shot('tokens-zh');
    const ok = await fetch(`${server.api}/api/v1/apps`, { headers: { Authorization: `Bearer ${secret}` } });
    if (ok.status !== 200) throw new Error(`the new token does not work: ${ok.status}`);
    await byTest('token-shown-ok').click();
    await byTest('token-row-ERP 集成').waitFor();
    await byTest('token-secret').waitFor({ state: 'detached' });
    if ((await page.locator('body').innerText()).includes(secret)) throw new Error('the secret is shown again');
    await byTest('token-revoke-ERP 集成').click();
    await byTest('token-revoke-ok').click();
    await expectText('令牌已撤销');
    await byTest('token-row-ERP 集成').waitFor({ state: 'detached' });
    const gone = await fetch(`${server.api}/api/v1/apps`, { headers: { Authorization: `Bearer ${secret}` } });
    if (gone.status !== 401) throw new Error(`a revoked token still works: ${gone.status}`);
  }],
  ['workspaces: create one, switch to it and back', async () => {
    await byTest('workspace-switch').click();
    await byTest('workspace-new').click();
    await byTest('workspace-name').fill('华东分公司');
    await byTest('workspace-create-ok').click();
    await byTest('workspace-switch').getByText('华东分公司').waitFor();
    await expectText('还没有应用');
    await byTest('workspace-switch').click();
    await shot('workspaces-zh');
    await byTest('workspace-item-我的团队').click();
    await byTest('workspace-switch').getByText('我的团队').waitFor();
    await byTest('app-card').first().waitFor();
    await page.goto(url(`/forms/${oppId}/data`));
    await byTest('record-row').first().waitFor();
  }],
  ['invitations: adding an existing account invites it; it joins only by accepting, and can be turned off here', async () => {
    await byTest('workspace-switch').click();
    await byTest('workspace-item-华东分公司').click();
    await byTest('workspace-switch').getByText('华东分公司').waitFor();
    await page.goto(url('/admin/members'));
    await byTest('new-member').click();
    await byTest('member-name').fill('冒名');
    await byTest('member-email').fill('li@example.com');
    await byTest('member-password').fill('password');
    await page.locator('.ant-modal').getByRole('button', { name: '保存' }).click();
    await expectText('最常见的密码');
    await byTest('member-password').fill('violet staple orbit');
    await page.locator('.ant-modal').getByRole('button', { name: '保存' }).click();
    await expectText('已向账号本人发出邀请');
    if (await byTest('member-edit-li@example.com').count() !== 0) throw new Error('an invited account is listed as a member before accepting');
    const li = await secondSession('li@example.com', 'second password');
    try {
      await li.page.locator('[data-testid="user-menu"]').hover();
      await li.page.locator('[data-testid="nav-invitations"]').click();
      await li.page.locator('[data-testid="invitation-华东分公司"]').waitFor();
      await li.page.locator('[data-testid="invitation-accept"]').click();
      await li.page.getByText('你已加入 华东分公司').first().waitFor();
    } finally { await li.close(); }
    await page.reload();
    await byTest('member-edit-li@example.com').waitFor();
    await expectText('李四');
    await byTest('member-off-li@example.com').click();
    await byTest('member-off-ok').click();
    await byTest('member-off').waitFor();
    await shot('members-invited-zh');
    await byTest('workspace-switch').click();
    await byTest('workspace-item-我的团队').click();
    await byTest('workspace-switch').getByText('我的团队').waitFor();
    await page.goto(url(`/forms/${oppId}/data`));
    await byTest('record-row').first().waitFor();
  }],
  // Issue 10: roles and permission sets, configured in the browser, followed by every record screen.
  ['permissions (1): the admin creates the role 销售, removes the default set of a form, adds "add and manage my own data" for 销售 with a field hidden, and gives a new member the role', async () => {
    const appId = appUrl.split('/apps/')[1];
    const f = await apiCall('POST', `/apps/${appId}/forms`, { name: '线索', definition: { columns: 1, fields: [
      { key: 'name', type: 'text', label: '线索名称', required: true },
      { key: 'note', type: 'text', label: '内部备注' },
      { key: 'amount', type: 'number', label: '预计金额' },
    ] } });
    leadsId = f.id;
    await apiCall('POST', `/forms/${leadsId}/publish`, { version: f.version });
    adminLead = (await apiCall('POST', `/forms/${leadsId}/records`, { data: { name: '管理员线索', note: '机密备注-ADMIN', amount: 100 } })).id;

    // The role.
    await page.goto(url('/'));
    await byTest('nav-roles').click();
    await byTest('roles-page').waitFor();
    await expectText('还没有角色');
    await byTest('new-role').click();
    await byTest('role-save').click();
    await page.locator('.ant-modal').getByText('必填').waitFor();
    await byTest('role-name').fill('销售');
    await byTest('role-description').fill('销售代表');
    await byTest('role-save').click();
    await byTest('role-销售').waitFor();
    await shot('roles-zh');

    // The member, with the role.
    await page.goto(url('/admin/members'));
    await byTest('new-member').click();
    await byTest('member-name').fill('张三');
    await byTest('member-email').fill(ZHANG);
    await byTest('member-password').fill(ZHANG_PW);
    await page.locator('.ant-modal').getByRole('button', { name: '保存' }).click();
    await byTest(`member-access-${ZHANG}`).click();
    await pickOption(byTest('access-roles'), '销售');
    await shot('members-access-zh');
    await byTest('access-ok').click();
    await expectText('已保存 张三 的角色与应用');
    await byTest(`member-roles-${ZHANG}`).getByText('销售').waitFor();

    // A role in use cannot be deleted, and the answer says why.
    await page.goto(url('/admin/roles'));
    await byTest('role-销售').locator('[data-testid="role-delete"]').click();
    await byTest('role-delete-ok').click();
    await byTest('role-problem').getByText('仍在使用中').waitFor();

    // The form's permissions: reachable from the app's form list.
    await page.goto(url(appUrl));
    await byTest('form-item').filter({ hasText: '线索' }).locator('[data-testid="form-permissions"]').click();
    await byTest('permissions-page').waitFor();
    await byTest('perm-set-name').getByText('全部成员 · 管理全部数据').waitFor();
    await byTest('set-delete').click();
    await byTest('set-delete-ok').click();
    await byTest('perm-empty').waitFor();
    await byTest('add-set').click();
    await byTest('preset-manage_own').click();
    await byTest('set-editor').waitFor();
    // The preset's rows: the owner is the current user, shown with the data view's filter builder.
    await byTest('set-rows').getByText('所有者').waitFor();
    await byTest('set-rows').getByText('当前用户').waitFor();
    if (!(await byTest('act-record.edit').isChecked())) throw new Error('the preset does not grant edit');
    if (await byTest('act-record.export').isChecked()) throw new Error('the preset grants export');
    await byTest('act-record.export').check();
    await byTest('fv-note').uncheck();
    if (await byTest('fe-note').isChecked()) throw new Error('a hidden field is still editable');
    await pickOption(byTest('grant-roles'), '销售');
    await shot('permission-set-zh');
    await byTest('set-save').click();
    await byTest('set-editor').waitFor({ state: 'hidden' });
    await byTest('perm-set-name').getByText('添加并管理本人数据').waitFor();
    await byTest('perm-set').getByText('适用于：销售').waitFor();
    const saved = await apiCall('GET', `/forms/${leadsId}/permissions`);
    const set = saved.sets[0];
    if (saved.sets.length !== 1 || set.fields.note !== 'hidden' || !set.grants.some((g) => g.kind === 'role') || set.rows?.field !== 'ownedBy' || set.rows?.value !== '$me'
      || !set.actions.includes('record.export')) throw new Error(`stored permissions: ${JSON.stringify(saved)}`);

    // Someone else saves meanwhile: the editor says so and keeps the changes; after a reload they save.
    await byTest('set-edit').click();
    await byTest('set-editor').waitFor();
    await apiCall('PUT', `/forms/${leadsId}/permissions/sets/${set.id}`, { set: { ...set, name: '销售的线索' }, version: saved.version });
    await byTest('set-name').fill('销售本人线索');
    await byTest('set-save').click();
    await byTest('set-conflict').waitFor();
    await shot('permission-conflict-zh');
    await byTest('set-conflict').getByRole('button', { name: '重新加载' }).click();
    await byTest('set-conflict').waitFor({ state: 'detached' });
    await byTest('set-save').click();
    await byTest('set-editor').waitFor({ state: 'hidden' });
    await byTest('perm-set-name').getByText('销售本人线索').waitFor();
    const after = await apiCall('GET', `/forms/${leadsId}/permissions`);
    if (after.sets[0].fields.note !== 'hidden' || after.sets[0].name !== '销售本人线索') throw new Error(`after the conflict: ${JSON.stringify(after.sets[0])}`);
  }],
  ['permissions (2): the member signs in and sees only their own records', async () => {
    zhang = await secondSession(ZHANG, ZHANG_PW);
    const p = zhang.page;
    const on = (id) => p.locator(`[data-testid="${id}"]`);
    await p.goto(url(`/forms/${leadsId}/fill`));
    await on('field-name').locator('input').fill('张三的线索');
    await on('field-amount').locator('input').fill('50');
    if (await on('field-note').count()) throw new Error('the hidden field is in the fill form');
    await on('submit').click();
    await on('fill-again').waitFor();
    const mine = await apiCall('POST', `/forms/${leadsId}/records/query`, { filter: { field: 'name', op: 'eq', value: '张三的线索' } });
    zhangLead = mine.items[0];
    if (!zhangLead) throw new Error('the member\'s record is not stored');
    // The admin writes the hidden field on the member's record: its value and its change must stay out of their sight.
    await apiCall('PATCH', `/forms/${leadsId}/records/${zhangLead.id}`, { data: { note: '机密备注-ZHANG' }, version: zhangLead.version });
    await p.goto(url(`/forms/${leadsId}/data`));
    await on('record-row').filter({ hasText: '张三的线索' }).waitFor();
    await on('total').getByText('1 条').waitFor();
    if (await on('record-row').count() !== 1) throw new Error(`the member sees ${await on('record-row').count()} records`);
    if (await p.getByText('管理员线索').count()) throw new Error('the member sees the admin\'s record');
    // What they may not do is not offered: no import, no bulk selection, no permissions (restore is theirs: the recycle bin stays).
    await on('bin-toggle').waitFor();
    for (const id of ['import', 'data-permissions']) if (await on(id).count()) throw new Error(`the member is offered ${id}`);
    if (await p.locator('.ant-table-selection-column').count()) throw new Error('the member is offered bulk selection');
    await on('add').waitFor();
    await on('export').waitFor();
  }],
  ['permissions (3): the hidden field appears nowhere: table, column chooser, drawer, history, export', async () => {
    const p = zhang.page;
    const on = (id) => p.locator(`[data-testid="${id}"]`);
    const noSecret = async (where) => {
      const body = await p.locator('body').innerText();
      if (body.includes('内部备注') || body.includes('机密备注')) throw new Error(`the hidden field shows in ${where}`);
    };
    await noSecret('the table');
    await on('columns-button').click();
    await on('column-chooser').getByText('线索名称').waitFor();
    await noSecret('the column chooser');
    await p.keyboard.press('Escape');
    await on('record-row').filter({ hasText: '张三的线索' }).click();
    await on('record-view').getByText('张三的线索').waitFor();
    await on('record-owner').getByText('张三').waitFor();
    await on('edit').waitFor();
    if (await on('transfer').count()) throw new Error('the member is offered a transfer');
    await noSecret('the record drawer');
    await on('history-tab').click();
    await on('history-entry').first().waitFor();
    await noSecret('the history');
    await p.screenshot({ path: join(outDir, 'member-history-zh.png') });
    await on('edit').click();
    await on('field-name').waitFor();
    if (await on('field-note').count()) throw new Error('the hidden field is in the edit form');
    await p.keyboard.press('Escape');
    await on('export').click();
    const [download] = await Promise.all([p.waitForEvent('download'), p.getByText('导出 CSV').click()]);
    const csv = readFileSync(await download.path(), 'utf8');
    if (!csv.includes('张三的线索')) throw new Error(`the member's export lacks their record: ${csv}`);
    if (csv.includes('内部备注') || csv.includes('机密备注')) throw new Error(`the hidden field is in the export: ${csv}`);
    if (csv.includes('管理员线索')) throw new Error(`another member's record is in the export: ${csv}`);
  }],
  ['permissions (4): another member\'s record opened by its address is denied (404, shown as not found or no access)', async () => {
    const p = zhang.page;
    const status = await p.evaluate(async ([f, r]) => (await fetch(`/api/v1/forms/${f}/records/${r}`)).status, [leadsId, adminLead]);
    if (status !== 404) throw new Error(`the API answers ${status} for another member's record, not 404`);
    await p.goto(url(`/forms/${leadsId}/data?record=${adminLead}`));
    await p.locator('[data-testid="record-denied"]').getByText('数据不存在，或你没有权限查看').waitFor();
    if (await p.getByText('管理员线索').count()) throw new Error('the denied record shows');
    await p.screenshot({ path: join(outDir, 'member-denied-zh.png') });
    // Their own record opens by its address.
    await p.goto(url(`/forms/${leadsId}/data?record=${zhangLead.id}`));
    await p.locator('[data-testid="record-view"]').getByText('张三的线索').waitFor();
    await zhang.close(); zhang = null;
  }],
  ['permissions (5): the admin still sees everything, the hidden field too, and may transfer', async () => {
    await page.goto(url(`/forms/${leadsId}/data`));
    await byTest('record-row').filter({ hasText: '管理员线索' }).waitFor();
    await byTest('record-row').filter({ hasText: '张三的线索' }).getByText('机密备注-ZHANG').waitFor();
    await byTest('total').getByText('2 条').waitFor();
    await page.locator('.ant-table-thead').getByText('内部备注').waitFor();
    await byTest('record-row').filter({ hasText: '管理员线索' }).click();
    await byTest('record-view').getByText('机密备注-ADMIN').waitFor();
    await byTest('transfer').click();
    await pickOption(byTest('transfer-owner'), '张三');
    await byTest('transfer-ok').click();
    await expectText('已转交给 张三');
    await byTest('record-owner').getByText('张三').waitFor();
    await page.keyboard.press('Escape');
    const r = await apiCall('GET', `/forms/${leadsId}/records/${adminLead}`);
    const zhangId = (await apiCall('GET', '/users')).items.find((u) => u.email === ZHANG).id;
    if (r.ownedBy !== zhangId) throw new Error(`owner after the transfer: ${r.ownedBy}`);
    // The next journeys start from the opportunities' data view.
    await page.goto(url(`/forms/${oppId}/data`));
    await byTest('record-row').first().waitFor();
  }],
  ['permissions: editing the default set of a form nobody configured keeps it as a real set', async () => {
    await page.goto(url(`/forms/${customersId}/permissions`));
    await byTest('perm-set-name').getByText('全部成员 · 管理全部数据').waitFor();
    await byTest('set-edit').click();
    await byTest('set-editor').waitFor();
    if (!(await byTest('grant-everyone').isChecked())) throw new Error('the default set is not granted to everyone');
    await byTest('act-record.import').uncheck();
    await byTest('set-name').fill('全员');
    await byTest('set-save').click();
    await byTest('set-editor').waitFor({ state: 'hidden' });
    await byTest('perm-set-name').getByText('全员').waitFor();
    const fp = await apiCall('GET', `/forms/${customersId}/permissions`);
    if (!fp.configured || fp.sets.length !== 1 || fp.sets[0].actions.includes('record.import') || !fp.sets[0].actions.includes('record.export')
      || !fp.sets[0].grants.some((g) => g.kind === 'everyone')) throw new Error(`after editing the default: ${JSON.stringify(fp)}`);
    await page.goto(url(`/forms/${oppId}/data`));
    await byTest('record-row').first().waitFor();
  }],
  ['permissions on a phone (390×844): roles, member access, the form\'s permission sets and the set editor', async () => {
    const W = 390; const H = 844;
    const s = await launchContext('zh-CN', { viewport: { width: W, height: H }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    try {
      s.context.setDefaultTimeout(T);
      const p = s.context.pages()[0] ?? await s.context.newPage();
      errs.watch(p, 'phone permissions');
      const on = (id) => p.locator(`[data-testid="${id}"]`);
      const fits = async (where) => {
        const sw = await p.evaluate(() => document.documentElement.scrollWidth);
        if (sw > W) throw new Error(`${where}: the page is ${sw} px wide, wider than the ${W} px screen`);
      };
      const inside = async (loc, what) => {
        await loc.waitFor({ state: 'visible' });
        await loc.scrollIntoViewIfNeeded();
        const deadline = Date.now() + T;
        for (;;) {
          const b = await loc.boundingBox();
          if (b && b.x >= 0 && b.x + b.width <= W + 0.5) return;
          if (Date.now() > deadline) throw new Error(`${what} is not inside the ${W} px wide screen: ${JSON.stringify(b)}`);
          await p.waitForTimeout(100);
        }
      };
      await loginIn(p, EMAIL, PASSWORD);
      await p.waitForURL((u) => !u.pathname.startsWith('/login'));
      await on('nav-toggle').click();
      await on('nav-roles').click();
      await on('roles-page').waitFor();
      await on('role-销售').waitFor();
      await fits('roles');
      await inside(on('new-role'), 'new role');
      await inside(on('role-销售').locator('[data-testid="role-delete"]'), 'delete role');
      await p.screenshot({ path: join(outDir, 'phone-roles-zh.png') });
      await p.goto(url('/admin/members'));
      await on(`member-access-${ZHANG}`).click();
      await inside(on('access-ok'), 'save access');
      await fits('member access');
      await p.screenshot({ path: join(outDir, 'phone-member-access-zh.png') });
      await p.locator('.ant-modal').getByRole('button', { name: '取消' }).click();
      await p.goto(url(`/forms/${leadsId}/permissions`));
      await on('perm-set').first().waitFor();
      await fits('permission sets');
      await inside(on('add-set'), 'add set');
      await inside(on('set-edit'), 'edit set');
      await p.screenshot({ path: join(outDir, 'phone-permissions-zh.png') });
      await on('set-edit').click();
      await on('set-editor').waitFor();
      await inside(on('act-record.view'), 'the view action');
      await inside(on('fv-note'), 'the view box of a field');
      await inside(on('fe-note'), 'the edit box of a field');
      await inside(on('set-rows').locator('[data-testid="filter-add"]'), 'add condition');
      await inside(on('grant-roles'), 'the roles picker');
      await inside(on('set-save'), 'save');
      await fits('set editor');
      await p.screenshot({ path: join(outDir, 'phone-permission-set-zh.png'), fullPage: true });
    } finally { await s.close(); }
  }],
  ['switch language: the whole UI changes and is remembered', async () => {
    await byTest('lang-switch').getByText('EN').click();
    await expectText('Recycle bin');
    await expectText('Updated');
    await page.reload();
    await expectText('Recycle bin');
    await shot('data-en');
    await page.goto(url(`/forms/${oppId}/fill`));
    await expectText('Submit');
    await shot('fill-en');
    await page.goto(url(`/forms/${oppId}/design`));
    await expectText('Save draft');
    await byTest('canvas-total').click();
    await shot('designer-en');
    await page.goto(url('/'));
    await expectText('New app');
    const body = await page.locator('body').innerText();
    const han = body.match(/[\u4e00-\u9fff]/g)?.join('') ?? '';
    // Only user data may stay Chinese.
    // The language switch names each language in itself (中文), and names are user data.
    if (han.replace(/商机管理|王经理|中文|我的团队/g, '').length > 0) throw new Error(`Chinese UI text left in English mode: ${han}`);
    await page.goto(url('/admin/members'));
    await expectText('Reset password');
    await shot('members-en');
    await page.goto(url('/settings/tokens'));
    await expectText('No API tokens yet');
    await shot('tokens-en');
  }],
  ['background work: a failing consumer makes a dead letter; the admin sees it and retries it (desktop), discards one (phone)', async () => {
    // The server runs a test-only consumer (FORMLOOM_TEST_FAILING_CONSUMER=1) that fails every one of its
    // attempts on a record holding "FAIL-ME" and succeeds on an admin's retry.
    const failing = (await apiCall('POST', `/forms/${oppId}/records`, { data: { title: 'FAIL-ME', price: 1, qty: 1 } })).id;
    await page.goto(url('/'));
    await byTest('nav-jobs').click();
    await byTest('jobs-page').waitFor();
    await expectText(/后台任务|Background work/);
    // The dead letter appears once the consumer has given up: refresh until it shows, with a deadline.
    const row = byTest('dead-letter').filter({ hasText: failing });
    const deadline = Date.now() + 30_000;
    while (!(await row.count())) {
      if (Date.now() > deadline) throw new Error(`no dead letter of record ${failing} on the screen`);
      await byTest('jobs-refresh').click();
      await row.waitFor({ timeout: 500 }).catch(() => undefined);
    }
    await row.getByText('FAIL-ME').first().waitFor();
    await byTest('consumer').filter({ hasText: 'test_failing' }).waitFor();
    await shot('jobs-zh');
    await row.locator('[data-testid="dead-letter-retry"]').click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: /重试|Retry/ }).click();
    await expectText(/已处理：死信已移除|Handled: the dead letter is removed/);
    await row.waitFor({ state: 'detached' });
    await expectText(/没有死信|No dead letters/);
    const left = await apiCall('GET', '/jobs/dead-letters');
    if (left.items.length) throw new Error(`dead letters left after the retry: ${JSON.stringify(left.items)}`);

    // On a phone: a second dead letter is a card whose buttons are on screen; it is discarded after confirmation.
    const second = (await apiCall('POST', `/forms/${oppId}/records`, { data: { title: 'FAIL-ME', price: 2, qty: 1 } })).id;
    const until = Date.now() + 30_000;
    while (!(await apiCall('GET', '/jobs/dead-letters')).items.some((d) => d.docId === second)) {
      if (Date.now() > until) throw new Error(`no dead letter of record ${second}`);
      await page.waitForTimeout(50);
    }
    const W = 390;
    const s = await launchContext('en', { viewport: { width: W, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    try {
      s.context.setDefaultTimeout(T);
      const p = s.context.pages()[0] ?? await s.context.newPage();
      errs.watch(p, 'phone jobs');
      await p.goto(url('/login'));
      await p.getByLabel(/Email|邮箱/).fill(EMAIL);
      await p.getByLabel(/Password|密码/).fill(PASSWORD);
      await p.getByRole('button', { name: /Sign in|登录/ }).click();
      await p.waitForURL((u) => !u.pathname.startsWith('/login'));
      await p.goto(url('/admin/jobs'));
      const card = p.locator('[data-testid="dead-letter"]').filter({ hasText: second });
      await card.waitFor();
      if (await p.locator('[data-testid="dead-letter"].ant-card').count() === 0) throw new Error('dead letters are not cards on a phone');
      const sw = await p.evaluate(() => document.documentElement.scrollWidth);
      if (sw > W) throw new Error(`the background-work screen is ${sw} px wide, wider than the ${W} px screen`);
      const b = await card.locator('[data-testid="dead-letter-discard"]').boundingBox();
      if (!b || b.x < 0 || b.x + b.width > W) throw new Error(`the discard button is off screen: ${JSON.stringify(b)}`);
      await p.screenshot({ path: join(outDir, 'phone-jobs.png'), fullPage: true });
      await card.locator('[data-testid="dead-letter-discard"]').click();
      await p.locator('.ant-popconfirm').getByRole('button', { name: /Discard|丢弃/ }).click();
      await card.waitFor({ state: 'detached' });
      await p.getByText(/No dead letters|没有死信/).waitFor();
    } finally { await s.close(); }
  }],
  ['phone (390×844): drawer navigation, record cards, one-column form, every key control on screen', async () => {
    const W = 390; const H = 844;
    const s = await launchContext('zh-CN', { viewport: { width: W, height: H }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    try {
      s.context.setDefaultTimeout(T);
      const p = s.context.pages()[0] ?? await s.context.newPage();
      errs.watch(p, 'phone');
      const on = (id) => p.locator(`[data-testid="${id}"]`);
      /**
       * onScreen fails unless the element comes to lie wholly inside the
       * viewport (scrolled to first when scroll is true) before the deadline:
       * drawers and menus slide in, so the position is polled, not read once.
       */
      const onScreen = async (loc, what, scroll = false) => {
        await loc.waitFor({ state: 'visible' });
        if (scroll) await loc.scrollIntoViewIfNeeded();
        const deadline = Date.now() + T;
        for (;;) {
          const b = await loc.boundingBox();
          if (b && b.x >= 0 && b.y >= 0 && b.x + b.width <= W + 0.5 && b.y + b.height <= H + 0.5) return;
          if (Date.now() > deadline) throw new Error(`${what} is not inside the ${W}×${H} viewport: ${JSON.stringify(b)}`);
          await p.waitForTimeout(100);
        }
      };
      const noSideScroll = async (where) => {
        const sw = await p.evaluate(() => document.documentElement.scrollWidth);
        if (sw > W) throw new Error(`${where}: the page is ${sw} px wide, wider than the ${W} px screen`);
      };
      await loginIn(p, EMAIL, PASSWORD);
      await p.waitForURL((u) => !u.pathname.startsWith('/login'));
      await onScreen(on('nav-toggle'), 'the navigation button');
      await noSideScroll('app list');
      await on('nav-toggle').click();
      await on('nav-drawer').waitFor();
      await onScreen(on('nav-drawer').getByText('应用', { exact: true }), 'the apps entry');
      await onScreen(on('nav-tokens'), 'the API tokens entry');
      await onScreen(on('logout'), 'logout');
      await p.screenshot({ path: join(outDir, 'phone-nav-zh.png') });
      await on('nav-drawer').getByText('应用', { exact: true }).click();
      await on('nav-drawer').waitFor({ state: 'hidden' });

      await p.goto(url(`/forms/${oppId}/data`));
      await on('record-row').first().waitFor();
      if (await p.locator('.ant-table').count()) throw new Error('the data view shows a table on a phone, not cards');
      for (const [id, what] of [['add', 'add'], ['import', 'import'], ['export', 'export'], ['filter', 'filter']]) await onScreen(on(id), what);
      await onScreen(on('record-row').first(), 'the first record card');
      await onScreen(on('pager'), 'the pager', true);
      const pager = await on('pager').boundingBox();
      if (pager.height > 40) throw new Error(`the pager wraps: ${pager.height} px high`);
      await noSideScroll('data view');
      await p.screenshot({ path: join(outDir, 'phone-data-zh.png') });
      await on('export').click();
      await onScreen(p.getByText('导出 CSV'), 'the export menu');
      await p.keyboard.press('Escape');

      // Open a record, edit it, and find its save button on screen.
      await on('record-row').filter({ hasText: '云帆 CRM 二期' }).first().click();
      await on('edit').click();
      // Saving with an error far above the save button scrolls back to it.
      await on('field-title').locator('input').fill('');
      await on('save-record').scrollIntoViewIfNeeded();
      await on('save-record').click();
      await on('field-title').getByText('必填').waitFor();
      await onScreen(on('field-title'), 'the first field with an error, scrolled to');
      await on('field-title').locator('input').fill('云帆 CRM 二期');
      await on('field-qty').locator('input').fill('4');
      await onScreen(on('save-record'), 'save', true);
      await p.screenshot({ path: join(outDir, 'phone-edit-zh.png') });
      await on('save-record').click();
      await on('record-view').getByText('4800').waitFor();
      await p.keyboard.press('Escape');

      // The fill form is one column, its submit button on screen.
      await p.goto(url(`/forms/${oppId}/fill`));
      await on('field-title').waitFor();
      const a = await on('field-title').boundingBox(); const b = await on('field-price').boundingBox();
      if (Math.abs(a.x - b.x) > 1 || b.y <= a.y) throw new Error(`the fill form is not one column: ${JSON.stringify([a, b])}`);
      await noSideScroll('fill form');
      await p.screenshot({ path: join(outDir, 'phone-fill-zh.png') });
      await onScreen(on('submit'), 'submit', true);

      // Sign out from the drawer.
      await on('nav-toggle').click();
      await on('logout').click();
      await p.waitForURL(/\/login/);
    } finally { await s.close(); }
  }],
];

// FORMLOOM_E2E_ONLY=<text> (or `node e2e/run.mjs --only <text>`) runs first-run setup, then
// only the journeys whose file name contains the text: one capability's journey, not the suite.
const onlyArg = process.argv.indexOf('--only');
const only = process.env.FORMLOOM_E2E_ONLY || (onlyArg > 0 ? process.argv[onlyArg + 1] ?? '' : '');
if (only) steps.splice(1);

// The journeys of each capability live in e2e/journeys/*.mjs, run after
// the ones above in file-name order: each module's default export takes
// the shared helpers and returns its [name, step] pairs. They start signed
// in as the admin, on a desktop viewport, in zh-CN.
const helpers = { page, url, byTest, expectText, pickOption, addField, loginIn, secondSession, apiCall, shot, launchContext, errs, server, outDir, EMAIL, PASSWORD, T };
const journeyDir = new URL('./journeys/', import.meta.url);
steps.push(['back to the admin in zh-CN on a desktop for the capability journeys', async () => {
  await page.setViewportSize({ width: 1440, height: 960 });
  await page.goto(url('/'));
  await page.evaluate(() => localStorage.setItem('formloom.lang', 'zh-CN'));
  await page.reload();
  await expectText('应用');
}]);
for (const f of readdirSync(journeyDir).filter((n) => n.endsWith('.mjs') && (!only || n.includes(only))).sort()) {
  const m = await import(new URL(f, journeyDir).href);
  steps.push(...m.default(helpers));
}

let result = { passed: 0, failed: 1 };
try {
  result = await runSteps(steps, async (name) => { await shot(`failed-${name.replace(/[^a-z0-9]+/gi, '-')}`); }, errs);
} finally {
  await zhang?.close();
  await close();
  await front.close();
  await server.stop();
}
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exit(result.failed ? 1 : 0);

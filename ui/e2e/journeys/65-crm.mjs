// The CRM journey of issue 17: the admin installs the CRM with sample data
// (through the API: journey 60 tests the gallery); a rep of the 华东 team
// and the team's head (销售经理) are sample members given a password, and
// sign in. The rep captures a lead on its fill page; the lead is scored,
// graded and assigned round-robin within the 华东 team (read on its record
// page). Its owner converts it (status 已转化, which the conversion
// automations act on): the customer, its contact and a 需求确认
// opportunity appear, linked to each other and to the lead. The owner
// moves the opportunity on its record page's stage bar: entering 方案提交
// asks for the expected close date and the contact, leaving it asks for
// the proposal, entering 输单 asks for the lost reason; each refusal shows
// its message, then the move succeeds once the field is filled. A 15 %
// discount quote goes to the head's task list; the head signs in and
// approves it. The silence alert (customers silent 7 days) scans the
// sample customers: the scan is hourly on the real clock, so the admin
// clicks "立即运行" (run now) on the rule's page, and the alerts of the
// team show in the head's alert center with their weekly counts. The
// head's 销售概览 dashboard shows the funnel, and 风险预警 the alert-rate
// charts (a chart source over alert firings). At 390 px the opportunity's
// record page with its stage bar and the risk dashboard fit the screen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoDir } from '../harness.mjs';

export default function crm({ page, url, apiCall, loginIn, launchContext, errs, server, outDir, T }) {
  const INSTALL = 60_000;
  const PW = 'crm journey pass 17';
  const REP = 'zhang.wei@example.com';
  const HEAD = 'li.na@example.com';
  const EAST = { 'zhang.wei@example.com': '张伟', 'liu.yang@example.com': '刘洋', 'huang.lei@example.com': '黄磊' };
  const stamp = Date.now().toString(36);
  const company = `旅程科技${stamp}`;
  const contactName = '周旅程';
  const phone = `139${String(Date.now()).slice(-8)}`;
  const APP = `CRM 旅程 ${stamp}`;
  const forms = {};
  const users = {};
  const sessions = {};
  let lead = null;
  let owner = '';
  let customer = null;
  let opp = null;
  let quote = null;

  /** until polls fn until it returns a truthy value, or fails after the deadline (never a fixed sleep). */
  const until = async (what, fn, ms = T) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await page.waitForTimeout(200);
    }
  };
  /** label is the zh-CN label of a select option of a CRM form, read from the template. */
  const label = (form, field, value) => {
    const def = JSON.parse(readFileSync(join(repoDir, 'templates', 'crm', 'forms', `${form}.json`), 'utf8'));
    const f = (def.definition ?? def).fields.find((x) => x.key === field);
    const o = f?.options?.find((x) => x.value === value);
    if (!o) throw new Error(`no option ${value} of ${form}.${field}`);
    return o.label;
  };
  /** session signs email in on a browser of its own (kept for the journey's later steps). */
  const session = async (email) => {
    if (sessions[email]) return sessions[email].page;
    const s = await launchContext('zh-CN', { viewport: { width: 1440, height: 960 } });
    s.context.setDefaultTimeout(T);
    const p = s.context.pages()[0] ?? await s.context.newPage();
    errs.watch(p, `crm (${email})`);
    p.on('response', async (r) => {
      if (r.status() >= 400 && r.url().includes('/api/')) console.log(`  · ${email}: ${r.request().method()} ${new URL(r.url()).pathname} → ${r.status()} ${(await r.text().catch(() => '')).slice(0, 300)}`);
    });
    await loginIn(p, email, PW);
    await p.waitForURL((u) => !u.pathname.startsWith('/login'));
    await p.locator('[data-testid="user-menu"]').waitFor();
    sessions[email] = { page: p, close: s.close };
    return p;
  };
  const closeAll = async () => { for (const k of Object.keys(sessions)) { await sessions[k].close(); delete sessions[k]; } };
  const query = async (form, filter) => (await apiCall('POST', `/forms/${forms[form]}/records/query`, { filter })).items ?? [];
  const pick = async (p, trigger, text, exact = false, search = false) => {
    await trigger.click();
    // search: type the text, for a picker whose list is long (a member
    // picker after the other journeys: its virtual list renders only the
    // first options).
    if (search) await p.keyboard.type(text);
    // exact: a relation's option list may also hold a longer name holding the text (商机 “<customer>-<no>”).
    const want = exact ? new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) : text;
    const opt = p.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: want }).first();
    await opt.waitFor({ state: 'visible' });
    await opt.click();
  };
  /** openRecord opens a record's page and waits for its view. */
  const openRecord = async (p, form, id) => {
    await p.goto(url(`/forms/${forms[form]}/data?record=${encodeURIComponent(id)}`));
    await p.locator('[data-testid="record-view"]').waitFor();
  };
  /** recordShows reloads the record page until its view shows every text (the automations run after the write). */
  const recordShows = async (p, form, id, texts, ms = 30_000) => until(`the ${form} record to show ${texts.join(', ')}`, async () => {
    await openRecord(p, form, id);
    const body = await p.locator('[data-testid="record-view"]').innerText();
    return texts.every((t) => body.includes(t));
  }, ms);

  const steps = [
    ['crm: the admin has the CRM with sample data', async () => {
      const t0 = Date.now();
      await apiCall('POST', '/templates/install', { key: 'crm', sampleData: true, locale: 'zh-CN', appName: APP });
      console.log(`  · CRM with sample data installed through the API in ${Date.now() - t0} ms`);
      const app = ((await apiCall('GET', '/apps')).items ?? []).find((a) => a.name === APP);
      if (!app) throw new Error(`the app ${APP} is not listed after the install`);
      const list = (await apiCall('GET', `/apps/${app.id}/forms`)).items ?? [];
      const byName = { 线索: 'lead', 客户: 'customer', 联系人: 'contact', 商机: 'opportunity', 报价: 'quote', 跟进记录: 'follow_up' };
      for (const f of list) if (byName[f.name]) forms[byName[f.name]] = f.id;
      for (const k of Object.values(byName)) if (!forms[k]) throw new Error(`the CRM has no ${k} form: ${list.map((f) => f.name)}`);
      forms.app = app.id;
      if ((await query('customer')).length < 20) throw new Error('the CRM has no sample customers');
    }],
    ['crm: a 华东 rep (销售) and the team\'s head (销售经理) are real accounts that sign in', async () => {
      const all = (await apiCall('GET', '/users')).items ?? [];
      for (const email of [...Object.keys(EAST), HEAD]) {
        const u = all.find((x) => x.email === email);
        if (!u) throw new Error(`the sample member ${email} is missing: ${all.map((x) => x.email)}`);
        users[email] = u;
        await apiCall('POST', `/users/${u.id}/password`, { password: PW });
      }
      const deps = (await apiCall('GET', '/departments')).items ?? [];
      const east = deps.find((d) => d.name === '华东销售部');
      if (!east || !(east.heads ?? []).includes(users[HEAD].id)) throw new Error(`李娜 is not the head of 华东销售部: ${JSON.stringify(east)}`);
      const p = await session(REP);
      await p.locator('[data-testid="user-menu"]').getByText('张伟').waitFor();
    }],
    ['crm: the rep captures a lead on its form; it is scored, graded and assigned within the 华东 team', async () => {
      const p = await session(REP);
      await p.goto(url(`/forms/${forms.lead}/fill`));
      const field = (k) => p.locator(`[data-testid="field-${k}"]`);
      await field('company').locator('input').fill(company);
      await field('contact_name').locator('input').fill(contactName);
      await field('phone').locator('input').fill(phone);
      await pick(p, field('region').locator('.ant-select'), label('lead', 'region', 'east'));
      await pick(p, field('source').locator('.ant-select'), label('lead', 'source', 'website'));
      await field('budget').locator('input.ant-input-number-input').fill('300000');
      await field('authority').getByText(label('lead', 'authority', 'influencer'), { exact: true }).click();
      await field('need').getByText(label('lead', 'need', 'general'), { exact: true }).click();
      await field('timeline').getByText(label('lead', 'timeline', 'm6'), { exact: true }).click();
      await p.screenshot({ path: join(outDir, 'crm-lead-fill.png') });
      await p.locator('[data-testid="submit"]').click();
      // Website 12 + budget 300 000 18 + influencer 12 + general need 10 + within 6 months 10 = 62: grade B, not A, so round-robin in 华东.
      lead = await until('the lead', async () => (await query('lead', { field: 'company', op: 'eq', value: company }))[0]);
      await until('the lead to be assigned', async () => {
        lead = (await query('lead', { field: 'company', op: 'eq', value: company }))[0];
        return lead?.data?.owner && lead.data.assigned_at;
      });
      owner = Object.keys(EAST).find((e) => users[e].id === lead.data.owner);
      if (!owner) throw new Error(`the lead went to ${lead.data.owner}, not to a 华东 rep`);
      await recordShows(p, 'lead', lead.id, ['62', 'B', EAST[owner]]);
      await p.screenshot({ path: join(outDir, 'crm-lead-scored.png') });
      console.log(`  · the lead scored 62 (B) and went to ${EAST[owner]}`);
    }],
    ['crm: its owner converts the lead; the customer, its contact and an opportunity appear, linked', async () => {
      const p = await session(owner);
      await openRecord(p, 'lead', lead.id);
      await p.locator('[data-testid="edit"]').click();
      await pick(p, p.locator('[data-testid="field-status"] .ant-select'), label('lead', 'status', 'converted'));
      await p.locator('[data-testid="save-record"]').click();
      await p.locator('[data-testid="record-view"]').getByText(label('lead', 'status', 'converted')).first().waitFor();
      customer = await until('the customer', async () => (await query('customer', { field: 'name', op: 'eq', value: company }))[0]);
      if (customer.data.source_lead !== lead.id) throw new Error(`the customer is not linked to its lead: ${JSON.stringify(customer.data)}`);
      const contact = await until('the contact', async () => (await query('contact', { field: 'customer', op: 'eq', value: customer.id }))[0]);
      if (contact.data.name !== contactName) throw new Error(`the contact is ${contact.data.name}`);
      opp = await until('the opportunity', async () => (await query('opportunity', { field: 'lead', op: 'eq', value: lead.id }))[0]);
      if (opp.data.customer !== customer.id || opp.data.stage !== 'qualify' || opp.data.owner !== users[owner].id) throw new Error(`the opportunity is not the lead's: ${JSON.stringify(opp.data)}`);
      // The lead's page names its customer; the opportunity's page names the customer and the lead's budget.
      await recordShows(p, 'lead', lead.id, [company, label('lead', 'status', 'converted')]);
      await recordShows(p, 'opportunity', opp.id, [company, '需求确认']);
      await p.screenshot({ path: join(outDir, 'crm-converted.png') });
    }],
    ['crm: the owner moves the opportunity on its stage bar; each gate shows its message, then lets it through once filled', async () => {
      const p = await session(owner);
      const on = (id) => p.locator(`[data-testid="${id}"]`);
      await openRecord(p, 'opportunity', opp.id);
      await on('record-stages').waitFor();
      await on('stage-step-qualify').and(p.locator('[data-current]')).waitFor();
      // Entering 方案提交 needs the expected close date and the contact.
      await on('stage-step-proposal').click();
      await on('stage-gate-messages').waitFor();
      await on('stage-gate-messages').getByText('预计成交日期').first().waitFor();
      await p.screenshot({ path: join(outDir, 'crm-gate-proposal.png') });
      const fill = on('stage-fill');
      const date = fill.locator('[data-testid="field-expected_close_date"] input');
      await date.click();
      await date.fill('2027-06-30');
      await date.press('Enter');
      if (await fill.locator('[data-testid="relation-contact"]').count()) await pick(p, fill.locator('[data-testid="relation-contact"]'), contactName);
      await on('stage-fill-move').click();
      await on('stage-current').getByText('方案提交').waitFor();
      // Leaving 方案提交 (into 技术交流) needs the proposal.
      await on('stage-step-tech').click();
      await on('stage-gate-messages').waitFor();
      await on('stage-gate-messages').getByText('方案').first().waitFor();
      await p.screenshot({ path: join(outDir, 'crm-gate-tech.png') });
      await on('stage-gate-messages').getByText('离开“方案提交”前须上传方案附件').waitFor();
      // The proposal is a condition, not a field to fill on the bar: the owner edits the record, then moves.
      await on('edit').click();
      await p.locator('[data-testid="field-proposal_url"] input').fill('https://example.com/crm-proposal.pdf');
      await on('save-record').click();
      await on('record-view').getByText('https://example.com/crm-proposal.pdf').waitFor();
      await on('stage-step-tech').click();
      await on('stage-move').click();
      await on('stage-current').getByText('技术交流').waitFor();
      const moved = (await query('opportunity', { field: 'lead', op: 'eq', value: lead.id }))[0];
      if (moved.data.stage !== 'tech' || !moved.data.stage_entered_at) throw new Error(`the opportunity is not in 技术交流 with its time stamped: ${JSON.stringify(moved.data)}`);
      // Entering 输单 without the lost reason is refused with its message; the deal stays open.
      await on('stage-step-lost').click();
      await on('stage-gate-messages').getByText('输单原因').first().waitFor();
      await on('stage-fill').locator('[data-testid="field-lost_reason"]').waitFor();
      await p.screenshot({ path: join(outDir, 'crm-gate-lost.png') });
      const still = (await query('opportunity', { field: 'lead', op: 'eq', value: lead.id }))[0];
      if (still.data.stage !== 'tech') throw new Error(`a refused move changed the stage to ${still.data.stage}`);
      opp = still;
    }],
    ['crm: the owner submits a 15% discount quote; it goes to the head\'s task list and the head approves it', async () => {
      const p = await session(owner);
      const field = (k) => p.locator(`[data-testid="field-${k}"]`);
      await p.goto(url(`/forms/${forms.quote}/fill`));
      await field('discount').locator('input.ant-input-number-input').waitFor();
      await pick(p, p.locator('[data-testid="relation-opportunity"]'), opp.data.name);
      await pick(p, p.locator('[data-testid="relation-customer"]'), company, true);
      if (!(await field('owner').innerText()).includes(EAST[owner])) await pick(p, field('owner').locator('.ant-select'), EAST[owner], false, true);
      // One line: ten users of the standard edition at its list price.
      await p.locator('[data-testid="add-row-items"]').click();
      // Each line's cells have test ids (field-items.<row>.<column>), and a new line starts with its columns' defaults.
      const cell = (k) => p.locator(`[data-testid="field-items.0.${k}"]`);
      const qty = cell('quantity').locator('input.ant-input-number-input');
      await qty.waitFor();
      if ((await qty.inputValue()) !== '1') throw new Error(`a new quote line's quantity starts at "${await qty.inputValue()}", not its default 1`);
      await pick(p, cell('product').locator('.ant-select'), '销售云 标准版（年）');
      await cell('unit_price').locator('input.ant-input-number-input').fill('1200');
      await qty.fill('10');
      await field('discount').locator('input.ant-input-number-input').fill('15');
      await field('discount_reason').locator('textarea').fill('战略客户首单');
      await p.locator('[data-testid="submit"]').click();
      quote = await until('the quote', async () => (await query('quote', { field: 'opportunity', op: 'eq', value: opp.id }))[0]);
      const inst = await until('the discount approval to start', async () => (await apiCall('GET', `/forms/${forms.quote}/records/${quote.id}/approvals`)).items?.[0]);
      if (inst.status !== 'running') throw new Error(`the 15% quote's approval is ${inst.status}`);
      await until('the quote to be 审批中', async () => (await query('quote', { field: 'opportunity', op: 'eq', value: opp.id }))[0]?.data?.status === 'approving');

      const h = await session(HEAD);
      await h.locator('[data-testid="nav-tasks"]').click();
      await h.waitForURL(/\/tasks/);
      const row = h.locator('[data-testid="task-row"]').filter({ hasText: '报价' }).first();
      await row.waitFor();
      await h.screenshot({ path: join(outDir, 'crm-head-inbox.png') });
      await row.locator('[data-testid="task-open"]').click();
      await h.locator('[data-testid="task-record"]').waitFor();
      await h.locator('[data-testid="task-field-discount"]').getByText('15').waitFor();
      await h.locator('[data-testid="task-comment"]').fill('同意，战略客户');
      await h.locator('[data-testid="task-approve"]').click();
      await h.getByText('已同意').first().waitFor();
      await until('the approval to be approved', async () => (await apiCall('GET', `/forms/${forms.quote}/records/${quote.id}/approvals`)).items?.[0]?.status === 'approved');
    }],
    ['crm: the silence alert scans the sample customers; the head sees the alert in the alert center', async () => {
      // Schedules run on the real clock (hourly): the admin runs the 7-day rule now, from its page.
      const list = (await apiCall('GET', `/forms/${forms.customer}/automations`)).items ?? [];
      const rule = list.find((a) => (a.name ?? a.draft?.name) === '客户 7 天未跟进');
      if (!rule) throw new Error(`no 7-day silence rule: ${list.map((a) => a.name)}`);
      const before = ((await apiCall('GET', `/alerts?rule=${rule.id}`)).items ?? []).length;
      console.log(`  · 7-day silence alerts before the scan: ${before}`);
      await page.goto(url(`/automations/${rule.id}`));
      await page.locator('[data-testid="run-now"]').click();
      await page.locator('[data-testid="run-now-ok"]').click();
      await page.locator('.ant-message').getByText('已运行').waitFor();
      await page.screenshot({ path: join(outDir, 'crm-run-now.png') });
      const alert = await until('a 7-day silence alert', async () => ((await apiCall('GET', `/alerts?state=open&rule=${rule.id}`)).items ?? [])[0], 30_000);
      // A second run now in the same period fires nothing again.
      const again = await apiCall('POST', `/automations/${rule.id}/run-now`);
      if (again.ran !== 0 || again.alreadyRun === 0) throw new Error(`a second run now in the period: ${JSON.stringify(again)}`);
      console.log(`  · first silence alert: ${alert.title}`);
      const h = await session(HEAD);
      await h.locator('[data-testid="nav-alerts"]').click();
      await h.waitForURL(/\/alerts/);
      await h.locator('[data-testid="alert-center"]').waitFor();
      // The list shows the newest 20: when the hourly scans of the other
      // rules ran meanwhile (the real clock), theirs come first. The head
      // filters by the rule, as a manager looking for it would.
      await h.locator('[data-testid="alert-filter-rule"]').click();
      await h.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: '客户 7 天未跟进' }).first().click();
      await h.locator('[data-testid="alert-item"]').filter({ hasText: '7 天未跟进' }).first().waitFor({ timeout: 30_000 });
      // The head sees the alerts of the team's customers (those whose record they may read), with their owners.
      const items = await h.locator('[data-testid="alert-item"]').count();
      const owners = await h.locator('[data-testid="alert-item"]').allInnerTexts();
      if (!owners.some((t) => Object.values(EAST).some((n) => t.includes(n)))) throw new Error(`the head's alerts name no 华东 rep: ${owners.join(' | ')}`);
      console.log(`  · the head's alert center lists ${items} open alerts`);
      // The head's weekly counts (they were empty for managers).
      await h.locator('[data-testid="alert-weekly"]').getByText('客户 7 天未跟进').waitFor();
      await h.screenshot({ path: join(outDir, 'crm-head-alerts.png') });
    }],
    ['crm: the head\'s dashboard shows the funnel', async () => {
      const h = await session(HEAD);
      const list = (await apiCall('GET', `/apps/${forms.app}/dashboards`)).items ?? [];
      const withFunnel = list.find((d) => d.charts?.some((c) => c.kind === 'funnel'));
      if (!withFunnel) throw new Error('no CRM dashboard has a funnel');
      await h.goto(url(`/apps/${forms.app}/dashboards`));
      await h.locator('[data-testid="dashboard-link"]').filter({ hasText: withFunnel.title }).click();
      await h.waitForURL(new RegExp(`/dashboards/${withFunnel.id}$`));
      const funnel = h.locator('[data-testid="funnel"]').first();
      await funnel.waitFor({ timeout: 60_000 });
      await funnel.locator('.ant-table-row').first().waitFor();
      await funnel.getByText('需求确认').first().waitFor();
      await h.screenshot({ path: join(outDir, 'crm-head-dashboard.png') });
    }],
    ['crm: the head\'s 风险预警 dashboard charts the alert rate of the team', async () => {
      const h = await session(HEAD);
      const list = (await apiCall('GET', `/apps/${forms.app}/dashboards`)).items ?? [];
      const risk = list.find((d) => d.title === '风险预警');
      if (!risk) throw new Error('no 风险预警 dashboard');
      await h.goto(url(`/dashboards/${risk.id}`));
      const rate = h.locator('[data-testid="tile-alert_rate"]');
      await rate.locator('canvas').first().waitFor({ timeout: 60_000 });
      if (await rate.locator('[data-testid="chart-error"]').count()) throw new Error(await rate.innerText());
      // Per owner and severity: the team's reps, the 7-day alerts as 提示.
      const byOwner = h.locator('[data-testid="tile-alerts_by_owner"]');
      await byOwner.getByText('提示').first().waitFor();
      const text = await byOwner.innerText();
      if (!Object.values(EAST).some((n) => text.includes(n))) throw new Error(`the alerts per owner name no 华东 rep: ${text}`);
      await h.screenshot({ path: join(outDir, 'crm-head-risk-dashboard.png') });
    }],
    ['crm: at 390 px the opportunity\'s record page with its stage bar fits the screen', async () => {
      const W = 390;
      const s = await launchContext('zh-CN', { viewport: { width: W, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
      try {
        s.context.setDefaultTimeout(T);
        const p = s.context.pages()[0] ?? await s.context.newPage();
        errs.watch(p, 'phone crm');
        await loginIn(p, owner, PW);
        await p.waitForURL((u) => !u.pathname.startsWith('/login'));
        await openRecord(p, 'opportunity', opp.id);
        const bar = p.locator('[data-testid="stage-bar"]');
        await bar.waitFor();
        await p.locator('[data-testid="stage-current"]').getByText('技术交流').waitFor();
        const sw = await p.evaluate(() => document.documentElement.scrollWidth);
        if (sw > W) throw new Error(`the record page is ${sw} px wide, wider than the ${W} px screen`);
        const b = await bar.boundingBox();
        if (!b || b.x < 0 || b.x + b.width > W + 0.5) throw new Error(`the stage bar is not inside the screen: ${JSON.stringify(b)}`);
        await p.screenshot({ path: join(outDir, 'crm-phone-record.png') });
        // The risk dashboard with its alert charts, as the head, stacks on the phone.
        const list = (await apiCall('GET', `/apps/${forms.app}/dashboards`)).items ?? [];
        const risk = list.find((d) => d.title === '风险预警');
        const hs = await launchContext('zh-CN', { viewport: { width: W, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
        try {
          hs.context.setDefaultTimeout(T);
          const hp = hs.context.pages()[0] ?? await hs.context.newPage();
          errs.watch(hp, 'phone crm head');
          await loginIn(hp, HEAD, PW);
          await hp.waitForURL((u) => !u.pathname.startsWith('/login'));
          await hp.goto(url(`/dashboards/${risk.id}`));
          await hp.locator('[data-testid="tile-alert_rate"] canvas').first().waitFor({ timeout: 60_000 });
          const hw = await hp.evaluate(() => document.documentElement.scrollWidth);
          if (hw > W) throw new Error(`the risk dashboard is ${hw} px wide, wider than the ${W} px screen`);
          await hp.screenshot({ path: join(outDir, 'crm-phone-risk-dashboard.png') });
        } finally { await hs.close(); }
      } finally { await s.close(); await closeAll(); }
    }],
  ];
  // A failing step also shows the screens of the journey's own browsers (the runner shoots the admin's).
  return steps.map(([name, fn]) => [name, async () => {
    try { await fn(); } catch (e) {
      for (const [email, s] of Object.entries(sessions)) await s.page.screenshot({ path: join(outDir, `failed-crm-${email.split('@')[0]}.png`) }).catch(() => undefined);
      throw e;
    }
  }]);
}

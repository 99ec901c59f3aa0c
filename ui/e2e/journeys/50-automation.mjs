// Journey of the automations (issue 12, section 9 and its e2e test): an
// admin, with the forms 商机 (a select 阶段 … 赢单) and 合同 made through the
// API, builds in the designer the automation "when 阶段 changes to 赢单,
// create a 合同 record from the deal and notify the owner", publishes it,
// moves a deal to 赢单 in the record drawer, and sees the new 合同 record and
// the notification in the bell (from the notify capability). The run is in
// the execution log and on the record. A dry run on another deal shows what
// would happen, and nothing is written. The replay dialog previews. An
// alert rule raises an alert that the alert center shows, counts and
// acknowledges. Then the same screens on a 390 px phone.
import { join } from 'node:path';

export default function automationJourney({ page, url, byTest, expectText, pickOption, apiCall, shot, outDir, T }) {
  let appId = '';
  let dealsId = '';
  let contractsId = '';
  let autoId = '';
  let dealA = '';
  let dealB = '';

  /** until polls fn until it returns a truthy value, or fails after the deadline (never a fixed sleep). */
  const until = async (what, fn, ms = T) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await page.waitForTimeout(150);
    }
  };
  const contracts = async () => (await apiCall('POST', `/forms/${contractsId}/records/query`, { limit: 50 })).items ?? [];
  const noSideScroll = async (what) => {
    const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    if (w[0] > w[1] + 1) throw new Error(`${what} scrolls sideways at ${w[1]} px: ${w[0]} px wide`);
  };

  return [
    ['automation (1): the forms 商机 and 合同 exist (made through the API)', async () => {
      const app = await apiCall('POST', '/apps', { name: '销售自动化' });
      appId = app.id;
      const deals = await apiCall('POST', `/apps/${appId}/forms`, { name: '商机', definition: { columns: 1, fields: [
        { key: 'title', type: 'text', label: '商机名称', required: true },
        { key: 'stage', type: 'select', label: '阶段', display: 'radio', options: [
          { value: 'lead', label: '初步接洽' }, { value: 'quote', label: '方案报价' }, { value: 'won', label: '赢单' }, { value: 'lost', label: '输单' }] },
        { key: 'amount', type: 'number', label: '金额' },
      ] } });
      dealsId = deals.id;
      await apiCall('POST', `/forms/${dealsId}/publish`, { version: deals.version });
      const c = await apiCall('POST', `/apps/${appId}/forms`, { name: '合同', definition: { columns: 1, fields: [
        { key: 'name', type: 'text', label: '合同名称', required: true },
        { key: 'amount', type: 'number', label: '金额' },
        { key: 'deal', type: 'text', label: '来源商机' },
      ] } });
      contractsId = c.id;
      await apiCall('POST', `/forms/${contractsId}/publish`, { version: c.version });
      dealA = (await apiCall('POST', `/forms/${dealsId}/records`, { data: { title: '云帆 CRM 三期', stage: 'quote', amount: 120000 } })).id;
      dealB = (await apiCall('POST', `/forms/${dealsId}/records`, { data: { title: '星河 ERP', stage: 'lead', amount: 56000 } })).id;
    }],

    ['automation (2): from the data view to the form\'s automations; a new one opens the designer', async () => {
      await page.goto(url(`/forms/${dealsId}/data`));
      await byTest('record-row').first().waitFor();
      await byTest('data-automations').click();
      await page.waitForURL(/\/automations$/);
      await expectText('还没有自动化');
      await byTest('new-automation').click();
      // An empty name is refused on the field.
      await byTest('new-automation-ok').click();
      await page.locator('.ant-modal').getByText('必填').waitFor();
      await byTest('new-automation-name').fill('赢单生成合同');
      await byTest('new-automation-ok').click();
      await page.waitForURL(/\/automations\/[^/]+$/);
      autoId = new URL(page.url()).pathname.split('/').pop();
      await byTest('trigger-picker').waitFor();
    }],

    ['automation (3): trigger "阶段 changes", the condition checked live, a wrong one marked', async () => {
      await page.locator('.fl-auto-trigger-types').getByText('字段变化时').click();
      await pickOption(byTest('trigger-fields'), '阶段');
      await page.keyboard.press('Escape');
      await byTest('condition').fill('new.stage == "won" &&');
      await byTest('condition-error').first().waitFor();
      await byTest('condition').fill('new.stage == "won"');
      await byTest('condition-ok').waitFor();
    }],

    ['automation (4): publishing with an incomplete action marks the inputs; create 合同 with a mapping and notify the owner', async () => {
      await byTest('add-action').click();
      await byTest('add-record.create').click();
      await byTest('auto-publish').click();
      await byTest('err-actions[0].config.form').waitFor();
      await byTest('design-problems').waitFor();
      // Other journeys' forms fill the picker (a virtual list): search for this app's 合同 first.
      await byTest('action-0-form').click();
      await page.keyboard.type('合同 · 销售自动化');
      const contractOption = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: '合同 · 销售自动化' }).first();
      await contractOption.waitFor();
      await contractOption.click();
      await byTest('map-same').waitFor();
      await byTest('map-same').click();
      await byTest('map-amount').waitFor();
      // 合同名称 is required in 合同: the designer says so until it is mapped.
      await byTest('err-actions[0].config.values.name').waitFor();
      await pickOption(byTest('map-add'), '合同名称');
      await byTest('map-expr-name').fill('new.title + " 合同"');
      await byTest('map-expr-name-ok').waitFor();
      await pickOption(byTest('map-add'), '来源商机');
      await byTest('map-expr-deal').fill('new.title');
      await byTest('add-action').click();
      await byTest('add-notify').click();
      await byTest('action-1-title').fill('{{title}} 已赢单');
      await byTest('action-1-body').fill('金额 {{amount}}，已生成合同');
      // A new notification goes to the record's owner by default.
      await page.locator('[data-testid="recipients"] .ant-checkbox-checked').first().waitFor();
      await shot('automation-01-designer');
    }],

    ['automation (5): publish; the automation is on', async () => {
      await byTest('auto-publish').click();
      await expectText('已发布第 1 版');
      const sw = byTest('auto-enabled');
      if ((await sw.getAttribute('aria-checked')) !== 'true') await sw.click();
      await page.locator('[data-testid="auto-enabled"][aria-checked="true"]').waitFor();
      const a = await apiCall('GET', `/automations/${autoId}`);
      if (!a.enabled || a.published !== 1) throw new Error(`automation not on: ${JSON.stringify({ enabled: a.enabled, published: a.published })}`);
    }],

    ['automation (6): moving a deal to 赢单 in the drawer creates the 合同 and notifies the owner (bell)', async () => {
      const before = (await contracts()).length;
      await page.goto(url(`/forms/${dealsId}/data?record=${dealA}`));
      await byTest('edit').click();
      await byTest('field-stage').getByText('赢单').click();
      await byTest('save-record').click();
      await byTest('record-view').getByText('赢单').waitFor();
      const made = await until('the 合同 record', async () => (await contracts()).find((r) => r.data.name === '云帆 CRM 三期 合同'));
      if ((await contracts()).length !== before + 1) throw new Error('more than one 合同 was created');
      if (made.data.amount !== 120000 || made.data.deal !== '云帆 CRM 三期') throw new Error(`the 合同 has the wrong values: ${JSON.stringify(made.data)}`);
      // The 合同 shows in its data view.
      await page.goto(url(`/forms/${contractsId}/data`));
      await byTest('record-row').filter({ hasText: '云帆 CRM 三期 合同' }).waitFor();
      // The notification arrives in the bell.
      await until('the bell to count the notification', async () => {
        await page.evaluate(() => window.dispatchEvent(new Event('focus')));
        const n = Number(await byTest('notify-bell').getAttribute('data-count'));
        return n > 0;
      });
      await byTest('notify-bell').click();
      await byTest('notify-panel').getByText('云帆 CRM 三期 已赢单').waitFor();
      await shot('automation-02-notification');
      await page.keyboard.press('Escape');
    }],

    ['automation (7): the run is in the execution log and on the record', async () => {
      await page.goto(url(`/automations/${autoId}?tab=runs`));
      await byTest('run-row').first().waitFor();
      await byTest('runs').locator('[data-testid="status-succeeded"]').first().waitFor();
      await byTest('run-row').first().click();
      await byTest('run-body').getByText('满足').first().waitFor();
      await byTest('action-result').first().waitFor();
      await page.waitForFunction(() => !document.querySelector('.ant-motion-collapse, .ant-collapse-content-inactive'));
      await shot('automation-03-log');
      await page.goto(url(`/forms/${dealsId}/data?record=${dealA}`));
      await byTest('automation-tab').click();
      await byTest('record-automations').locator('[data-testid="run-row"]').first().waitFor();
      await byTest('record-automations').getByText('赢单生成合同').first().waitFor();
      await page.keyboard.press('Escape');
    }],

    ['automation (8): a dry run on another deal shows what would happen, and writes nothing', async () => {
      const before = await contracts();
      const dealBefore = await apiCall('GET', `/forms/${dealsId}/records/${dealB}`);
      await page.goto(url(`/automations/${autoId}`));
      await byTest('open-dry-run').click();
      await byTest('dry-run').waitFor();
      await pickOption(byTest('dry-record'), '星河 ERP');
      // As stored, 星河 ERP is not won: the condition does not hold.
      await byTest('dry-run-go').click();
      await byTest('dry-result').getByText('不满足').first().waitFor();
      // Edited as a change to 赢单, it would create the 合同 and notify.
      await page.getByRole('button', { name: '作为修改前/后编辑' }).click();
      await byTest('dry-new-stage').fill('won');
      await byTest('dry-run-go').click();
      await byTest('nothing-written').waitFor();
      await byTest('dry-result').locator('[data-testid="run-condition"]').getByText('满足').waitFor();
      await byTest('dry-result').getByText('星河 ERP 合同').first().waitFor();
      await byTest('dry-result').getByText('星河 ERP 已赢单').first().waitFor();
      await shot('automation-04-dry-run');
      const after = await contracts();
      if (after.length !== before.length) throw new Error(`the dry run wrote a 合同: ${before.length} → ${after.length}`);
      const dealAfter = await apiCall('GET', `/forms/${dealsId}/records/${dealB}`);
      if (dealAfter.version !== dealBefore.version) throw new Error('the dry run changed the deal');
      await page.keyboard.press('Escape');
    }],

    ['automation (9): the replay dialog previews before it runs', async () => {
      await byTest('open-replay').click();
      await byTest('replay-preview').click();
      await byTest('replay-preview-counts').waitFor();
      await shot('automation-05-replay');
      await page.keyboard.press('Escape');
    }],

    ['automation (10): an alert rule raises an alert; the alert center shows it, counts it per week, and it is acknowledged then resolved', async () => {
      // The rule is made through the API (the designer was driven above): a critical alert when a deal's amount passes 100 000.
      const rule = await apiCall('POST', `/forms/${dealsId}/automations`, { draft: { name: '大额商机预警', trigger: { type: 'record.updated' },
        condition: 'new.amount > 100000', actions: [{ kind: 'alert.raise', config: { severity: 'critical', title: '{{title}} 金额超过 10 万' } }] } });
      await apiCall('POST', `/automations/${rule.id}/publish`, { version: rule.version });
      const deal = await apiCall('GET', `/forms/${dealsId}/records/${dealB}`);
      await apiCall('PATCH', `/forms/${dealsId}/records/${dealB}`, { data: { amount: 180000 }, version: deal.version });
      await until('the alert', async () => ((await apiCall('GET', '/alerts?state=open')).items ?? []).some((a) => a.title === '星河 ERP 金额超过 10 万'));
      await byTest('nav-alerts').click();
      await page.waitForURL(/\/alerts/);
      await byTest('alert-center').waitFor();
      await byTest('alert-filters').waitFor();
      const item = byTest('alert-item').filter({ hasText: '星河 ERP 金额超过 10 万' });
      await item.waitFor();
      await item.locator('[data-testid="alert-severity"]').getByText('严重').waitFor();
      await byTest('alert-weekly').getByText('大额商机预警').waitFor();
      await shot('automation-06-alerts');
      await item.locator('[data-testid="alert-ack"]').click();
      // The list shows open alerts: the acknowledged one leaves it.
      await item.waitFor({ state: 'detached' });
      const all = await until('the acknowledged alert', async () => ((await apiCall('GET', '/alerts')).items ?? []).find((a) => a.title === '星河 ERP 金额超过 10 万' && a.state === 'acknowledged'));
      if (all.acknowledgedBy === '') throw new Error('acknowledged without a name');
      await apiCall('POST', `/alerts/${all.id}/resolve`, { version: all.version });
      await apiCall('POST', `/automations/${rule.id}/enabled`, { enabled: false, version: (await apiCall('GET', `/automations/${rule.id}`)).version });
      // The app's list shows the automation with its trigger and last run.
      await page.goto(url(`/apps/${appId}/automations`));
      await byTest('automation-item').filter({ hasText: '赢单生成合同' }).waitFor();
      await byTest('automation-list').locator('[data-testid="status-succeeded"]').first().waitFor();
      await shot('automation-07-list');
    }],

    ['automation (11): on a 390 px phone: list, designer, dry run and alert center fit the screen', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        await page.goto(url(`/forms/${dealsId}/automations`));
        await byTest('automation-item').first().waitFor();
        await noSideScroll('automation list');
        await page.screenshot({ path: join(outDir, 'automation-phone-list.png') });
        await byTest('automation-item').first().click();
        await byTest('trigger-picker').waitFor();
        await noSideScroll('automation designer');
        await page.screenshot({ path: join(outDir, 'automation-phone-designer.png') });
        await byTest('action-card').first().scrollIntoViewIfNeeded();
        await page.screenshot({ path: join(outDir, 'automation-phone-actions.png') });
        await byTest('open-dry-run').click();
        await byTest('dry-run').waitFor();
        // The drawer fills the phone once it has slid in.
        await page.waitForFunction(() => { const w = document.querySelector('.ant-drawer-open .ant-drawer-content-wrapper'); return !!w && Math.abs(w.getBoundingClientRect().left) < 1; });
        await noSideScroll('dry-run drawer');
        await page.screenshot({ path: join(outDir, 'automation-phone-dry-run.png') });
        await page.keyboard.press('Escape');
        await page.goto(url('/alerts'));
        await byTest('alert-center').waitFor();
        await noSideScroll('alert center');
        await page.screenshot({ path: join(outDir, 'automation-phone-alerts.png') });
      } finally {
        await page.setViewportSize({ width: 1440, height: 960 });
      }
      await page.goto(url('/'));
    }],

    ['automation (12): in English: the designer, the record\'s runs and the alert center', async () => {
      await page.evaluate(() => localStorage.setItem('formloom.lang', 'en'));
      try {
        await page.goto(url(`/automations/${autoId}`));
        await byTest('trigger-picker').waitFor();
        await byTest('open-dry-run').getByText('Dry run').waitFor();
        await page.locator('.fl-auto-trigger-types').getByText('Fields changed').waitFor();
        await shot('automation-08-designer-en');
        await page.goto(url(`/forms/${dealsId}/data?record=${dealA}`));
        await byTest('automation-tab').click();
        const tab = byTest('record-automations');
        await tab.locator('[data-testid="run-row"]').filter({ hasText: '赢单生成合同' }).first().click();
        // The log names the 合同 form and its fields, and the notified member.
        await tab.locator('[data-testid="detail-values"]').getByText('合同名称').first().waitFor();
        await tab.locator('[data-testid="notice-to"]').first().waitFor();
        await shot('automation-09-record-runs-en');
        await page.keyboard.press('Escape');
        await page.goto(url('/alerts'));
        await byTest('alert-center').getByText('Alert center').waitFor();
        await shot('automation-10-alerts-en');
        // A scheduled automation runs now from its page, once per period.
        const daily = await apiCall('POST', `/forms/${dealsId}/automations`, { draft: { name: '每日提醒', trigger: { type: 'schedule', cron: '0 9 * * *' },
          actions: [{ kind: 'notify', config: { title: '每日提醒', recipients: { owner: false, roles: ['admin'] } } }] } });
        await apiCall('POST', `/automations/${daily.id}/publish`, { version: daily.version });
        await page.goto(url(`/automations/${daily.id}`));
        await byTest('run-now').getByText('Run now').click();
        await byTest('run-now-ok').click();
        await page.locator('.ant-message').getByText('Ran: 1 new').waitFor();
        await shot('automation-11-run-now-en');
        await byTest('run-now').click();
        await byTest('run-now-ok').click();
        await page.locator('.ant-message').getByText('Ran: 0 new, 1 already ran this period').waitFor();
        // The list offers it on scheduled automations only.
        await page.goto(url(`/forms/${dealsId}/automations`));
        await byTest('automation-item').filter({ hasText: '每日提醒' }).locator('[data-testid="run-now"]').waitFor();
        if (await byTest('automation-item').filter({ hasText: '赢单生成合同' }).locator('[data-testid="run-now"]').count()) throw new Error('a record trigger offers run now');
      } finally {
        await page.evaluate(() => localStorage.setItem('formloom.lang', 'zh-CN'));
        await page.goto(url('/'));
      }
    }],
  ];
}

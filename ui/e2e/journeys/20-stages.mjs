// Issue 13's stage-pipeline journey: an admin configures the stages of an
// opportunity form in the designer (方案提交 requires the proposal link, 价格谈判
// has an entry condition), first sees publishing refuse a condition without
// its message on that very input, then publishes; on a record, a move to
// 方案提交 without the link shows the gate's message and leaves the record
// unchanged (the server refuses the same move through the API); filling the
// link in place moves it; the timeline shows the change with who and when.
// At 390 px the bar scrolls inside the drawer and a condition's message shows.
import { join } from 'node:path';

export default function stages({ page, url, byTest, expectText, apiCall, shot, outDir, T }) {
  let formId = '';
  let recId = '';

  /** until polls f until it answers truthy, within the step timeout. */
  async function until(what, f) {
    const end = Date.now() + T;
    for (;;) {
      const v = await f();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  /** pick picks an option of an antd select. */
  async function pick(trigger, text) {
    await trigger.click();
    const opt = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: text }).first();
    await opt.waitFor({ state: 'visible' });
    await opt.click();
  }
  /** num is the input of an antd InputNumber by its test id (on the input or its wrapper). */
  const num = (id) => page.locator(`input[data-testid="${id}"], [data-testid="${id}"] input`).first();
  /** closeDropdown closes an open select's list by clicking the drawer's title. */
  const closeDropdown = async () => {
    await page.locator('.ant-drawer-title').click();
    await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'hidden' });
  };
  /** closeSettings closes the stage settings drawer. */
  const closeSettings = async () => {
    await page.locator('.ant-drawer-close').click();
    await byTest('stage-settings').waitFor({ state: 'hidden' });
  };
  const record = () => apiCall('GET', `/forms/${formId}/records/${recId}`);
  /** openRecord opens the record's drawer from the data view. */
  async function openRecord() {
    await page.goto(url(`/forms/${formId}/data`));
    await byTest('record-row').filter({ hasText: '云帆科技 ERP 项目' }).first().click();
    await byTest('record-stages').waitFor();
  }

  return [
    ['stages: an opportunity form without a pipeline and a record in 需求确认', async () => {
      const app = await apiCall('POST', '/apps', { name: '销售阶段' });
      const form = await apiCall('POST', `/apps/${app.id}/forms`, { name: '商机阶段', definition: { fields: [
        { key: 'title', type: 'text', label: '商机名称', required: true },
        { key: 'stage', type: 'select', label: '阶段', options: [
          { value: 'qualify', label: '需求确认' }, { value: 'proposal', label: '方案提交' }, { value: 'tech', label: '技术交流' },
          { value: 'negotiate', label: '价格谈判' }, { value: 'won', label: '赢单' }, { value: 'lost', label: '输单' }] },
        { key: 'amount', type: 'number', label: '金额' },
        { key: 'proposal_doc', type: 'text', label: '方案链接' },
        { key: 'lost_reason', type: 'textarea', label: '输单原因' },
        { key: 'entered_at', type: 'datetime', label: '进入阶段时间' },
      ] } });
      formId = form.id;
      await apiCall('POST', `/forms/${formId}/publish`, { version: form.version });
      recId = (await apiCall('POST', `/forms/${formId}/records`, { data: { title: '云帆科技 ERP 项目', stage: 'qualify' } })).id;
    }],

    ['stages: the admin sets up the pipeline in the designer; publishing shows a problem on its input', async () => {
      await page.goto(url(`/forms/${formId}/design`));
      await byTest('stages-settings').click();
      await byTest('stages-enable').click();
      await byTest('stage-list').waitFor();
      // The six options became the stages, 赢单 and 输单 marked won and lost.
      for (const v of ['qualify', 'proposal', 'tech', 'negotiate', 'won', 'lost']) await byTest(`stage-card-${v}`).waitFor();
      await pick(byTest('stages-entered-at'), '进入阶段时间');
      await byTest('stage-card-qualify').click();
      await byTest('stage-guidance-qualify').fill('确认客户的预算、决策人和时间表');
      await byTest('stage-checklist-qualify').fill('确认预算\n确认决策人');
      await num('stage-prob-qualify').fill('10');
      await byTest('stage-card-proposal').click();
      await byTest('stage-edit-proposal').waitFor();
      await pick(byTest('stage-required-proposal'), '方案链接');
      await closeDropdown();
      await num('stage-prob-proposal').fill('30');
      await byTest('stage-guidance-proposal').fill('提交书面方案并约技术交流');
      await byTest('stage-card-negotiate').click();
      await byTest('stage-cond-negotiate').fill('amount > 0');
      // The live check the designer uses for formulas.
      await byTest('stage-cond-negotiate-ok').waitFor();
      await byTest('stage-card-lost').click();
      await pick(byTest('stage-required-lost'), '输单原因');
      await closeDropdown();
      await shot('stages-designer');
      // The condition has no message yet: publishing refuses it, on that input.
      await closeSettings();
      await byTest('publish').click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: '发布' }).click();
      await byTest('stage-settings').waitFor();
      await byTest('stage-card-negotiate').click();
      await byTest('stage-problem-stages[3].message').getByText('此项为必填项').waitFor();
      await byTest('stage-msg-zh-negotiate').scrollIntoViewIfNeeded();
      await page.locator('.ant-message-notice').last().waitFor({ state: 'detached' });
      await shot('stages-designer-problem');
      await byTest('stage-msg-zh-negotiate').fill('金额必须大于 0');
      await byTest('stage-msg-en-negotiate').fill('The amount must be above 0');
      await closeSettings();
      await byTest('publish').click();
      await page.locator('.ant-popconfirm').getByRole('button', { name: '发布' }).click();
      await expectText('已发布 v2');
      const d = await apiCall('GET', `/forms/${formId}/stages`);
      const p = d.published;
      const byV = Object.fromEntries(p.stages.map((s) => [s.value, s]));
      if (p.field !== 'stage' || p.enteredAtField !== 'entered_at' || byV.proposal.required?.[0] !== 'proposal_doc' || byV.proposal.probability !== 30
        || byV.negotiate.condition !== 'amount > 0' || byV.won.flag !== 'won' || byV.lost.flag !== 'lost' || byV.qualify.checklist?.length !== 2) {
        throw new Error(`the published pipeline is not the design: ${JSON.stringify(p)}`);
      }
    }],

    ['stages: a move that misses a required field shows the gate and changes nothing; filled in place, it moves', async () => {
      await openRecord();
      await byTest('stage-step-qualify').and(page.locator('[data-current]')).waitFor();
      await byTest('stage-guidance').getByText('确认客户的预算').waitFor();
      await byTest('stage-checklist').getByText('确认决策人').waitFor();
      const before = await record();
      await byTest('stage-step-proposal').click();
      await byTest('stage-gate-messages').getByText('进入阶段“方案提交”前必须填写“方案链接”').waitFor();
      await byTest('stage-fill').locator('[data-testid="field-proposal_doc"]').waitFor();
      await shot('stages-gate');
      let after = await record();
      if (after.version !== before.version || after.data.stage !== 'qualify') throw new Error(`the record changed: ${JSON.stringify(after)}`);
      // The server's gate refuses the same move from any client.
      const refused = await apiCall('PATCH', `/forms/${formId}/records/${recId}`, { data: { stage: 'proposal' }, version: before.version }).then(() => null, (e) => e.message);
      if (!refused?.includes('422') || !refused.includes('stage_required')) throw new Error(`the API move was not refused by the gate: ${refused}`);
      after = await record();
      if (after.version !== before.version) throw new Error('the refused API move changed the record');
      await byTest('stage-fill').locator('[data-testid="field-proposal_doc"] input').fill('https://example.com/erp-proposal.pdf');
      await byTest('stage-fill-move').click();
      await page.locator('.ant-message-notice', { hasText: '已进入“方案提交”' }).waitFor();
      await byTest('stage-current').getByText('方案提交').waitFor();
      await byTest('stage-step-proposal').and(page.locator('[data-current]')).waitFor();
      await byTest('stage-days').getByText('已在本阶段 0 天').waitFor();
      after = await record();
      if (after.data.stage !== 'proposal' || after.data.proposal_doc !== 'https://example.com/erp-proposal.pdf' || !after.data.entered_at) {
        throw new Error(`the move was not stored: ${JSON.stringify(after.data)}`);
      }
      // The record view under the bar shows the new stage too.
      await byTest('record-view').getByText('方案提交').waitFor();
    }],

    ['stages: the timeline shows the change with who and when', async () => {
      await byTest('stage-timeline-open').click();
      const entry = byTest('timeline-stage').first();
      await entry.getByText('“需求确认” → “方案提交”').waitFor();
      await entry.getByText('王经理').waitFor();
      const hist = await apiCall('GET', `/forms/${formId}/records/${recId}/stages`);
      if (hist.items.length !== 1 || hist.items[0].from !== 'qualify' || hist.items[0].to !== 'proposal') throw new Error(`history: ${JSON.stringify(hist)}`);
      await byTest('record-stages').screenshot({ path: join(outDir, 'stages-record.png') });
      await shot('stages-drawer');
      await page.locator('.ant-drawer-close').click();
      await byTest('record-stages').waitFor({ state: 'hidden' });
    }],

    ['stages: at 390 px the bar scrolls in the drawer and a condition shows its message', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        // A zero amount: 价格谈判's condition (amount > 0) is false, so its own message shows.
        const cur = await record();
        await apiCall('PATCH', `/forms/${formId}/records/${recId}`, { data: { amount: 0 }, version: cur.version });
        await openRecord();
        const w = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        if (w[0] > w[1] + 1) throw new Error(`the record drawer scrolls sideways at 390 px: ${w[0]} px wide`);
        const bar = await byTest('stage-bar').boundingBox();
        if (!bar || bar.width > 390) throw new Error(`the stage bar is wider than the screen: ${JSON.stringify(bar)}`);
        // 价格谈判 needs a positive amount (the pipeline forbids skipping nothing forward).
        await byTest('stage-step-negotiate').click();
        await byTest('stage-gate-messages').getByText('金额必须大于 0').waitFor();
        await until('the drawer to settle', async () => ((await byTest('record-stages').boundingBox())?.x ?? 999) < 40);
        await page.screenshot({ path: join(outDir, 'stages-phone.png') });
        const r = await record();
        if (r.data.stage !== 'proposal') throw new Error('the refused move changed the record');
        // A move back is not allowed forward-only: the bar says so and offers no move.
        await byTest('stage-step-qualify').click();
        await byTest('stage-barred').waitFor();
        if ((await byTest('stage-move').count()) !== 0) throw new Error('a forbidden move is offered');
        await page.locator('.ant-drawer-close').click();
        await byTest('record-stages').waitFor({ state: 'hidden' });
      } finally {
        await page.setViewportSize({ width: 1440, height: 960 });
      }
    }],

    ['stages: in English the bar, the gate and the timeline read in English', async () => {
      await page.evaluate(() => localStorage.setItem('formloom.lang', 'en'));
      try {
        await openRecord();
        await byTest('record-stages').getByText('Stage', { exact: true }).waitFor();
        await byTest('stage-days').getByText('0 days in this stage').waitFor();
        await byTest('stage-step-won').click();
        // 赢单 needs nothing here but the forward rule allows it: the check passes and offers the move.
        await byTest('stage-move').getByText('Move to “赢单”').waitFor();
        await byTest('stage-step-lost').click();
        await byTest('stage-gate-messages').getByText('“输单原因” is required to enter the stage “输单”').waitFor();
        await byTest('stage-timeline-open').click();
        await byTest('timeline-stage').first().getByText('via browser').waitFor();
        await shot('stages-drawer-en');
        await page.locator('.ant-drawer-close').click();
        await byTest('record-stages').waitFor({ state: 'hidden' });
      } finally {
        await page.evaluate(() => localStorage.setItem('formloom.lang', 'zh-CN'));
        await page.reload();
      }
    }],
  ];
}

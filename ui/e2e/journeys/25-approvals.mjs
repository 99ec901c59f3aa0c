// Issue 13's approval journey: an admin designs a discount approval in the
// flow designer (a quote whose discount is over 10% goes to the head of the
// submitter's department; the cost is hidden from that node), seeing the
// designer mark a node with problems first; a sales rep submits a quote at
// 15%; the head signs in, sees the task in the inbox (with its count),
// opens it without the hidden cost, approves with a comment and a hand
// signature; both the head
// and the rep see the decision in the record's approval timeline; a quote at
// 5% skips approval. Screenshots at desktop and at 390 px.
import { join } from 'node:path';

const HEAD = 'li.manager@example.com';
const HEAD_PW = 'copper kettle morning';
const REP = 'zhao.rep@example.com';
const REP_PW = 'violet harbor seven';

export default function approvals({ page, url, byTest, expectText, secondSession, apiCall, shot, outDir, T }) {
  let appId = '';
  let quotesId = '';
  let headId = '';
  let repId = '';
  let firstQuote = '';
  let rep = null;

  /** pickIn picks an option of an antd select inside page p. */
  async function pickIn(p, trigger, text) {
    await trigger.click();
    const opt = p.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: text }).first();
    await opt.waitFor({ state: 'visible' });
    await opt.click();
  }
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
  /** noSideScroll fails when page p scrolls sideways (a 390 px layout that breaks). */
  async function noSideScroll(p, what) {
    const w = await p.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    if (w[0] > w[1] + 1) throw new Error(`${what} scrolls sideways at ${w[1]} px: ${w[0]} px wide`);
  }
  /** submitQuote fills and submits the quote form as the signed-in rep. */
  async function submitQuote(p, title, discount) {
    await p.goto(url(`/forms/${quotesId}/fill`));
    await p.locator('[data-testid="field-title"] input').fill(title);
    await p.locator('[data-testid="field-amount"] input').fill('200000');
    await p.locator('[data-testid="field-discount"] input').fill(String(discount));
    await p.locator('[data-testid="field-cost"] input').fill('150000');
    await p.locator('[data-testid="submit"]').click();
    await p.getByText('提交成功').first().waitFor();
  }
  const recordOf = async (title) => (await apiCall('POST', `/forms/${quotesId}/records/query`, { filter: { field: 'title', op: 'eq', value: title } })).items[0];

  return [
    ['approvals: a sales department with its head and a rep, and a published quote form', async () => {
      const dep = await apiCall('POST', '/departments', { name: '华东销售部' });
      await apiCall('POST', '/users', { email: HEAD, name: '李经理', password: HEAD_PW, role: 'member', departments: [dep.id] });
      await apiCall('POST', '/users', { email: REP, name: '赵销售', password: REP_PW, role: 'member', departments: [dep.id] });
      const users = await apiCall('GET', '/users');
      const list = Array.isArray(users) ? users : users.items;
      headId = list.find((u) => u.email === HEAD).id;
      repId = list.find((u) => u.email === REP).id;
      await apiCall('PUT', `/departments/${dep.id}/heads`, { heads: [headId], version: dep.version });
      const app = await apiCall('POST', '/apps', { name: '报价管理' });
      appId = app.id;
      const form = await apiCall('POST', `/apps/${appId}/forms`, { name: '报价单', definition: { fields: [
        { key: 'title', type: 'text', label: '报价名称', required: true },
        { key: 'amount', type: 'number', label: '报价金额' },
        { key: 'discount', type: 'percent', label: '折扣' },
        { key: 'cost', type: 'number', label: '成本价' },
        { key: 'note', type: 'textarea', label: '审批备注' },
      ] } });
      quotesId = form.id;
      await apiCall('POST', `/forms/${quotesId}/publish`, { version: form.version });
    }],

    ['approvals: the admin designs the discount approval; the designer marks a node with problems', async () => {
      await page.goto(url(`/apps/${appId}`));
      await byTest('form-flow').click();
      await page.waitForURL(/\/flow$/);
      await byTest('flow-canvas').waitFor();
      // The new flow is start → department head → end; a condition goes in after the start.
      await byTest('flow-node-start').click();
      await byTest('add-node').click();
      await byTest('add-condition').click();
      await byTest('node-settings').waitFor();
      await byTest('node-name').fill('折扣判断');
      // Checked now, the condition (one branch, no condition, no default) is marked.
      await byTest('flow-validate').click();
      await until('the condition node to be marked', async () => (await page.locator('.fl-flow-node-bad [data-testid="node-problem-count"]').count()) > 0);
      await byTest('node-problems').waitFor();
      await shot('approvals-designer-problems');
      // Over 10% to the head; otherwise straight to the end.
      await byTest('branch-when-0').fill('discount > 0.1');
      await byTest('branch-when-0-ok').waitFor();
      await byTest('branch-label-0').fill('超过 10%');
      await pickIn(page, byTest('branch-add'), '结束');
      await byTest('branch-default-1').check();
      await until('the condition node to be fixed', async () => (await byTest('node-problems').count()) === 0);
      // The approver: the head of the submitter's department, without the cost.
      await page.locator('[data-testid^="flow-node-approver"]').first().click();
      await byTest('node-name').fill('部门负责人审批');
      if ((await byTest('assignee-kind-0').innerText()).trim() !== '部门负责人') throw new Error('the approver is not the department head');
      await byTest('fa-cost-hidden').check();
      await byTest('fa-note-edit').check();
      await byTest('flow-name').fill('折扣审批');
      await byTest('flow-validate').click();
      await expectText('流程检查通过');
      await page.locator('.ant-message-notice', { hasText: '问题待修改' }).waitFor({ state: 'detached' });
      await shot('approvals-designer');
      await byTest('flow-publish').click();
      await byTest('flow-publish-ok').click();
      await byTest('flow-published').getByText('已发布 v1').waitFor();
      const flows = await apiCall('GET', `/forms/${quotesId}/flows`);
      const flow = (Array.isArray(flows) ? flows : flows.items)[0];
      const cond = flow.draft.edges.find((e) => e.condition);
      if (!flow.startOnCreate || cond?.condition !== 'discount > 0.1') throw new Error(`the stored flow is not the design: ${JSON.stringify(flow)}`);
      const approver = flow.draft.nodes.find((n) => n.kind === 'approver');
      if (approver.fields.cost !== 'hidden' || approver.assignees[0].kind !== 'head') throw new Error(`the approver's settings are not stored: ${JSON.stringify(approver)}`);
    }],

    ['approvals: the designer reads as an outline at 390 px', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      try {
        await page.reload();
        await byTest('flow-outline').waitFor();
        await noSideScroll(page, 'the flow designer');
        await page.locator('[data-testid^="outline-approver"] button').click();
        await byTest('node-settings').waitFor();
        await byTest('field-grid').waitFor();
        // The drawer slides in: shoot once it is in place.
        await until('the settings drawer to open', async () => ((await byTest('node-settings').boundingBox())?.x ?? 999) < 40);
        await page.screenshot({ path: join(outDir, 'approvals-designer-phone-settings.png') });
        await page.keyboard.press('Escape');
        await byTest('node-settings').waitFor({ state: 'hidden' });
        await page.screenshot({ path: join(outDir, 'approvals-designer-phone.png') });
      } finally { await page.setViewportSize({ width: 1440, height: 960 }); }
    }],

    ['approvals: the rep submits a quote at 15%; it waits for the head', async () => {
      rep = await secondSession(REP, REP_PW);
      await submitQuote(rep.page, '云帆 CRM 报价', 15);
      const rec = await until('the quote', () => recordOf('云帆 CRM 报价'));
      firstQuote = rec.id;
      const inst = await until('the approval to start', async () => (await apiCall('GET', `/forms/${quotesId}/records/${firstQuote}/approvals`)).items?.[0]);
      if (inst.status !== 'running' || inst.initiator !== repId) throw new Error(`the approval did not start as the rep's: ${JSON.stringify(inst)}`);
    }],

    ['approvals: the head sees the task in the inbox, without the hidden cost, and approves with a comment', async () => {
      const head = await secondSession(HEAD, HEAD_PW);
      const p = head.page;
      try {
        await p.locator('[data-testid="nav-tasks-count"]').getByText('1').waitFor();
        await p.locator('[data-testid="nav-tasks"]').click();
        await p.locator('[data-testid="task-row"]').first().waitFor();
        await p.screenshot({ path: join(outDir, 'approvals-inbox.png') });
        await p.locator('[data-testid="task-open"]').first().click();
        await p.locator('[data-testid="task-record"]').waitFor();
        await p.locator('[data-testid="task-field-discount"]').getByText('15').waitFor();
        if (await p.locator('[data-testid="task-field-cost"]').count()) throw new Error('the hidden cost is shown to the head');
        if (await p.locator('[data-testid="task-drawer"]').getByText('成本价').count()) throw new Error('the hidden cost\'s label is shown to the head');
        const body = await p.locator('[data-testid="task-drawer"]').innerText();
        if (body.includes('150000') || body.includes('150,000')) throw new Error('the hidden cost\'s value is shown to the head');
        // Rejecting needs a comment: the drawer says so and nothing is decided.
        await p.locator('[data-testid="task-reject"]').click();
        await p.locator('[data-testid="task-comment-error"]').waitFor();
        await p.locator('[data-testid="field-note"] textarea').fill('客户为战略客户');
        await p.locator('[data-testid="task-comment"]').fill('同意，折扣在授权范围内');
        // A hand signature, drawn on the signature field's pad.
        await p.locator('[data-testid="task-sign"]').check();
        const pad = await p.locator('[data-testid="signature-canvas"]').boundingBox();
        await p.mouse.move(pad.x + 30, pad.y + 80);
        await p.mouse.down();
        for (const [dx, dy] of [[60, -40], [120, 30], [180, -20], [240, 40]]) await p.mouse.move(pad.x + 30 + dx, pad.y + 80 + dy, { steps: 4 });
        await p.mouse.up();
        await p.locator('[data-testid="signature-done"]').click();
        await p.locator('[data-testid="task-signature"]').waitFor();
        await p.screenshot({ path: join(outDir, 'approvals-task.png') });
        await p.locator('[data-testid="task-approve"]').click();
        await p.getByText('已同意').first().waitFor();
        await p.locator('[data-testid="inbox-empty"]').waitFor();
        await until('the nav count to clear', async () => (await p.locator('[data-testid="nav-tasks-count"]').count()) === 0);
        // The done box has it; its timeline shows the decision.
        await p.locator('[data-testid="box-done"]').click();
        await p.locator('[data-testid="task-open"]').first().click();
        await p.locator('[data-testid="approval-comment"]').getByText('同意，折扣在授权范围内').waitFor();
        await p.locator('[data-testid="task-status"]').getByText('已同意').waitFor();
      } finally { await head.close(); }
      const rec = await recordOf('云帆 CRM 报价');
      if (rec.data.note !== '客户为战略客户') throw new Error(`the head's edit of an edit field is not stored: ${JSON.stringify(rec.data)}`);
      const inst = (await apiCall('GET', `/forms/${quotesId}/records/${firstQuote}/approvals`)).items[0];
      if (inst.status !== 'approved') throw new Error(`the approval is ${inst.status}, not approved`);
    }],

    ['approvals: the rep sees the decision in the record\'s approval timeline (desktop and 390 px)', async () => {
      const p = rep.page;
      await p.goto(url(`/forms/${quotesId}/data`));
      await p.locator('[data-testid="record-row"]').first().click();
      await p.locator('[data-testid="approvals-tab"]').click();
      await p.locator('[data-testid="approval-status"]').getByText('已通过').waitFor();
      await p.locator('[data-testid="approval-comment"]').getByText('同意，折扣在授权范围内').waitFor();
      await p.locator('[data-testid="approval-decision"]').getByText('同意').waitFor();
      await p.locator('[data-testid="approval-signature"]').getByText('已手写签名').waitFor();
      await p.locator('[data-testid="approval-timeline"]').getByText('李经理').first().waitFor();
      await p.screenshot({ path: join(outDir, 'approvals-timeline.png') });
      await p.setViewportSize({ width: 390, height: 844 });
      await p.goto(url('/tasks?box=started'));
      await p.locator('[data-testid="instance-row"]').first().waitFor();
      await noSideScroll(p, 'the inbox');
      await p.screenshot({ path: join(outDir, 'approvals-inbox-phone.png') });
      await p.locator('[data-testid="instance-row"] button').first().click();
      await p.locator('[data-testid="approval-timeline"]').waitFor();
      await until('the drawer to slide in', async () => ((await p.locator('[data-testid="approval-timeline"]').boundingBox())?.x ?? 999) < 40);
      await noSideScroll(p, 'the approval timeline');
      await p.screenshot({ path: join(outDir, 'approvals-timeline-phone.png') });
    }],

    ['approvals: a quote at 5% skips approval', async () => {
      await submitQuote(rep.page, '小额报价', 5);
      const rec = await until('the second quote', () => recordOf('小额报价'));
      const inst = await until('its approval to finish', async () => {
        const i = (await apiCall('GET', `/forms/${quotesId}/records/${rec.id}/approvals`)).items?.[0];
        return i && i.status !== 'running' ? i : null;
      });
      if (inst.status !== 'approved') throw new Error(`the 5% quote's approval is ${inst.status}`);
      const full = await apiCall('GET', `/approvals/${inst.id}`);
      if ((full.tasks ?? []).some((t) => t.kind === 'approve')) throw new Error('the 5% quote made an approval task');
      await rep.close();
      rep = null;
    }],
  ];
}

// Temporary audit (not committed): screenshots at 1280 and 390 px in zh-CN and en.
export default function audit({ page, url, byTest, apiCall, pickOption, shot }) {
  let appId = '', formId = '', dashId = '';
  return [
    ['audit: data', async () => {
      const app = await apiCall('POST', '/apps', { name: '审计' });
      appId = app.id;
      const def = { fields: [
        { key: 'title', type: 'text', label: '名称' },
        { key: 'stage', type: 'select', label: '阶段', options: [{ value: 'new', label: '新建', color: 'blue' }, { value: 'offer', label: '报价', color: 'orange' }, { value: 'won', label: '赢单', color: 'green' }, { value: 'lost', label: '输单', color: 'red' }] },
        { key: 'amount', type: 'number', label: '金额' },
        { key: 'prob', type: 'number', label: '赢率' },
        { key: 'due', type: 'date', label: '预计成交' },
      ] };
      const f = await apiCall('POST', `/apps/${app.id}/forms`, { name: '商机', definition: def });
      formId = f.id;
      const pipeline = { field: 'stage', transitions: 'any', stages: [{ value: 'new', probability: 10 }, { value: 'offer', probability: 50 }, { value: 'won', probability: 100, flag: 'won' }, { value: 'lost', probability: 0, flag: 'lost' }] };
      const d = await apiCall('PUT', `/forms/${f.id}/stages`, { pipeline, version: f.version });
      await apiCall('POST', `/forms/${f.id}/publish`, { version: d.draftVersion });
      const now = new Date();
      const ym = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
      const stages = ['new', 'offer', 'won', 'lost'];
      for (let i = 0; i < 30; i++) {
        await apiCall('POST', `/forms/${f.id}/records`, { data: { title: `客户${i}`, stage: stages[i % 4], amount: 100 * (i + 1), prob: (i % 4) * 25, due: `${ym}-${String(1 + (i % 27)).padStart(2, '0')}` } });
      }
      const charts = [
        { id: 'm', title: '总金额', kind: 'metric', form: f.id, measures: [{ id: 'total', op: 'sum', field: 'amount' }, { id: 'n', op: 'count' }], layout: { x: 0, y: 0, w: 4, h: 2 } },
        { id: 'b', title: '各阶段', kind: 'bar', form: f.id, groupBy: [{ field: 'stage' }], measures: [{ id: 'n', op: 'count' }], layout: { x: 4, y: 0, w: 8, h: 4 } },
        { id: 'p', title: '占比', kind: 'pie', form: f.id, groupBy: [{ field: 'stage' }], measures: [{ id: 'n', op: 'count' }], layout: { x: 0, y: 2, w: 4, h: 4 } },
        { id: 'l', title: '按日', kind: 'line', form: f.id, groupBy: [{ field: 'due', bucket: 'day' }], measures: [{ id: 'n', op: 'count' }], layout: { x: 0, y: 6, w: 6, h: 4 } },
        { id: 't', title: '透视', kind: 'table', form: f.id, groupBy: [{ field: 'stage' }, { field: 'ownedBy' }], measures: [{ id: 'total', op: 'sum', field: 'amount' }, { id: 'w', label: '加权', op: 'weighted', field: 'amount', weight: 'prob', scale: 0.01 }], layout: { x: 6, y: 6, w: 6, h: 4 } },
        { id: 'f', title: '漏斗', kind: 'funnel', form: f.id, funnel: { amount: 'amount', owner: 'ownedBy' }, layout: { x: 0, y: 10, w: 12, h: 8 } },
      ];
      const db = await apiCall('POST', `/apps/${app.id}/dashboards`, { title: '审计看板', filters: [{ id: 'period', kind: 'date_range' }, { id: 'owner', kind: 'user' }, { id: 'dept', kind: 'department' }], charts });
      dashId = db.id;
    }],
    ['audit: 1280 zh', async () => {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(url(`/dashboards/${dashId}`));
      await byTest('funnel').first().waitFor();
      await page.waitForTimeout(1500);
      await shot('audit-dash-1280-zh');
      await page.goto(url(`/forms/${formId}/data`));
      await byTest('record-row').first().waitFor();
      await shot('audit-data-1280-zh');
      await byTest('layout-kanban').click();
      await byTest('board-columns').waitFor();
      await page.waitForTimeout(1000);
      await shot('audit-kanban-1280-zh');
      await byTest('layout-calendar').click();
      await byTest('calendar-month').waitFor();
      await page.waitForTimeout(800);
      await shot('audit-cal-1280-zh');
      await byTest('layout-table').click();
    }],
    ['audit: 390 and en', async () => {
      await page.evaluate(() => localStorage.setItem('formloom.lang', 'en'));
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(url(`/dashboards/${dashId}`));
      await byTest('funnel').first().waitFor();
      await page.waitForTimeout(1500);
      await shot('audit-dash-390-en');
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.reload();
      await byTest('funnel').first().waitFor();
      await page.waitForTimeout(1500);
      await shot('audit-dash-1280-en');
      await page.goto(url(`/forms/${formId}/data`));
      await byTest('record-row').first().waitFor();
      await pickOption(byTest('group-by'), '阶段');
      await byTest('group-header').first().waitFor();
      await shot('audit-grouped-1280-en');
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await byTest('group-header').first().waitFor().catch(() => undefined);
      await shot('audit-data-390-en');
      await page.evaluate(() => localStorage.setItem('formloom.lang', 'zh-CN'));
      await page.setViewportSize({ width: 1440, height: 960 });
    }],
  ];
}

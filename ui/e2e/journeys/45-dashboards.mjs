// Dashboards (issue 15): a dashboard of an app with a bar chart and a stage
// funnel added through the chart dialog, a dashboard filter that narrows
// every chart, a drill-down from a funnel stage to the records behind it,
// a chart exported as CSV and as Excel (the same headers), and the grid
// stacking at 390 px.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** xlsxText is the text of every XML part of an .xlsx file (a zip), read through its central directory. */
function xlsxText(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip file');
  let at = buf.readUInt32LE(eocd + 16);
  const n = buf.readUInt16LE(eocd + 10);
  let text = '';
  for (let i = 0; i < n; i++) {
    const method = buf.readUInt16LE(at + 10), size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28), extra = buf.readUInt16LE(at + 30), comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.subarray(at + 46, at + 46 + nameLen).toString();
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    if (name.endsWith('.xml')) text += (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    at += 46 + nameLen + extra + comment;
  }
  return text;
}

export default function dashboards({ page, url, byTest, expectText, pickOption, apiCall, shot }) {
  let appId = '';
  let formId = '';
  return [
    ['dashboards: a form with a stage pipeline and records, made through the API', async () => {
      const app = await apiCall('POST', '/apps', { name: '销售仪表盘' });
      appId = app.id;
      const def = { fields: [
        { key: 'title', type: 'text', label: '名称' },
        { key: 'stage', type: 'select', label: '阶段', options: [{ value: 'new', label: '初步接触' }, { value: 'offer', label: '报价' }, { value: 'won', label: '成交' }, { value: 'lost', label: '失败' }] },
        { key: 'amount', type: 'number', label: '金额' },
      ] };
      const f = await apiCall('POST', `/apps/${app.id}/forms`, { name: '商机', definition: def });
      formId = f.id;
      const pipeline = { field: 'stage', transitions: 'any', stages: [
        { value: 'new', probability: 10 }, { value: 'offer', probability: 50 },
        { value: 'won', probability: 100, flag: 'won' }, { value: 'lost', probability: 0, flag: 'lost' }] };
      const d = await apiCall('PUT', `/forms/${f.id}/stages`, { pipeline, version: f.version });
      await apiCall('POST', `/forms/${f.id}/publish`, { version: d.draftVersion });
      for (const [title, amount, moves] of [['华南电网', 300, ['offer', 'won']], ['云帆', 100, []], ['星河', 200, ['offer']], ['远山', 500, ['offer', 'won']], ['青松', 80, ['lost']]]) {
        let r = await apiCall('POST', `/forms/${f.id}/records`, { data: { title, stage: 'new', amount } });
        for (const to of moves) r = await apiCall('PATCH', `/forms/${f.id}/records/${r.id}`, { data: { stage: to }, version: r.version });
      }
    }],
    ['dashboards: a new dashboard from the app page', async () => {
      await page.goto(url(`/apps/${appId}`));
      await byTest('app-dashboards').click();
      await expectText('还没有仪表盘');
      await byTest('new-dashboard').click();
      await byTest('dashboard-title').fill('销售概览');
      await page.locator('.ant-modal').getByRole('button', { name: '创建' }).click();
      await page.waitForURL(/\/dashboards\//);
      await byTest('dashboard-heading').filter({ hasText: '销售概览' }).waitFor();
    }],
    ['dashboards: add a bar chart of records by stage, with a live preview', async () => {
      await byTest('add-chart').click();
      await byTest('chart-title').fill('各阶段商机');
      await pickOption(byTest('chart-group-0'), '阶段');
      await byTest('chart-preview').locator('canvas').first().waitFor();
      await shot('dashboards-chart-dialog-zh');
      await byTest('chart-save').click();
      await expectText('仪表盘已保存');
      await page.locator('[data-testid^="tile-"]').filter({ hasText: '各阶段商机' }).locator('canvas').first().waitFor();
    }],
    ['dashboards: add a stage funnel with conversion, win rate and the weighted pipeline', async () => {
      await byTest('add-chart').click();
      await byTest('chart-title').fill('销售漏斗');
      await pickOption(byTest('chart-kind'), '阶段漏斗');
      await pickOption(byTest('funnel-amount'), '金额');
      await byTest('chart-preview').getByText('赢率').first().waitFor();
      await byTest('chart-save').click();
      await expectText('仪表盘已保存');
      const funnel = byTest('funnel').first();
      await funnel.waitFor();
      // 2 won of 3 closed; weighted: new 100×10 % + offer 200×50 % = 110.
      await funnel.getByText('66.7%').first().waitFor();
      await funnel.getByText('110').first().waitFor();
      await shot('dashboards-desktop-zh');
    }],
    ['dashboards: a dashboard filter narrows every chart', async () => {
      const range = byTest('filter-period');
      await range.locator('input').first().click();
      await range.locator('input').first().fill('2001-01-01');
      await range.locator('input').nth(1).fill('2001-01-31');
      await page.keyboard.press('Enter');
      await page.locator('[data-testid^="tile-"]').filter({ hasText: '各阶段商机' }).locator('.ant-empty-description', { hasText: '暂无数据' }).waitFor();
      await shot('dashboards-filtered-zh');
      await range.hover();
      await range.locator('.ant-picker-clear').click();
      await page.locator('[data-testid^="tile-"]').filter({ hasText: '各阶段商机' }).locator('canvas').first().waitFor();
      await pickOption(byTest('filter-owner'), '王经理');
      await byTest('funnel').first().getByText('66.7%').first().waitFor();
    }],
    ['dashboards: export a chart as CSV and as Excel, with the same headers', async () => {
      for (const title of ['销售漏斗', '各阶段商机']) {
        const tile = page.locator('[data-testid^="tile-"]').filter({ hasText: title });
        const save = async (item) => {
          // The last menu closes (with its animation) before the next one opens.
          await page.waitForFunction(() => !document.querySelector('.ant-dropdown:not(.ant-dropdown-hidden)'));
          await tile.locator('[data-testid^="tile-menu-"]').click();
          const [download] = await Promise.all([page.waitForEvent('download'),
            page.locator('.ant-dropdown:not(.ant-dropdown-hidden) .ant-dropdown-menu-title-content', { hasText: item }).click()]);
          return { name: download.suggestedFilename(), body: readFileSync(await download.path()) };
        };
        const csv = await save('导出 CSV');
        if (csv.name !== `${title}.csv`) throw new Error(`download ${csv.name}`);
        const xlsx = await save('导出 Excel');
        if (xlsx.name !== `${title}.xlsx`) throw new Error(`download ${xlsx.name}`);
        const headers = csv.body.toString('utf8').replace(/^\uFEFF/, '').split('\r\n')[0].split(',');
        const sheet = xlsxText(xlsx.body);
        const missing = headers.filter((h) => !sheet.includes(`>${h}<`));
        if (headers.length < 2 || missing.length) throw new Error(`${title}: the workbook lacks the CSV's headers ${JSON.stringify(missing)} of ${JSON.stringify(headers)}`);
        console.log(`  · ${title}: CSV and Excel headers ${headers.join(' | ')}`);
      }
    }],
    ['dashboards: drill down from a funnel stage to its records', async () => {
      await byTest('funnel').first().locator('.ant-table-row', { hasText: '成交' }).click();
      await page.waitForURL((u) => u.pathname === `/forms/${formId}/data` && u.searchParams.has('filter'));
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="record-row"]').length === 2);
      await expectText('远山');
      await shot('dashboards-drill-zh');
      await page.goBack();
      await byTest('funnel').first().waitFor();
    }],
    ['dashboards: a manager adds a dashboard filter in the layout editor', async () => {
      await byTest('edit-layout').click();
      await byTest('edit-filters').click();
      await byTest('add-filter').click();
      await page.locator('.ant-modal').getByPlaceholder('名称').last().fill('签约日期');
      await page.locator('.ant-modal').getByRole('button', { name: '保存' }).click();
      await byTest('filter-f3').waitFor();
      await byTest('done-layout').click();
      await byTest('edit-layout').waitFor();
    }],
    ['dashboards: a manager renames a dashboard and limits it to a role from the list', async () => {
      await apiCall('POST', '/roles', { name: '销售经理' });
      await page.goto(url(`/apps/${appId}/dashboards`));
      await byTest('dashboard-link').filter({ hasText: '销售概览' }).waitFor();
      await byTest('dashboard-roles').filter({ hasText: '应用的所有成员可见' }).waitFor();
      await byTest('dashboard-settings').click();
      await byTest('dashboard-title').fill('销售概览（经理）');
      await pickOption(byTest('dashboard-roles-picker'), '销售经理');
      // A multiple select stays open after a pick; with many roles (the
      // whole suite has made them) its list covers the Save button.
      await page.keyboard.press('Escape');
      await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)').waitFor({ state: 'hidden' });
      await page.locator('.ant-modal').getByRole('button', { name: '保存' }).click();
      await expectText('仪表盘已保存');
      await byTest('dashboard-roles').filter({ hasText: '可见角色：销售经理' }).waitFor();
      const list = await apiCall('GET', `/apps/${appId}/dashboards`);
      const d = list.items.find((x) => x.title === '销售概览（经理）');
      if (!d || d.roles?.length !== 1 || d.charts.length !== 2 || (d.filters ?? []).length < 3) throw new Error(`saved: ${JSON.stringify(d)}`);
      await shot('dashboards-list-zh');
      await byTest('dashboard-link').filter({ hasText: '销售概览（经理）' }).click();
      await byTest('funnel').first().waitFor();
    }],
    ['dashboards: at 390 px the charts stack in one column', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await byTest('funnel').first().waitFor();
      const boxes = await page.locator('[data-testid^="tile-"]:not([data-testid^="tile-menu-"])').evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.width]; }));
      if (boxes.length !== 2 || boxes[0][0] !== boxes[1][0] || boxes[1][1] <= boxes[0][1] || boxes[0][2] > 390) throw new Error(`tiles do not stack: ${JSON.stringify(boxes)}`);
      await shot('dashboards-phone-zh');
      await page.setViewportSize({ width: 1440, height: 960 });
    }],
  ];
}

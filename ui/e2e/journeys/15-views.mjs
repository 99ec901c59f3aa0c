// The data view grows up (issue 15): colour tags for choices, a totals row
// over every matching record, quick search, group-by with counts and sums,
// column order, and a saved view opened again by its link.
export default function views({ page, url, byTest, expectText, pickOption, apiCall, shot }) {
  let formId = '';
  return [
    ['views: a form with choices and amounts, made through the API', async () => {
      const app = await apiCall('POST', '/apps', { name: '视图测试' });
      const def = { fields: [
        { key: 'title', type: 'text', label: '名称' },
        { key: 'stage', type: 'select', label: '阶段', options: [{ value: 'new', label: '新建', color: 'blue' }, { value: 'won', label: '赢单', color: 'green' }] },
        { key: 'amount', type: 'number', label: '金额' },
      ] };
      const f = await apiCall('POST', `/apps/${app.id}/forms`, { name: '机会', definition: def });
      await apiCall('POST', `/forms/${f.id}/publish`, { version: f.version });
      formId = f.id;
      for (const [title, stage, amount] of [['华南电网', 'won', 300], ['云帆', 'new', 100], ['星河', 'won', 200]]) {
        await apiCall('POST', `/forms/${f.id}/records`, { data: { title, stage, amount } });
      }
    }],
    ['views: tags, the totals row and quick search', async () => {
      await page.goto(url(`/forms/${formId}/data`));
      await byTest('record-row').first().waitFor();
      await byTest('select-tag').filter({ hasText: '赢单' }).first().waitFor();
      await byTest('total-amount').filter({ hasText: '600' }).waitFor();
      await byTest('quick-search').locator('input').fill('星河');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="record-row"]').length === 1);
      await byTest('total-amount').filter({ hasText: '200' }).waitFor();
      await byTest('quick-search').locator('input').fill('');
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="record-row"]').length === 3);
    }],
    ['views: group by stage shows counts and sums; a saved view keeps it and opens from its link', async () => {
      await pickOption(byTest('group-by'), '阶段');
      await byTest('group-header').filter({ hasText: '赢单' }).filter({ hasText: '2 条' }).filter({ hasText: '500' }).waitFor();
      await shot('views-grouped-zh');
      await byTest('view-menu').click();
      await page.locator('.ant-dropdown-menu-title-content', { hasText: '保存视图' }).click();
      await byTest('view-name').fill('按阶段');
      await page.locator('.ant-modal').getByRole('button', { name: '保存' }).click();
      await expectText('视图已保存');
      await page.waitForURL(/view=/);
      const link = page.url();
      await page.goto(url(`/forms/${formId}/data`));
      await byTest('record-row').first().waitFor();
      await page.goto(link);
      await byTest('group-header').filter({ hasText: '新建' }).waitFor();
      await pickOption(byTest('view-picker'), '全部数据');
      await byTest('record-row').first().waitFor();
    }],
    ['views: a column moved up stays in that place', async () => {
      await byTest('columns-button').click();
      await byTest('col-up-amount').click();
      await page.keyboard.press('Escape');
      // The table re-renders after the click: wait for the order (a busy
      // machine renders later than the headers are read).
      const amountFirst = () => page.waitForFunction(() => {
        const hs = [...document.querySelectorAll('.ant-table-thead th')].map((th) => th.textContent ?? '');
        const a = hs.findIndex((h) => h.includes('金额')); const s = hs.findIndex((h) => h.includes('阶段'));
        return a >= 0 && s >= 0 && a < s;
      }, null, { timeout: 15_000 }).then(() => true, () => false);
      if (!await amountFirst()) throw new Error(`金额 is not before 阶段: ${(await page.locator('.ant-table-thead th').allInnerTexts()).join(' | ')}`);
      await page.reload();
      await byTest('record-row').first().waitFor();
      if (!await amountFirst()) throw new Error(`the column order was not kept: ${(await page.locator('.ant-table-thead th').allInnerTexts()).join(' | ')}`);
      await shot('views-table-zh');
    }],
    ['views: at 390 px the cards end with the totals, and group-by shows groups of cards', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await byTest('record-row').first().waitFor();
      await byTest('total-amount').filter({ hasText: '600' }).waitFor();
      await pickOption(byTest('group-by'), '阶段');
      const won = byTest('group-header').filter({ hasText: '赢单' });
      await won.filter({ hasText: '2 条' }).waitFor();
      await won.click();
      await byTest('grouped-table').locator('[data-testid="record-row"]', { hasText: '华南电网' }).waitFor();
      if (await page.evaluate(() => document.documentElement.scrollWidth) > 391) throw new Error('the grouped view is wider than the phone');
      await shot('views-grouped-phone-zh');
      await pickOption(byTest('group-by'), '不分组');
      await page.setViewportSize({ width: 1440, height: 960 });
      await byTest('record-row').first().waitFor();
    }],
  ];
}

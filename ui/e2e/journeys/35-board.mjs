// Kanban and calendar layouts of the data view (issue 15): column counts
// and sums, a card dragged to another column persists, a drag a stage gate
// refuses shows the gate's message on the card and leaves the record as it
// was, a saved kanban view opens from its link, a record dragged to another
// day on the calendar persists, and both layouts at 390 px.
export default function board({ page, url, byTest, apiCall, shot }) {
  let formId = '';
  const ids = {};
  // The calendar opens on this month; the records fall on its 10th.
  const now = new Date();
  const ym = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  const column = (key) => page.locator(`[data-testid="board-column"][data-column="${key}"]`);
  const card = (title) => page.locator('[data-testid="board-card"]', { hasText: title });
  const head = (key) => column(key).locator('[data-testid="board-column-head"]');
  const record = (id) => apiCall('GET', `/forms/${formId}/records/${id}`);

  // drag moves the pointer in small steps, as a hand does (the board starts a drag after a few pixels).
  async function drag(from, to) {
    await from.scrollIntoViewIfNeeded();
    const a = await from.boundingBox();
    await page.mouse.move(a.x + a.width / 2, a.y + Math.min(a.height / 2, 14));
    await page.mouse.down();
    await page.mouse.move(a.x + a.width / 2 + 10, a.y + 20, { steps: 4 });
    const b = await to.boundingBox();
    await page.mouse.move(b.x + b.width / 2, b.y + Math.min(b.height / 2, 60), { steps: 12 });
    await page.mouse.move(b.x + b.width / 2 + 2, b.y + Math.min(b.height / 2, 60) + 2, { steps: 2 });
    await page.mouse.up();
  }
  async function headSays(key, count, sum) {
    await head(key).filter({ hasText: `${count} 条` }).filter({ hasText: sum }).waitFor();
  }

  return [
    ['board: a deal form with a stage pipeline (entering 输单 needs a reason), made through the API', async () => {
      const app = await apiCall('POST', '/apps', { name: '看板测试' });
      const def = {
        fields: [
          { key: 'title', type: 'text', label: '名称' },
          { key: 'stage', type: 'select', label: '阶段', options: [
            { value: 'new', label: '新建', color: 'blue' }, { value: 'qualified', label: '确认', color: 'orange' },
            { value: 'won', label: '赢单', color: 'green' }, { value: 'lost', label: '输单', color: 'red' }] },
          { key: 'amount', type: 'number', label: '金额' },
          { key: 'lost_reason', type: 'text', label: '输单原因' },
          { key: 'due', type: 'date', label: '跟进日期' },
        ],
        extensions: { stages: { field: 'stage', transitions: 'any', stages: [
          { value: 'new' }, { value: 'qualified' }, { value: 'won', flag: 'won' }, { value: 'lost', flag: 'lost', required: ['lost_reason'] }] } },
      };
      const f = await apiCall('POST', `/apps/${app.id}/forms`, { name: '商机看板', definition: def });
      await apiCall('POST', `/forms/${f.id}/publish`, { version: f.version });
      formId = f.id;
      for (const [title, stage, amount, day] of [['云帆', 'new', 100, '10'], ['星河', 'new', 200, '14'], ['华南电网', 'qualified', 300, '20'], ['北辰', 'won', 500, '21'], ['东方', null, 50, '22']]) {
        const r = await apiCall('POST', `/forms/${f.id}/records`, { data: { title, stage, amount, due: `${ym}-${day}` } });
        ids[title] = r.id;
      }
    }],
    ['board: switching to kanban shows a column per stage with its count and sum', async () => {
      await page.goto(url(`/forms/${formId}/data`));
      await byTest('record-row').first().waitFor();
      await byTest('layout-kanban').click();
      await byTest('board-columns').waitFor();
      const keys = await page.locator('[data-testid="board-column"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-column')));
      if (keys.join(',') !== 'new,qualified,won,lost,') throw new Error(`columns: ${keys.join(',')}`);
      await headSays('new', 2, '300');
      await headSays('qualified', 1, '300');
      await headSays('won', 1, '500');
      await headSays('lost', 0, '0');
      await headSays('', 1, '50');
      await column('new').locator('.ant-tag', { hasText: '新建' }).waitFor();
      await card('云帆').waitFor();
      await shot('board-kanban-zh');
    }],
    ['board: a card dragged to another column moves, and stays there after a reload', async () => {
      const before = await record(ids['云帆']);
      await drag(card('云帆'), column('qualified'));
      await page.getByText('已移至“确认”').first().waitFor();
      await column('qualified').locator('[data-testid="board-card"]', { hasText: '云帆' }).waitFor();
      await headSays('new', 1, '200');
      await headSays('qualified', 2, '400');
      const after = await record(ids['云帆']);
      if (after.data.stage !== 'qualified' || after.version !== before.version + 1) throw new Error(`not saved: ${JSON.stringify(after)}`);
      await page.reload();
      await column('qualified').locator('[data-testid="board-card"]', { hasText: '云帆' }).waitFor();
      await headSays('qualified', 2, '400');
    }],
    ['board: a drag the stage gate refuses shows its message on the card, and the record is unchanged', async () => {
      const before = await record(ids['星河']);
      await drag(card('星河'), column('lost'));
      const err = column('new').locator('[data-testid="board-card"]', { hasText: '星河' }).locator('[data-testid="card-error"]');
      await err.waitFor();
      const text = await err.innerText();
      if (!text.includes('输单原因')) throw new Error(`the card does not say what is missing: ${text}`);
      await page.getByText('未能移动').first().waitFor();
      await headSays('new', 1, '200');
      await headSays('lost', 0, '0');
      if (await column('lost').locator('[data-testid="board-card"]').count() !== 0) throw new Error('the refused card stayed in 输单');
      const after = await record(ids['星河']);
      if (after.data.stage !== 'new' || after.version !== before.version) throw new Error(`the record changed: ${JSON.stringify(after)}`);
      await shot('board-refused-zh');
    }],
    ['board: a column loads its cards 20 at a time; the header counts all of them', async () => {
      for (let i = 0; i < 23; i++) await apiCall('POST', `/forms/${formId}/records`, { data: { title: `批量${i}`, stage: 'won', amount: 10 } });
      await page.reload();
      await headSays('won', 24, '730');
      await column('won').locator('[data-testid="board-more"]').waitFor();
      const shown = () => column('won').locator('[data-testid="board-card"]').count();
      // The first page renders after its button shows (a busy machine renders later than it is counted).
      const page20 = await page.waitForFunction(() => document.querySelectorAll('[data-testid="board-column"][data-column="won"] [data-testid="board-card"]').length >= 20).then(() => true, () => false);
      if (!page20 || await shown() !== 20) throw new Error(`the column loaded ${await shown()} cards, not a page of 20`);
      // A click without scrolling: scrolled into view, the column's end loads the next page by itself and the
      // button goes away under the pointer (a click that scrolls first then waits for it until it times out).
      await column('won').locator('[data-testid="board-more"]').evaluate((b) => b.click());
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="board-column"][data-column="won"] [data-testid="board-card"]').length === 24);
      if (await column('won').locator('[data-testid="board-more"]').count() !== 0) throw new Error('"load more" stays after the last page');
    }],
    ['board: the sum field and card fields are saved with the view, which opens from its link', async () => {
      await byTest('view-menu').click();
      await page.locator('.ant-dropdown-menu-title-content', { hasText: '保存视图' }).click();
      await byTest('view-name').fill('销售看板');
      await page.locator('.ant-modal').getByRole('button', { name: '保存' }).click();
      await page.getByText('视图已保存').first().waitFor();
      await page.waitForURL(/view=/);
      const link = page.url();
      const views = await apiCall('GET', `/forms/${formId}/views`);
      const v = views.items.find((x) => x.name === '销售看板');
      if (v?.config?.layout !== 'kanban' || v.config.kanban?.field !== 'stage' || v.config.kanban?.sumField !== 'amount') throw new Error(`saved: ${JSON.stringify(v?.config)}`);
      await byTest('layout-table').click();
      await byTest('record-row').first().waitFor();
      await page.goto(link);
      await byTest('board-columns').waitFor();
      await headSays('qualified', 2, '400');
    }],
    ['calendar: the month shows a record on its date; dragged to another day it stays there', async () => {
      // Back to all records (the kanban view would open as a board again on reload).
      await byTest('view-picker').click();
      await page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: '全部数据' }).first().click();
      await page.waitForURL((u) => !u.search.includes('view='));
      await byTest('layout-calendar').click();
      await byTest('calendar-month').waitFor();
      const day = (d) => page.locator(`[data-testid="calendar-day"][data-day="${ym}-${d}"]`);
      await day('10').locator('[data-testid="calendar-event"]', { hasText: '云帆' }).waitFor();
      await day('21').locator('[data-testid="calendar-event"]', { hasText: '北辰' }).waitFor();
      await shot('calendar-month-zh');
      await drag(day('10').locator('[data-testid="calendar-event"]', { hasText: '云帆' }), day('12'));
      await page.getByText(`已改到 ${ym}-12`).first().waitFor();
      const after = await record(ids['云帆']);
      if (after.data.due !== `${ym}-12`) throw new Error(`not rescheduled: ${after.data.due}`);
      await page.reload();
      await day('12').locator('[data-testid="calendar-event"]', { hasText: '云帆' }).waitFor();
      if (await day('10').locator('[data-testid="calendar-event"]').count() !== 0) throw new Error('the record is still on the 10th');
      // The week view of the 12th shows the record with the others of that week.
      await byTest('calendar-mode').getByText('周').click();
      await byTest('calendar-week').waitFor();
      const monday = (d) => { const x = new Date(d.getFullYear(), d.getMonth(), d.getDate()); x.setDate(x.getDate() - (x.getDay() + 6) % 7); return x; };
      const weeks = Math.round((monday(new Date(now.getFullYear(), now.getMonth(), 12)) - monday(now)) / (7 * 86_400_000));
      for (let i = 0; i < Math.abs(weeks); i++) await byTest(weeks < 0 ? 'calendar-prev' : 'calendar-next').click();
      await day('12').locator('[data-testid="calendar-event"]', { hasText: '云帆' }).waitFor();
      await shot('calendar-week-zh');
      // A day's date opens its day view.
      await day('12').locator('[data-testid="calendar-open-day"]').click();
      await byTest('calendar-day-view').locator('[data-testid="calendar-event"]', { hasText: '云帆' }).waitFor();
      await byTest('calendar-title').filter({ hasText: `${ym}-12` }).waitFor();
    }],
    ['calendar: the day view puts date-times on an hour grid; dropped on another hour the record moves there', async () => {
      const app = await apiCall('POST', '/apps', { name: '日程测试' });
      const f = await apiCall('POST', `/apps/${app.id}/forms`, { name: '会议', definition: { fields: [
        { key: 'title', type: 'text', label: '主题' }, { key: 'at', type: 'datetime', label: '时间' }] } });
      await apiCall('POST', `/forms/${f.id}/publish`, { version: f.version });
      // Today 10:30 in the browser's zone.
      const at = await page.evaluate(() => { const d = new Date(); d.setHours(10, 30, 0, 0); return d.toISOString(); });
      const r = await apiCall('POST', `/forms/${f.id}/records`, { data: { title: '周会', at } });
      await page.goto(url(`/forms/${f.id}/data`));
      await byTest('layout-calendar').click();
      await byTest('calendar-mode').getByText('日').click();
      const hour = (h) => page.locator(`[data-testid="calendar-hour"][data-hour="${h}"]`);
      await hour(10).locator('[data-testid="calendar-event"]', { hasText: '周会' }).waitFor();
      await hour(10).locator('[data-testid="calendar-event"]', { hasText: '10:30' }).waitFor();
      await drag(hour(10).locator('[data-testid="calendar-event"]', { hasText: '周会' }), hour(14));
      await page.getByText(/已改到 .* 14:30/).first().waitFor();
      const after = await apiCall('GET', `/forms/${f.id}/records/${r.id}`);
      const local = await page.evaluate((v) => { const d = new Date(v); return `${d.getHours()}:${d.getMinutes()}`; }, after.data.at);
      if (local !== '14:30') throw new Error(`moved to ${after.data.at} (${local})`);
      await hour(14).locator('[data-testid="calendar-event"]', { hasText: '周会' }).waitFor();
      await shot('calendar-day-zh');
      // The day view stays this browser's choice for the form; at 390 px it fits.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await hour(14).locator('[data-testid="calendar-event"]', { hasText: '周会' }).waitFor();
      if (await page.evaluate(() => document.documentElement.scrollWidth) > 391) throw new Error('the day view is wider than the phone');
      await shot('calendar-day-phone-zh');
      await page.setViewportSize({ width: 1440, height: 960 });
      await page.goto(url(`/forms/${formId}/data`));
      await byTest('calendar').waitFor();
    }],
    ['board: at 390 px the board scrolls sideways inside the page, and the calendar fits', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await byTest('calendar-mode').getByText('月').click();
      await byTest('calendar-month').waitFor();
      const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
      if (await pageWidth() > 391) throw new Error(`the calendar is wider than the phone: ${await pageWidth()}`);
      await shot('calendar-phone-zh');
      await byTest('layout-kanban').click();
      await byTest('board-columns').waitFor();
      await headSays('qualified', 2, '400');
      const sideways = await byTest('board-columns').evaluate((el) => el.scrollWidth > el.clientWidth + 100);
      if (!sideways) throw new Error('the board does not scroll sideways');
      if (await pageWidth() > 391) throw new Error(`the page is wider than the phone: ${await pageWidth()}`);
      await shot('board-phone-zh');
      await byTest('board-columns').evaluate((el) => { el.scrollLeft = el.scrollWidth; });
      await shot('board-phone-scrolled-zh');
      await page.setViewportSize({ width: 1440, height: 960 });
      // In English too.
      await page.evaluate(() => localStorage.setItem('formloom.lang', 'en'));
      await page.reload();
      await head('qualified').filter({ hasText: '2 records' }).waitFor();
      await shot('board-kanban-en');
      await page.evaluate(() => localStorage.setItem('formloom.lang', 'zh-CN'));
      await page.reload();
      await byTest('board-columns').waitFor();
      await byTest('layout-table').click();
      await byTest('record-row').first().waitFor();
    }],
  ];
}

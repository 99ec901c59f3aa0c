// Live updates (issue 15, part 8): a record created in one browser appears
// in another browser's open data view and kanban board without a reload; a member who may
// not see that record is not even told of it (their stream never names it),
// while their own records reach them live.
import { join } from 'node:path';

export default function live({ page, url, byTest, apiCall, pickOption, secondSession, shot, outDir, T }) {
  const QIAN = 'qian@example.com', QIAN_PW = 'copper meadow lantern';
  const SUN = 'sun@example.com', SUN_PW = 'silver harbor pencil';
  let formId = '';
  let qian = null, sun = null;

  // create writes a record from inside a signed-in page, as the app does (session cookie and CSRF token).
  const create = (p, title, stage) => p.evaluate(async ([form, title, stage]) => {
    const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('formloom_csrf='))?.split('=')[1] ?? '');
    const r = await fetch(`/api/v1/forms/${form}/records`, { method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify({ data: stage ? { title, stage } : { title } }) });
    if (!r.ok) throw new Error(`create: ${r.status} ${await r.text()}`);
    return (await r.json()).id;
  }, [formId, title, stage]);
  const row = (p, text) => p.locator('[data-testid="record-row"]', { hasText: text });

  return [
    ['live: a form where members see only their own records, and two members (API)', async () => {
      const app = await apiCall('POST', '/apps', { name: '实时测试' });
      const f = await apiCall('POST', `/apps/${app.id}/forms`, { name: '客户', definition: { fields: [{ key: 'title', type: 'text', label: '名称' },
        { key: 'stage', type: 'select', label: '阶段', options: [{ value: 'new', label: '新建' }, { value: 'won', label: '赢单' }] }] } });
      await apiCall('POST', `/forms/${f.id}/publish`, { version: f.version });
      formId = f.id;
      const fp = await apiCall('POST', `/forms/${f.id}/permissions/sets`, { version: 0, set: { name: '自己的', preset: 'manage_own',
        actions: ['record.view', 'record.create', 'record.edit'], fieldDefault: 'edit', fields: {},
        rows: { field: 'ownedBy', op: 'eq', value: '$me' }, grants: [{ kind: 'everyone' }] } });
      const def = fp.sets.find((s) => s.id !== fp.set.id);
      await apiCall('DELETE', `/forms/${f.id}/permissions/sets/${def.id}?version=${fp.version}`);
      await apiCall('POST', '/users', { email: QIAN, name: '钱销售', password: QIAN_PW, role: 'member' });
      await apiCall('POST', '/users', { email: SUN, name: '孙销售', password: SUN_PW, role: 'member' });
      await apiCall('POST', `/forms/${f.id}/records`, { data: { title: '管理员的客户' } });
    }],
    ['live: the admin, 钱 and 孙 each open the data view in their own browser', async () => {
      await page.goto(url(`/forms/${formId}/data`));
      await row(page, '管理员的客户').waitFor();
      qian = await secondSession(QIAN, QIAN_PW);
      sun = await secondSession(SUN, SUN_PW);
      for (const s of [qian, sun]) {
        await s.page.goto(url(`/forms/${formId}/data`));
        await s.page.locator('.ant-table, .ant-empty').first().waitFor();
      }
      // 孙's browser also keeps every message its live stream is sent, to show what it was told.
      await sun.page.evaluate((form) => {
        window.__live = [];
        const es = new EventSource(`/api/v1/live?forms=${form}`);
        es.onmessage = (m) => window.__live.push(JSON.parse(m.data));
        window.__liveOpen = new Promise((resolve) => { es.onopen = resolve; });
      }, formId);
      await sun.page.evaluate(() => window.__liveOpen);
    }],
    ['live: 钱 creates a record; it appears in the admin\'s open data view without a reload', async () => {
      const started = Date.now();
      const id = await create(qian.page, '钱的新客户');
      await row(page, '钱的新客户').waitFor({ timeout: T });
      console.log(`  · the record reached the admin's data view ${Date.now() - started} ms after its creation was answered`);
      await row(qian.page, '钱的新客户').waitFor({ timeout: T });
      await shot('live-admin-sees-new-record-zh');
      qian.id = id;
    }],
    ['live: 孙 may not see 钱\'s record and is never told of it; 孙\'s own record reaches 孙 live', async () => {
      const own = await create(sun.page, '孙的新客户');
      await row(sun.page, '孙的新客户').waitFor({ timeout: T });
      await sun.page.waitForFunction((id) => window.__live.some((e) => e.recordId === id), own, { timeout: T });
      const told = await sun.page.evaluate(() => window.__live);
      if (told.some((e) => e.recordId === qian.id || JSON.stringify(e).includes('钱'))) throw new Error(`孙 was told of 钱's record: ${JSON.stringify(told)}`);
      if (told.some((e) => 'data' in e || 'title' in e)) throw new Error(`a live event carries field values: ${JSON.stringify(told)}`);
      if (await row(sun.page, '钱的新客户').count() > 0 || await row(sun.page, '管理员的客户').count() > 0) throw new Error('孙 sees a record that is not theirs');
      // The admin sees everyone's.
      await row(page, '孙的新客户').waitFor({ timeout: T });
      await sun.page.screenshot({ path: join(outDir, 'live-member-own-only-zh.png') });
    }],
    ['live: the admin\'s open kanban board shows 钱\'s new card in its column, with the count', async () => {
      await byTest('layout-kanban').click();
      const won = page.locator('[data-testid="board-column"][data-column="won"]');
      await won.waitFor();
      const id = await create(qian.page, '钱的赢单', 'won');
      await won.locator(`[data-testid="board-card"][data-record="${id}"]`).waitFor({ timeout: T });
      await won.locator('[data-testid="board-count"]').filter({ hasText: '1' }).waitFor({ timeout: T });
      await shot('live-admin-board-zh');
      await byTest('layout-table').click();
    }],
    ['live: the admin\'s data view grouped by stage updates the group\'s count and its open rows', async () => {
      await byTest('record-row').first().waitFor();
      await pickOption(byTest('group-by'), '阶段');
      const won = byTest('group-header').filter({ hasText: '赢单' });
      await won.filter({ hasText: '1 条' }).waitFor();
      await won.click();
      await byTest('grouped-table').locator('[data-testid="record-row"]', { hasText: '钱的赢单' }).waitFor();
      await create(qian.page, '钱的第二单', 'won');
      await won.filter({ hasText: '2 条' }).waitFor({ timeout: T });
      await byTest('grouped-table').locator('[data-testid="record-row"]', { hasText: '钱的第二单' }).waitFor({ timeout: T });
      await shot('live-admin-grouped-zh');
      await pickOption(byTest('group-by'), '不分组');
      await byTest('record-row').first().waitFor();
    }],
    ['live: close the members\' browsers', async () => {
      await qian?.close(); await sun?.close();
      await byTest('user-menu').waitFor();
    }],
  ];
}

// Journey of the notifications (issue 12, sections 8 and 9): a record
// holding NOTIFY-ME makes the server's test-only notifier (FORMLOOM_TEST_NOTIFY)
// hand a notification to its creator through the engine's Notifier, as an
// automation's notify action does. The admin sees the bell's count, opens
// the inbox, marks read, follows the link to the record, uses the full
// inbox and the settings; then the same on a 390 px phone.
export default function notifyJourney({ page, url, byTest, expectText, shot, T }) {
  let formId = '';
  const recordIds = [];

  // pageApi calls the API with the browser's own session (cookie and CSRF
  // token), so the notification lands in the workspace the page shows.
  const pageApi = (method, path, body) => page.evaluate(async ([m, p, b]) => {
    const csrf = /(?:^|;\s*)formloom_csrf=([^;]+)/.exec(document.cookie);
    const headers = { 'Content-Type': 'application/json', ...(csrf ? { 'X-CSRF-Token': decodeURIComponent(csrf[1]) } : {}) };
    const r = await fetch('/api/v1' + p, { method: m, headers, body: b ? JSON.stringify(b) : undefined, credentials: 'same-origin' });
    const text = await r.text();
    if (!r.ok) throw new Error(`${m} ${p}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }, [method, path, body]);

  const unread = async () => (await pageApi('GET', '/me/notifications/unread-count')).count;
  const waitUnread = async (n) => {
    const deadline = Date.now() + T;
    while ((await unread()) !== n) {
      if (Date.now() > deadline) throw new Error(`unread count never reached ${n}`);
      await page.waitForTimeout(100);
    }
  };
  // notifyMe creates a record the test notifier reacts to and waits for its notification.
  const notifyMe = async (title) => {
    const before = await unread();
    const rec = await pageApi('POST', `/forms/${formId}/records`, { data: { subject: title, flag: 'NOTIFY-ME' } });
    recordIds.push(rec.id);
    await waitUnread(before + 1);
    return rec.id;
  };
  const bellCount = async (n) => { await page.locator(`[data-testid="notify-bell"][data-count="${n}"]`).waitFor({ state: 'visible' }); };

  return [
    ['notify (1): a new record makes a notification; the bell in the top bar counts it', async () => {
      const app = await pageApi('POST', '/apps', { name: '通知测试' });
      const f = await pageApi('POST', `/apps/${app.id}/forms`, { name: '工单', definition: { columns: 1, fields: [
        { key: 'subject', type: 'text', label: '主题' }, { key: 'flag', type: 'text', label: '标记' },
      ] } });
      formId = f.id;
      await pageApi('POST', `/forms/${formId}/publish`, { version: f.version });
      await pageApi('POST', '/me/notifications/read-all');
      await page.goto(url('/'));
      await bellCount(0);
      await notifyMe('第一单');
      // The bell counts again when the window gets the focus (and every 30 s).
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await bellCount(1);
      await shot('notify-01-bell');
    }],
    ['notify (2): the bell opens the inbox; the title shows as text; mark read empties the count', async () => {
      await byTest('notify-bell').click();
      await byTest('notify-panel').waitFor();
      const item = byTest('notify-item').first();
      await item.waitFor();
      const title = await item.locator('[data-testid="notify-title"]').textContent();
      if (title !== '新记录：<NOTIFY-ME>') throw new Error(`title = ${title}`);
      await shot('notify-02-inbox');
      await item.locator('[data-testid="notify-mark-read"]').click();
      await page.locator('[data-testid="notify-item"][data-read="1"]').first().waitFor();
      await bellCount(0);
      if ((await unread()) !== 0) throw new Error('the server still counts it unread');
      await page.keyboard.press('Escape');
    }],
    ['notify (3): the link of a notification opens its record and marks it read', async () => {
      const id = await notifyMe('第二单');
      await page.reload();
      await bellCount(1);
      await byTest('notify-bell').click();
      const item = page.locator('[data-testid="notify-item"][data-read="0"]').first();
      await item.waitFor();
      await item.locator('[data-testid="notify-open"]').click();
      await page.waitForURL((u) => u.pathname === `/forms/${formId}/data` && u.searchParams.get('record') === id);
      await expectText('第二单');
      await bellCount(0);
      await shot('notify-03-record');
    }],
    ['notify (4): the full inbox lists all and unread; mark all read', async () => {
      await notifyMe('第三单');
      await notifyMe('第四单');
      await page.goto(url('/notifications'));
      await expectText('通知');
      await page.locator('[data-testid="notify-item"]').nth(3).waitFor();
      await byTest('notify-filter').getByText('未读').click();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="notify-item"]').length === 2);
      await shot('notify-04-page');
      await byTest('notify-page-mark-all').click();
      await expectText('已将 2 条标为已读');
      await expectText('没有未读通知');
      await bellCount(0);
    }],
    ['notify (5): notification settings turn the inbox off for automations, and on again', async () => {
      await byTest('user-menu').hover();
      await byTest('nav-notify-settings').click();
      await page.waitForURL((u) => u.pathname === '/settings/notifications');
      await byTest('notify-email-off').waitFor(); // no SMTP configured in the e2e server
      const row = byTest('notify-pref-automation');
      await row.locator('[data-testid="notify-pref-inapp"]').click();
      await byTest('notify-pref-save').click();
      await expectText('通知设置已保存');
      await shot('notify-05-settings');
      await page.reload();
      const sw = byTest('notify-pref-automation').locator('[data-testid="notify-pref-inapp"]');
      await page.locator('[data-testid="notify-pref-automation"] [data-testid="notify-pref-inapp"][aria-checked="false"]').waitFor();
      const saved = await pageApi('GET', '/me/notification-preferences');
      if (saved.kinds.find((k) => k.kind === 'automation')?.inApp !== false) throw new Error('the setting was not stored');
      await sw.click();
      await byTest('notify-pref-save').click();
      await page.locator('[data-testid="notify-pref-automation"] [data-testid="notify-pref-inapp"][aria-checked="true"]').waitFor();
      await expectText('通知设置已保存');
    }],
    ['notify (6): on a 390 px phone the bell sits in the top bar and opens the inbox in a drawer', async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await notifyMe('手机上的通知');
      await page.goto(url('/'));
      await bellCount(await unread());
      await shot('notify-06-phone-bell');
      await byTest('notify-bell').click();
      await byTest('notify-drawer').waitFor();
      await byTest('notify-item').first().waitFor();
      // The drawer slides in: wait until it stands still inside the screen.
      await page.waitForFunction(() => new Promise((done) => {
        const d = document.querySelector('[data-testid="notify-drawer"]');
        if (!d) { done(false); return; }
        const a = d.getBoundingClientRect().left;
        requestAnimationFrame(() => requestAnimationFrame(() => {
          const r = d.getBoundingClientRect();
          done(r.left === a && r.left >= 0 && r.right <= window.innerWidth + 1);
        }));
      }));
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390) throw new Error(`the page scrolls sideways: ${width} px`);
      await shot('notify-07-phone-inbox');
      await byTest('notify-mark-all').click();
      await bellCount(0);
      await byTest('notify-view-all').click();
      await page.waitForURL((u) => u.pathname === '/notifications');
      await byTest('notify-item').first().waitFor();
      const w2 = await page.evaluate(() => document.documentElement.scrollWidth);
      if (w2 > 390) throw new Error(`the inbox scrolls sideways: ${w2} px`);
      await shot('notify-08-phone-page');
      await page.goto(url('/settings/notifications'));
      await byTest('notify-pref-automation').waitFor();
      const w3 = await page.evaluate(() => document.documentElement.scrollWidth);
      if (w3 > 390) throw new Error(`the settings scroll sideways: ${w3} px`);
      await shot('notify-09-phone-settings');
      await page.setViewportSize({ width: 1440, height: 960 });
      await page.goto(url('/'));
    }],
  ];
}

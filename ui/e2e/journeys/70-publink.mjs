// Public link journey: an admin enables a form's public link in the
// designer (fields shown, title, thank-you message), copies the link shown
// once; a logged-out browser at 390 px in English opens it, meets the
// client checks, switches to Chinese, submits, and sees the thank-you
// message; the record appears in the admin's data view with source
// "public link"; after a rotation the old link says it is not available.
export default function publinkJourney({ page, url, byTest, expectText, apiCall, shot, launchContext, errs, outDir, server }) {
  let formID = '';
  let link = '';
  const visitor = async (locale, viewport) => {
    const s = await launchContext(locale, { viewport, ...(viewport.width < 500 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
    const p = s.context.pages()[0] ?? await s.context.newPage();
    errs.watch(p, `visitor (${locale}, ${viewport.width} px)`);
    return { p, close: s.close };
  };
  return [
    ['public link: a published form', async () => {
      const app = await apiCall('POST', '/apps', { name: '获客演示' });
      const form = await apiCall('POST', `/apps/${app.id}/forms`, { name: '官网线索', definition: { fields: [
        { key: 'company', type: 'text', label: '公司', required: true },
        { key: 'phone', type: 'phone', label: '电话' },
        { key: 'email', type: 'email', label: '邮箱' },
        { key: 'note', type: 'textarea', label: '内部备注' },
        { key: 'owner', type: 'user', label: '负责人' }] } });
      await apiCall('POST', `/forms/${form.id}/publish`, { version: form.version });
      formID = form.id;
    }],
    ['public link: the admin enables it in the designer and copies the link shown once', async () => {
      await page.goto(url(`/forms/${formID}/design`));
      await byTest('public-link-settings').click();
      await byTest('public-link-drawer').waitFor();
      await byTest('public-link-enabled').waitFor();
      // The required field is chosen already; add phone and email.
      await byTest('public-link-fields').click();
      for (const label of ['电话', '邮箱']) {
        const opt = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: label }).first();
        await opt.waitFor({ state: 'visible' });
        await opt.click();
      }
      await byTest('public-link-title').fill('联系我们');
      await byTest('public-link-thanks').fill('感谢您的关注，我们会尽快联系您');
      await byTest('public-link-save').click();
      await byTest('public-link-url').waitFor();
      link = (await byTest('public-link-value').textContent()).trim();
      if (!/\/p\/[A-Za-z0-9_-]{30,}$/.test(link)) throw new Error(`link shown: ${link}`);
      await shot('publink-settings');
      const l = await apiCall('GET', `/forms/${formID}/public-link`);
      if (!l.enabled || l.fields.join(',') !== 'company,phone,email' || JSON.stringify(l).includes(link.split('/p/')[1])) throw new Error(`saved link: ${JSON.stringify(l)}`);
    }],
    ['public link: a logged-out visitor at 390 px fills it in and submits', async () => {
      const { p, close } = await visitor('en', { width: 390, height: 844 });
      try {
        await p.goto(link);
        await p.locator('[data-testid="public-title"]', { hasText: '联系我们' }).waitFor();
        // Only the chosen fields; nothing internal.
        for (const hidden of ['内部备注', '负责人']) if (await p.getByText(hidden).count()) throw new Error(`the page shows ${hidden}`);
        const w = await p.evaluate(() => document.documentElement.scrollWidth);
        if (w > 392) throw new Error(`the page is ${w} px wide at 390`);
        // English by the browser's language; the client checks speak it.
        await p.locator('[data-testid="public-submit"]', { hasText: 'Submit' }).click();
        await p.locator('[data-testid="field-company"] .ant-form-item-explain-error').waitFor();
        await p.locator('[data-testid="field-email"] input').fill('not an email');
        await p.locator('[data-testid="public-submit"]').click();
        await p.locator('[data-testid="field-email"] .ant-form-item-explain-error').waitFor();
        await p.screenshot({ path: `${outDir}/publink-phone-errors.png` });
        // Switch to Chinese, fill in, submit.
        await p.locator('[data-testid="lang-switch"]').getByText('中文').click();
        await p.locator('[data-testid="public-submit"]', { hasText: '提交' }).waitFor();
        await p.locator('[data-testid="field-company"] input').fill('华星科技有限公司');
        await p.locator('[data-testid="field-phone"] input').fill('13800138000');
        await p.locator('[data-testid="field-email"] input').fill('lin@example.com');
        await p.locator('[data-testid="public-submit"]').click();
        await p.locator('[data-testid="public-done"]', { hasText: '感谢您的关注，我们会尽快联系您' }).waitFor();
        await p.screenshot({ path: `${outDir}/publink-phone-done.png` });
        // A second one with the same data is fine (no unique rule here) — submit another resets the form.
        await p.locator('[data-testid="public-again"]').click();
        await p.locator('[data-testid="public-submit"]').waitFor();
      } finally { await close(); }
    }],
    ['public link: the record appears for the admin, from the public link', async () => {
      const page1 = await apiCall('POST', `/forms/${formID}/records/query`, {});
      const rec = (page1.items ?? []).find((r) => r.data.company === '华星科技有限公司');
      if (!rec || rec.data.email !== 'lin@example.com') throw new Error(`records: ${JSON.stringify(page1.items)}`);
      const hist = await apiCall('GET', `/forms/${formID}/records/${rec.id}/history`);
      if (!JSON.stringify(hist).includes('"source":"public"')) throw new Error(`history: ${JSON.stringify(hist)}`);
      await page.goto(url(`/forms/${formID}/data`));
      await expectText('华星科技有限公司');
    }],
    ['public link: rotating it makes the old link unavailable', async () => {
      await page.goto(url(`/forms/${formID}/design`));
      await byTest('public-link-settings').click();
      await byTest('public-link-rotate').click();
      await page.locator('.ant-popconfirm .ant-btn-primary').click();
      await byTest('public-link-url').waitFor();
      const fresh = (await byTest('public-link-value').textContent()).trim();
      if (fresh === link) throw new Error('rotate gave the same link');
      const { p, close } = await visitor('zh-CN', { width: 1280, height: 900 });
      try {
        await p.goto(link);
        await p.locator('[data-testid="public-not-found"]', { hasText: '此表单无法访问' }).waitFor();
        await p.goto(fresh);
        await p.locator('[data-testid="public-title"]').waitFor();
      } finally { await close(); }
    }],
    ['public link: an inbound hook left off (as a template installs it) gets its URL from "New URL"', async () => {
      const hook = await apiCall('POST', '/webhooks/inbound', { form: formID, name: '落地页（模板）', verify: 'none', enabled: false,
        mapping: { company: 'payload.company' } });
      const oldPath = hook.url.slice(hook.url.indexOf('/api/v1/hooks/'));
      await page.goto(url('/admin/webhooks'));
      await byTest('tab-inbound').click();
      const card = byTest('hook-card').filter({ hasText: '落地页（模板）' });
      await card.waitFor();
      await card.locator('[data-testid="hook-rotate"]').click();
      await page.locator('.ant-popconfirm .ant-btn-primary').click();
      const once = byTest('secret-once');
      await once.waitFor({ state: 'visible' });
      const fresh = (await once.textContent()).trim();
      const path = fresh.slice(fresh.indexOf('/api/v1/hooks/'));
      if (!path || path === oldPath) throw new Error(`new URL: ${fresh}`);
      await shot('publink-hook-rotated');
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      const post = (p) => fetch(`${server.api}${p}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ company: '落地页公司' }) });
      const r = await post(path);
      if (r.status !== 200) throw new Error(`call with the new URL: ${r.status} ${await r.text()}`);
      if ((await post(oldPath)).status !== 404) throw new Error('the old URL still answers');
      await card.locator('.ant-tag', { hasText: '已启用' }).waitFor();
    }],
  ];
}

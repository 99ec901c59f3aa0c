// Webhooks journey: an admin creates an outbound endpoint in the UI against
// a receiver started here (node http on 127.0.0.1, let through the SSRF
// guard by the e2e server's FORMLOOM_WEBHOOK_ALLOW_LOOPBACK), sees the
// secret once, a record write is delivered, signed, and shows in the
// delivery log; an inbound hook's URL writes a record; the screen at 390 px.
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';

export default function webhookJourney({ page, url, byTest, expectText, pickOption, apiCall, shot, launchContext, server, outDir, EMAIL }) {
  const got = [];
  let receiver;
  let receiverURL = '';
  let formID = '';
  let secret = '';
  const waitFor = async (what, cond, ms = 20000) => {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return [
    ['webhook: a receiver and a published form', async () => {
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => { body += c; });
        req.on('end', () => { got.push({ headers: req.headers, body }); res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"received":true}'); });
      });
      await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
      receiverURL = `http://127.0.0.1:${receiver.address().port}/hook`;
      const app = await apiCall('POST', '/apps', { name: 'Webhook 演示' });
      const form = await apiCall('POST', `/apps/${app.id}/forms`, { name: '线索', definition: { fields: [
        { key: 'company', type: 'text', label: '公司', required: true }, { key: 'phone', type: 'text', label: '电话' }] } });
      await apiCall('POST', `/forms/${form.id}/publish`, { version: form.version });
      formID = form.id;
    }],
    ['webhook: create an endpoint in the UI, secret shown once', async () => {
      await page.goto(url('/admin/webhooks'));
      await expectText('Webhook');
      await byTest('endpoint-new').click();
      await byTest('endpoint-url').fill(receiverURL);
      await pickOption(byTest('endpoint-form'), '线索');
      await byTest('endpoint-filter').fill('company != "跳过"');
      await byTest('endpoint-filter').blur();
      await expectText('条件有效');
      await shot('webhook-endpoint-form');
      await byTest('endpoint-save').click();
      const s = byTest('secret-once');
      await s.waitFor({ state: 'visible' });
      secret = (await s.textContent()).trim();
      if (!secret.startsWith('whsec_')) throw new Error(`secret shown: ${secret}`);
      await shot('webhook-secret-once');
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      await byTest('endpoint-card').first().waitFor();
      // The actor defaults to the creating admin and is shown on the card.
      await waitFor('the actor on the card', async () => (await byTest('endpoint-actor').first().textContent()).includes(EMAIL));
    }],
    ['webhook: a record write is delivered, signed, and logged', async () => {
      await apiCall('POST', `/forms/${formID}/records`, { data: { company: '跳过' } });
      await apiCall('POST', `/forms/${formID}/records`, { data: { company: '星海科技', phone: '13800138000' } });
      await waitFor('a delivery at the receiver', () => got.length >= 1);
      const r = got[0];
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      const sig = createHmac('sha256', key).update(`${r.headers['webhook-id']}.${r.headers['webhook-timestamp']}.${r.body}`).digest('base64');
      if (!String(r.headers['webhook-signature']).split(' ').includes(`v1,${sig}`)) throw new Error('signature does not verify');
      const p = JSON.parse(r.body);
      if (p.type !== 'record.created' || p.data.record.data.company !== '星海科技') throw new Error(`payload ${r.body}`);
      await byTest('endpoint-log').first().click();
      await waitFor('the delivery in the log', async () => {
        await byTest('log-refresh').click();
        return (await byTest('delivery-status').filter({ hasText: '已送达' }).count()) > 0;
      });
      await byTest('delivery-detail').first().click();
      await byTest('attempt').first().waitFor();
      await expectText('{"received":true}');
      await shot('webhook-delivery-detail');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
    }],
    ['webhook: an inbound hook writes a record', async () => {
      const hook = await apiCall('POST', '/webhooks/inbound', { form: formID, name: '落地页', verify: 'none',
        mapping: { company: 'payload.company', phone: 'payload.contact.phone' } });
      const path = hook.url.slice(hook.url.indexOf('/api/v1/hooks/'));
      const r = await fetch(`${server.api}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ company: '远山贸易', contact: { phone: '13900139000' } }) });
      if (r.status !== 200) throw new Error(`inbound call: ${r.status} ${await r.text()}`);
      await page.goto(url('/admin/webhooks'));
      await byTest('tab-inbound').click();
      await byTest('hook-edit').first().click();
      await byTest('hook-call').first().waitFor();
      await expectText('远山贸易');
      await shot('webhook-inbound-calls');
    }],
    ['webhook: the screen at 390 px', async () => {
      const s = await launchContext('en', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
      try {
        const p = await s.context.newPage();
        const cookies = await page.context().cookies();
        await s.context.addCookies(cookies);
        await p.goto(url('/admin/webhooks'));
        await p.locator('[data-testid="endpoint-card"]').first().waitFor();
        const w = await p.evaluate(() => document.documentElement.scrollWidth);
        if (w > 392) throw new Error(`the page is ${w} px wide at 390`);
        await p.screenshot({ path: `${outDir}/webhook-phone.png` });
      } finally { await s.close(); receiver.close(); }
    }],
  ];
}

// Test harness of the end-to-end suite: a real `formloom serve` on a fresh
// data directory and a free port, Debian's Chromium through playwright-core
// (never a downloaded browser), and a tiny runner that prints
// "N passed, N failed".
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const uiDir = join(here, '..');
export const repoDir = join(uiDir, '..');
export const outDir = join(here, 'out');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** startServer builds (unless FORMLOOM_BIN is set) and starts formloom serve; resolves with its URL and setup link. */
export async function startServer() {
  let bin = process.env.FORMLOOM_BIN;
  if (!bin) {
    bin = join(tmpdir(), `formloom-e2e-${process.pid}`);
    execFileSync('go', ['build', '-o', bin, './cmd/formloom'], { cwd: repoDir, stdio: 'inherit' });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'formloom-e2e-data-'));
  const port = await freePort();
  const child = spawn(bin, ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--open=false'], {
    // The test-only failing consumer makes the dead letters of the background-work journey; the
    // test-only notifier turns a record holding NOTIFY-ME into a notification (journey 30-notify).
    // FORMLOOM_WEBHOOK_ALLOW_LOOPBACK lets the webhook journey's receiver on
    // 127.0.0.1 through the SSRF guard (a test-only setting, off by default).
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORMLOOM_LOG_LEVEL: 'warn', FORMLOOM_TEST_FAILING_CONSUMER: '1', FORMLOOM_TEST_NOTIFY: '1', FORMLOOM_WEBHOOK_ALLOW_LOOPBACK: '1' },
  });
  let out = '';
  const setupLink = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not print a setup link:\n${out}`)), 60_000);
    const onData = (b) => {
      out += b.toString();
      const m = /(http:\/\/\S+\/setup\?token=\S+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}:\n${out}`)); });
  });
  const api = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.removeAllListeners('exit');
    child.kill('SIGTERM');
    await new Promise((r) => { child.once('exit', r); setTimeout(r, 10_000); });
    rmSync(dataDir, { recursive: true, force: true });
    if (!process.env.FORMLOOM_BIN) rmSync(bin, { force: true });
  };
  return { api, setupLink, stop };
}


/**
 * frontFor returns the URL the browser should open: the server itself, which
 * serves the embedded app. A server that does not is a failure, not something
 * to work around.
 */
export async function frontFor(api) {
  const html = await fetch(api + '/').then((r) => r.text()).catch(() => '');
  if (!html.includes('/assets/')) throw new Error(`formloom serve does not serve the embedded UI at ${api}/`);
  return { url: api, close: async () => undefined };
}

/** launchContext starts Debian's Chromium on a fresh profile directory (playwright passes it as --user-data-dir). */
export async function launchContext(locale, options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'formloom-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    locale,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--lang=${locale}`],
    ...options,
  });
  const close = async () => { await context.close(); rmSync(profile, { recursive: true, force: true }); };
  return { context, close };
}

/**
 * pageErrors collects, for every page it watches, uncaught exceptions and
 * unhandled promise rejections (pageerror) and console errors. The only
 * console errors it lets pass are Chromium's own "Failed to load resource"
 * lines for API answers of 4xx: journeys provoke those on purpose (a
 * validation error, a wrong password) and the app shows them to the user.
 */
export function pageErrors() {
  const errors = [];
  const expectedHTTP = /^Failed to load resource: the server responded with a status of 4\d\d/;
  return {
    errors,
    watch(page, label = 'page') {
      page.on('pageerror', (e) => errors.push(`${label}: uncaught: ${e?.stack ?? e}`));
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        const text = m.text();
        if (expectedHTTP.test(text) && /\/api\//.test(m.location()?.url ?? '')) return;
        errors.push(`${label}: console.error: ${text}${m.location()?.url ? ` (${m.location().url}:${m.location().lineNumber})` : ''}`);
      });
    },
    /** take returns the errors so far and forgets them. */
    take() { return errors.splice(0, errors.length); },
  };
}

/**
 * runSteps runs named steps in order; after the first failure the rest are
 * reported as failed (they depend on it). With errs (a pageErrors()), a step
 * during which a watched page threw or logged an error fails too.
 */
export async function runSteps(steps, onFail, errs) {
  let passed = 0; let failed = 0; let broken = null;
  for (const [name, fn] of steps) {
    if (broken) { console.log(`✗ ${name} (skipped: depends on "${broken}")`); failed++; continue; }
    const t0 = Date.now();
    try {
      await fn();
      const seen = errs?.take() ?? [];
      if (seen.length) throw new Error(`errors in the page:\n${seen.join('\n')}`);
      console.log(`✓ ${name} (${Date.now() - t0} ms)`);
      passed++;
    } catch (e) {
      console.log(`✗ ${name}: ${e?.stack ?? e}`);
      failed++; broken = name;
      await onFail?.(name).catch(() => undefined);
    }
  }
  return { passed, failed };
}

export function ensureOut() { mkdirSync(outDir, { recursive: true }); }

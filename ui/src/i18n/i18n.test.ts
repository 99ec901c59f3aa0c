import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import enBase from './en';
import zhBase from './zh-CN';
import { flowCatalogs } from './flows';
import { viewsCatalogs } from './views';
import { webhookCatalogs } from './webhook';
import { stagesCatalogs } from './stages';
import { boardCatalogs } from './board';
import { automationScreensEn, automationScreensZhCN } from './automation.screens';
import { dashboardsCatalogs } from './dashboards';
import { templatesCatalogs } from './templates';
import { publinkCatalogs } from './publink';
import { detectLanguage } from './index';
import { FIELD_TYPES, ALL_OPS } from '../fields/catalog';

/** merged adds the catalogs screens load lazily (approval flows) to the first-load one. */
function merged<T extends object>(base: T, extra: object): T {
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(extra)) {
    out[k] = v && typeof v === 'object' && out[k] && typeof out[k] === 'object' ? merged(out[k] as object, v) : v;
  }
  return out as T;
}
const en = [flowCatalogs.en, viewsCatalogs.en, webhookCatalogs.en, stagesCatalogs.en, boardCatalogs.en, { automation: automationScreensEn }, dashboardsCatalogs.en, templatesCatalogs.en, publinkCatalogs.en].reduce(merged, enBase);
const zhCN = [flowCatalogs['zh-CN'], viewsCatalogs['zh-CN'], webhookCatalogs['zh-CN'], stagesCatalogs['zh-CN'], boardCatalogs['zh-CN'], { automation: automationScreensZhCN }, dashboardsCatalogs['zh-CN'], templatesCatalogs['zh-CN'], publinkCatalogs['zh-CN']].reduce(merged, zhBase);

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
function get(o: object, path: string): unknown {
  return path.split('.').reduce<unknown>((a, k) => (a && typeof a === 'object' ? (a as Record<string, unknown>)[k] : undefined), o);
}
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => { const p = join(dir, f); return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(p) && !p.includes('.test.') ? [p] : []; });
}

describe('catalogs', () => {
  it('have the same keys in both languages, none empty', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort());
    for (const k of keys(en)) {
      expect(get(en, k), k).not.toBe('');
      expect(get(zhCN, k), k).not.toBe('');
    }
  });
  it('name every field type and operator', () => {
    for (const t of FIELD_TYPES) { expect(get(en, `type.${t}`), t).toBeTruthy(); expect(get(zhCN, `type.${t}`), t).toBeTruthy(); }
    for (const o of ALL_OPS) { expect(get(en, `op.${o}`), o).toBeTruthy(); expect(get(zhCN, `op.${o}`), o).toBeTruthy(); }
  });
  it('hold every literal key the source uses', () => {
    const src = join(__dirname, '..');
    const missing: string[] = [];
    for (const f of files(src)) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z]+\.[a-zA-Z_.]+)'/g)) {
        // A plural key exists as key_one and key_other (i18next's count suffixes).
        if (get(en, m[1]) === undefined && get(en, `${m[1]}_other`) === undefined) missing.push(`${f}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
  it('count with plurals: "1 row", "2 rows", and one form in Chinese', async () => {
    const { default: i18n } = await import('./index');
    const en1 = i18n.getFixedT('en');
    expect(en1('data.rows', { count: 1 })).toBe('1 row');
    expect(en1('data.rows', { count: 2 })).toBe('2 rows');
    expect(en1('data.total', { count: 1 })).toBe('1 record');
    expect(en1('import.invalid', { count: 1, rows: 3 })).toBe('1 problem in 3 rows; fix the file and upload it again');
    const zh = i18n.getFixedT('zh-CN');
    expect(zh('data.rows', { count: 1 })).toBe('1 行');
    expect(zh('data.total', { count: 5 })).toBe('共 5 条');
    // Every plural key has both forms in both languages.
    for (const k of keys(en).filter((k) => k.endsWith('_one'))) {
      const base = k.slice(0, -4);
      expect(get(en, `${base}_other`), base).toBeTruthy();
      expect(get(zhCN, `${base}_other`), base).toBeTruthy();
    }
  });
  it('translate the user-visible Chinese text', () => {
    expect(zhCN.auth.login).toBe('登录');
    expect(en.auth.login).toBe('Sign in');
  });
});

describe('detectLanguage', () => {
  it('prefers the remembered choice, then the browser, then Chinese', () => {
    expect(detectLanguage('en', ['zh-CN'])).toBe('en');
    expect(detectLanguage(null, ['en-US', 'zh-CN'])).toBe('en');
    expect(detectLanguage(null, ['zh-TW'])).toBe('zh-CN');
    expect(detectLanguage(null, ['fr-FR'])).toBe('zh-CN');
    expect(detectLanguage('xx', [])).toBe('zh-CN');
  });
});

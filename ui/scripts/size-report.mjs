// Reports the gzipped JavaScript each screen needs on a first visit: the entry
// chunk, the route's lazy chunk, and everything they import statically.
// Fails when the first load of the login page or the app list exceeds the budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const BUDGET_KB = 350;
const dist = new URL('../dist/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'));
const gz = new Map();
const size = (file) => {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(join(dist, file)), { level: 9 }).length);
  return gz.get(file);
};
function closure(key, seen = new Set()) {
  const c = manifest[key];
  if (!c || seen.has(key)) return seen;
  seen.add(key);
  for (const i of c.imports ?? []) closure(i, seen);
  return seen;
}
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry);
const entry = closure(entryKey);
const kb = (n) => (n / 1024).toFixed(1);
const sum = (keys) => [...keys].filter((k) => manifest[k].file.endsWith('.js')).reduce((n, k) => n + size(manifest[k].file), 0);
console.log(`entry (${manifest[entryKey].file}) + static imports: ${kb(sum(entry))} KB gzipped`);
// The base strings load before the first render (src/i18n/index.ts): a
// first visit pays for the larger of the two language chunks.
const langKeys = ['src/i18n/en.ts', 'src/i18n/zh-CN.ts'].filter((k) => manifest[k]);
const langCost = (seen) => Math.max(0, ...langKeys.map((k) => sum([...closure(k, new Set(seen))].filter((x) => !seen.has(x)))));
console.log(`base strings (larger language chunk): ${kb(langCost(entry))} KB gzipped`);
const routes = Object.keys(manifest).filter((k) => k.startsWith('src/screens/') && manifest[k].isDynamicEntry);
let worstFirst = 0;
const rows = [];
for (const r of routes.sort()) {
  const all = closure(r, new Set(entry));
  const total = sum(all) + langCost(all);
  rows.push([r.replace('src/screens/', ''), kb(total)]);
  if (/login|apps\//.test(r)) worstFirst = Math.max(worstFirst, total);
}
console.log('first load per screen (entry + screen, KB gzipped):');
for (const [r, n] of rows) console.log(`  ${r.padEnd(40)} ${n}`);
const lazy = Object.keys(manifest).filter((k) => manifest[k].isDynamicEntry && !k.startsWith('src/screens/'));
for (const k of lazy) console.log(`  lazy: ${k.padEnd(34)} ${kb(sum(closure(k, new Set(entry))))} (on demand)`);
console.log(`first load (login / app list): ${kb(worstFirst)} KB gzipped; budget ${BUDGET_KB} KB`);
if (worstFirst / 1024 > BUDGET_KB) { console.error('over budget'); process.exit(1); }

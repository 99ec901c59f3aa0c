/** PinyinFn turns Chinese text into space-separated toneless pinyin (other text kept). */
export type PinyinFn = (s: string) => string;

let loader: Promise<PinyinFn> | null = null;

/** loadPinyin loads pinyin-pro on first use, so only the designer pays for its dictionary. */
export function loadPinyin(): Promise<PinyinFn> {
  loader ??= import('pinyin-pro').then((m) => (s: string) => m.pinyin(s, { toneType: 'none', type: 'array', nonZh: 'spaced', v: true }).join(' '));
  return loader;
}

/** AUTO_VALUE matches the values the designer makes up when it has nothing better. */
export const AUTO_VALUE = /^option_\d+$/;

/** OPTION_COLORS are given to options in turn, so every option has the colour its editor shows. */
export const OPTION_COLORS = ['#1677ff', '#52c41a', '#faad14', '#f5222d', '#722ed1', '#13c2c2', '#eb2f96', '#fa8c16', '#2f54eb', '#a0d911'];

/** nextColor picks the first palette colour no option uses yet (cycling when all are used). */
export function nextColor(used: (string | undefined)[]): string {
  return OPTION_COLORS.find((c) => !used.includes(c)) ?? OPTION_COLORS[used.length % OPTION_COLORS.length];
}

/**
 * optionValue derives a readable, stable value from an option's label: the
 * pinyin of Chinese (赢单 → ying_dan), a slug of other text (Closed won →
 * closed_won), else option_N; unique among taken.
 */
export function optionValue(label: string, taken: string[], toPinyin?: PinyinFn): string {
  let s = label.trim();
  if (toPinyin && /[\u3400-\u9fff]/.test(s)) s = toPinyin(s);
  let slug = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40).replace(/_+$/, '');
  if (slug && /^[0-9]/.test(slug)) slug = `v_${slug}`;
  if (!slug) {
    let n = taken.length + 1;
    while (taken.includes(`option_${n}`)) n++;
    return `option_${n}`;
  }
  let v = slug; let n = 2;
  while (taken.includes(v)) v = `${slug}_${n++}`;
  return v;
}

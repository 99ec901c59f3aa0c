import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { setApiLanguage } from '../api/client';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
const KEY = 'formloom.lang';

/** detectLanguage picks the remembered language, else the browser's, else zh-CN. */
export function detectLanguage(stored: string | null, browser: readonly string[]): Lang {
  if (stored === 'zh-CN' || stored === 'en') return stored;
  for (const l of browser) {
    const low = l.toLowerCase();
    if (low.startsWith('zh')) return 'zh-CN';
    if (low.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

function stored(): string | null {
  try { return localStorage.getItem(KEY); } catch { return null; }
}

const initial = detectLanguage(stored(), typeof navigator !== 'undefined' ? (navigator.languages ?? [navigator.language]) : []);

// The two base catalogs are chunks of their own: a visitor downloads only
// the language the page shows (about 7 KB gzipped each), and the other one
// on switching. Screens' own strings (./views, ./flows, …) merge into them.
const catalogs: Record<Lang, () => Promise<{ default: Record<string, unknown> }>> = {
  en: () => import('./en'),
  'zh-CN': () => import('./zh-CN'),
};
const loaded = new Map<Lang, Promise<void>>();

/** loadLanguage fetches a base catalog once and merges it into i18n. */
export function loadLanguage(l: Lang): Promise<void> {
  let p = loaded.get(l);
  if (!p) {
    p = catalogs[l]().then((m) => {
      // deep, not overwriting: strings of a screen loaded earlier stay.
      i18n.addResourceBundle(l, 'translation', m.default, true, false);
    });
    loaded.set(l, p);
  }
  return p;
}

void i18n.use(initReactI18next).init({
  resources: { en: { translation: {} }, 'zh-CN': { translation: {} } },
  lng: initial,
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

function apply(l: Lang) {
  setApiLanguage(l);
  dayjs.locale(l === 'zh-CN' ? 'zh-cn' : 'en');
  if (typeof document !== 'undefined') document.documentElement.lang = l;
}
apply(initial);

/** i18nReady settles once the first page's language is loaded; render after it. */
export const i18nReady: Promise<void> = loadLanguage(initial);

/** changeLanguage switches the UI and remembers the choice. */
export function changeLanguage(l: Lang): void {
  try { localStorage.setItem(KEY, l); } catch { /* ignore */ }
  void loadLanguage(l).then(() => {
    apply(l);
    return i18n.changeLanguage(l);
  });
}

export function currentLang(): Lang {
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

export default i18n;

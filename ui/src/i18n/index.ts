import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import en from './en';
import zhCN from './zh-CN';
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

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
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

/** changeLanguage switches the UI and remembers the choice. */
export function changeLanguage(l: Lang): void {
  try { localStorage.setItem(KEY, l); } catch { /* ignore */ }
  apply(l);
  void i18n.changeLanguage(l);
}

export function currentLang(): Lang {
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

export default i18n;

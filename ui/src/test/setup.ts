import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { loadLanguage } from '../i18n';

// Tests render in either language: both base catalogs are loaded up front.
await Promise.all([loadLanguage('en'), loadLanguage('zh-CN')]);

// jsdom lacks these; antd uses them.
if (!window.matchMedia) {
  window.matchMedia = (q: string) => ({
    matches: false, media: q, onchange: null,
    addListener: () => undefined, removeListener: () => undefined,
    addEventListener: () => undefined, removeEventListener: () => undefined, dispatchEvent: () => false,
  }) as MediaQueryList;
}
if (!(globalThis as { ResizeObserver?: unknown }).ResizeObserver) {
  (globalThis as { ResizeObserver?: unknown }).ResizeObserver = class { observe() {} unobserve() {} disconnect() {} };
}
window.scrollTo = () => undefined;
HTMLCanvasElement.prototype.getContext = (() => null) as never;
afterEach(() => cleanup());

// The automation screens' strings join the catalogs when the first of those
// screens loads (each imports this module), keeping them out of the first
// load. Keys are under "automation", next to the few in automation.en.ts.
import i18n from './index';
import automationScreensEn from './automation.screens.en';
import automationScreensZhCN from './automation.screens.zh-CN';

i18n.addResourceBundle('en', 'translation', { automation: automationScreensEn }, true, false);
i18n.addResourceBundle('zh-CN', 'translation', { automation: automationScreensZhCN }, true, false);

export { automationScreensEn, automationScreensZhCN };

// Importing this module adds the public-link strings to i18n; the public
// page and the designer's public-link settings import it.
import i18n from './index';
import publinkEn from './publink.en';
import publinkZhCN from './publink.zh-CN';

/** publinkCatalogs are the public-link strings by language (for the catalog tests). */
export const publinkCatalogs = { en: { publink: publinkEn }, 'zh-CN': { publink: publinkZhCN } };

i18n.addResourceBundle('en', 'translation', publinkCatalogs.en, true, true);
i18n.addResourceBundle('zh-CN', 'translation', publinkCatalogs['zh-CN'], true, true);

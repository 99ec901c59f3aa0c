// Catalogs of screens that load on demand: importing one of these modules
// adds its strings to i18n, so they load with the screen, not with the
// first page. (The approval-flow strings do the same in ./flows.)
import i18n from './index';
import viewsEn from './views.en';
import viewsZhCN from './views.zh-CN';

/** viewsCatalogs are the on-demand strings by language (for the catalog tests). */
export const viewsCatalogs = { en: { views: viewsEn }, 'zh-CN': { views: viewsZhCN } };

i18n.addResourceBundle('en', 'translation', viewsCatalogs.en, true, true);
i18n.addResourceBundle('zh-CN', 'translation', viewsCatalogs['zh-CN'], true, true);

// Strings of the dashboard screens: importing this module adds them to
// i18n, so they load with the screens, not with the first page.
import i18n from './index';
import dashboardsEn from './dashboards.en';
import dashboardsZhCN from './dashboards.zh-CN';

/** dashboardsCatalogs are the on-demand strings by language (for the catalog tests). */
export const dashboardsCatalogs = { en: { dashboards: dashboardsEn }, 'zh-CN': { dashboards: dashboardsZhCN } };

i18n.addResourceBundle('en', 'translation', dashboardsCatalogs.en, true, true);
i18n.addResourceBundle('zh-CN', 'translation', dashboardsCatalogs['zh-CN'], true, true);

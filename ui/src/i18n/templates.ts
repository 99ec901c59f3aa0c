// Strings of the app-template screens (gallery, install, upload, upgrade,
// export): importing this module adds them to i18n, so they load with those
// screens, not with the first page.
import i18n from './index';
import templatesEn from './templates.en';
import templatesZhCN from './templates.zh-CN';

/** templatesCatalogs are the template strings by language (for the catalog tests). */
export const templatesCatalogs = { en: { templates: templatesEn }, 'zh-CN': { templates: templatesZhCN } };

i18n.addResourceBundle('en', 'translation', templatesCatalogs.en, true, true);
i18n.addResourceBundle('zh-CN', 'translation', templatesCatalogs['zh-CN'], true, true);

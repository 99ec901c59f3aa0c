// Importing this module adds the approval-flow strings to the catalogs. The
// flow screens import it, so the strings load with them, not with the app.
import i18n from './index';
import { flowsEn } from './flows.en';
import { flowsZhCN } from './flows.zh-CN';

i18n.addResourceBundle('en', 'translation', flowsEn, true, true);
i18n.addResourceBundle('zh-CN', 'translation', flowsZhCN, true, true);

/** flowCatalogs are the approval-flow strings by language (for the catalog tests). */
export const flowCatalogs = { en: flowsEn, 'zh-CN': flowsZhCN };

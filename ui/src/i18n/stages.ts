// Importing this module adds the stage strings to i18n; the stage screens
// import it, so the strings load with them, not with the first page.
import i18n from './index';
import stagesEn from './stages.en';
import stagesZhCN from './stages.zh-CN';

/** stagesCatalogs are the stage strings by language (for the catalog tests). */
export const stagesCatalogs = { en: { stages: stagesEn }, 'zh-CN': { stages: stagesZhCN } };

i18n.addResourceBundle('en', 'translation', stagesCatalogs.en, true, true);
i18n.addResourceBundle('zh-CN', 'translation', stagesCatalogs['zh-CN'], true, true);

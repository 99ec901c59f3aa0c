// The kanban and calendar strings load with the data view (an on-demand
// screen), not with the first page; see ./views.
import i18n from './index';
import boardEn from './board.en';
import boardZhCN from './board.zh-CN';

/** boardCatalogs are the on-demand strings by language (for the catalog tests). */
export const boardCatalogs = { en: { board: boardEn }, 'zh-CN': { board: boardZhCN } };

i18n.addResourceBundle('en', 'translation', boardCatalogs.en, true, true);
i18n.addResourceBundle('zh-CN', 'translation', boardCatalogs['zh-CN'], true, true);

// Importing this module adds the webhook strings to i18n; the webhook
// screens import it, so the strings load with them, not with the app.
import i18n from './index';
import webhookEn from './webhook.en';
import webhookZhCN from './webhook.zh-CN';

/** webhookCatalogs are the webhook strings by language (for the catalog tests). */
export const webhookCatalogs = { en: { webhook: webhookEn }, 'zh-CN': { webhook: webhookZhCN } };

i18n.addResourceBundle('en', 'translation', webhookCatalogs.en, true, true);
i18n.addResourceBundle('zh-CN', 'translation', webhookCatalogs['zh-CN'], true, true);

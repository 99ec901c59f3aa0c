// The one dashboards string shown outside the dashboard screens (the app
// page's button); it loads with that page, not with the first load. The
// rest come with the screens (./dashboards.ts).
import i18n from './index';

i18n.addResourceBundle('en', 'translation', { dashboards: { menu: 'Dashboards' } }, true, false);
i18n.addResourceBundle('zh-CN', 'translation', { dashboards: { menu: '仪表盘' } }, true, false);

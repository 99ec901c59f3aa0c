import { Segmented } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage, type Lang } from './i18n';

export function LanguageSwitch() {
  const { i18n } = useTranslation();
  return (
    <Segmented<Lang>
      size="small"
      data-testid="lang-switch"
      value={i18n.language === 'en' ? 'en' : 'zh-CN'}
      options={[{ label: '中文', value: 'zh-CN' }, { label: 'EN', value: 'en' }]}
      onChange={(v) => changeLanguage(v)}
    />
  );
}

import { SegmentedControl } from '@mantine/core';
import { type Lang, useLang, useT } from '../i18n';

/** 日本語 / English switch; the choice is kept in localStorage. */
export function LanguageSwitch() {
  const t = useT();
  const { lang, setLang } = useLang();
  return (
    <SegmentedControl
      size="xs"
      value={lang}
      onChange={(v) => setLang(v as Lang)}
      data={[
        { value: 'ja', label: t('lang.ja') },
        { value: 'en', label: t('lang.en') },
      ]}
      aria-label={t('lang.label')}
      data-testid="lang-switch"
    />
  );
}

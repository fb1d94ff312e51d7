import { useLang } from '../../i18n';
import { bi } from '../../workbench';

export type L = { ja: string; en: string };
/** The portal screens' labels: each written in both languages where it is used (ja first). */
export const useL = () => {
  const { lang } = useLang();
  return (l: L | null | undefined) => bi(lang, l);
};

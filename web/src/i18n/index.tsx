import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import type { DictKey } from './ja';
import { formatDateTime, getLang, isDictKey, type Lang, storeLang, translate, type Vars } from './lang';

export type { DictKey } from './ja';
export type { Lang } from './lang';

export type T = (key: DictKey, vars?: Vars) => string;

interface I18nValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: T;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({
  children,
  onChange,
}: {
  children: ReactNode;
  /** Called after the language changed (e.g. to refetch server-localised data). */
  onChange?: (lang: Lang) => void;
}) {
  const [lang, setLangState] = useState<Lang>(getLang);
  const setLang = useCallback(
    (next: Lang) => {
      storeLang(next);
      setLangState(next);
      onChange?.(next);
    },
    [onChange],
  );
  const value = useMemo<I18nValue>(
    () => ({ lang, setLang, t: (key, vars) => translate(lang, key, vars) }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

function useI18n(): I18nValue {
  const v = useContext(I18nContext);
  if (!v) throw new Error('I18nProvider missing');
  return v;
}

/** The translate function for the current language. */
export function useT(): T {
  return useI18n().t;
}

/**
 * The translate function of a screen's own dictionary (`ja` complete, `en` beside it), following the UI
 * language: a missing English text falls back to Japanese, then to the key; `{name}` is filled from `vars`.
 */
export function useDictionary<K extends string>(ja: Record<K, string>, en: Partial<Record<K, string>>): (key: K, vars?: Vars) => string {
  const { lang } = useI18n();
  return useCallback(
    (key: K, vars?: Vars) => {
      const text = (lang === 'en' ? en[key] : ja[key]) ?? ja[key] ?? key;
      return vars ? text.replace(/\{(\w+)\}/g, (m, n: string) => (n in vars ? String(vars[n]) : m)) : text;
    },
    [lang, ja, en],
  );
}

export function useLang(): { lang: Lang; setLang: (lang: Lang) => void } {
  const { lang, setLang } = useI18n();
  return { lang, setLang };
}

/** Formats ISO timestamps in Asia/Tokyo for the current language. */
export function useDateTime(): (iso: string | null | undefined) => string {
  const { lang } = useI18n();
  return useCallback((iso) => formatDateTime(lang, iso), [lang]);
}

function labelFor(t: T, prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return isDictKey(key) ? t(key) : code;
}

/** Role code → localised label (falls back to the code for unknown roles). */
export function roleLabel(t: T, role: string): string {
  return labelFor(t, 'role', role);
}

/** Role code → one-line description, or null for unknown roles. */
export function roleDescription(t: T, role: string): string | null {
  const key = `roleDesc.${role}`;
  return isDictKey(key) ? t(key) : null;
}

/** Department kind code → localised label. */
export function kindLabel(t: T, kind: string): string {
  return labelFor(t, 'kind', kind);
}

/** Framework-free language state, shared by the React provider and the API client. */
import { en } from './en';
import { type Dict, type DictKey, ja } from './ja';

export type Lang = 'ja' | 'en';
export const LANGS: readonly Lang[] = ['ja', 'en'];
export const dictionaries: Record<Lang, Dict> = { ja, en };

const STORAGE_KEY = 'kiban.lang';

function readStored(): Lang {
  try {
    const v = globalThis.localStorage?.getItem(STORAGE_KEY);
    return v === 'en' || v === 'ja' ? v : 'ja';
  } catch {
    return 'ja';
  }
}

let current: Lang = readStored();

export function getLang(): Lang {
  return current;
}

export function storeLang(lang: Lang): void {
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // storage unavailable (private mode etc.) — keep the in-memory value
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

export type Vars = Record<string, string | number>;

export function translate(lang: Lang, key: DictKey, vars?: Vars): string {
  const text = dictionaries[lang][key] ?? ja[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

export function isDictKey(key: string): key is DictKey {
  return Object.hasOwn(ja, key);
}

const dateTimeFormats: Record<Lang, Intl.DateTimeFormat> = {
  // e.g. 2026年11月23日 16:44
  ja: new Intl.DateTimeFormat('ja-JP', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }),
  // e.g. 23 Nov 2026, 16:44 (still Japan time)
  en: new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }),
};

/** Formats an ISO timestamp in Asia/Tokyo. Returns the input unchanged if it is not a valid date. */
export function formatDateTime(lang: Lang, iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return dateTimeFormats[lang].format(d);
}

// Make sure <html lang> matches the stored language from the very first render.
if (typeof document !== 'undefined') document.documentElement.lang = current;

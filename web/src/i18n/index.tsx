import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { en } from './en.ts';
import {
  fill,
  LANGUAGES,
  type Language,
  type MessageKey,
  type Messages,
  type PluralKey,
  type Vars,
} from './messages.ts';
import { ru } from './ru.ts';

export type { Language, MessageKey } from './messages.ts';
export { LANGUAGES } from './messages.ts';

const DICTIONARIES: Readonly<Record<Language, Messages>> = { en, ru };
const STORAGE_KEY = 'custody.language';

/** The language names are written in their own language, whatever the current one is. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', ru: 'Русский' };

function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

function initialLanguage(): Language {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (isLanguage(saved)) return saved;
  } catch {
    // Storage may be off (private mode, policy): fall back to the browser's language.
  }
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export interface I18n {
  readonly language: Language;
  readonly setLanguage: (language: Language) => void;
  readonly t: (key: MessageKey, vars?: Vars) => string;
  /** The plural form of `key` for `n` (CLDR rules of the language), with `{n}` filled. */
  readonly plural: (key: PluralKey, n: number) => string;
  /** A translation when the dictionary has one for a key made at run time, else null. */
  readonly maybe: (key: string, vars?: Vars) => string | null;
  readonly number: (n: number, options?: Intl.NumberFormatOptions) => string;
  readonly dateTime: (iso: string) => string;
  /** Date and time to the minute with the time zone named ("18 Feb 2020, 14:30 GMT+3"). */
  readonly dateTimeZone: (iso: string) => string;
  /** A span of time in the same form, saying the shared parts once ("Feb 18, 2020, 1:30 – 1:45 PM"). */
  readonly dateTimeRange: (startIso: string, endIso: string) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }): ReactNode {
  const [language, setLanguageState] = useState<Language>(initialLanguage);

  const setLanguage = useCallback((next: Language) => {
    setLanguageState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered; still switched for this page.
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const value = useMemo<I18n>(() => {
    const dict = DICTIONARIES[language];
    const rules = new Intl.PluralRules(language);
    const numbers = new Intl.NumberFormat(language);
    const dates = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'medium' });
    const zoned = new Intl.DateTimeFormat(language, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    });
    const t = (key: MessageKey, vars?: Vars): string => fill(dict[key], vars);
    return {
      language,
      setLanguage,
      t,
      plural: (key, n) => {
        const category = rules.select(n);
        const form: MessageKey =
          category === 'one' || category === 'few' || category === 'many'
            ? `${key}.${category}`
            : `${key}.other`;
        return t(form, { n: numbers.format(n) });
      },
      maybe: (key, vars) => (Object.hasOwn(dict, key) ? fill(dict[key as MessageKey], vars) : null),
      number: (n, options) =>
        options === undefined
          ? numbers.format(n)
          : new Intl.NumberFormat(language, options).format(n),
      dateTime: (iso) => {
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? iso : dates.format(d);
      },
      dateTimeZone: (iso) => {
        const d = new Date(iso);
        return Number.isNaN(d.getTime()) ? iso : zoned.format(d);
      },
      dateTimeRange: (startIso, endIso) => {
        const a = new Date(startIso);
        const b = new Date(endIso);
        if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime()) || b < a)
          return `${startIso} – ${endIso}`;
        return zoned.formatRange(a, b);
      },
    };
  }, [language, setLanguage]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (value === null) throw new Error('useI18n outside I18nProvider');
  return value;
}

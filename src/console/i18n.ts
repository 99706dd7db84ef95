import type { Language, Localized } from '../common/i18n/language.js';

export type Translate<K extends string> = (
  lang: Language,
  key: K,
  vars?: Readonly<Record<string, string | number>>,
) => string;

/**
 * A page's own French and English strings. `{name}` in a string is replaced by `vars.name`; the
 * result is text, escaped by the template like any other value.
 */
export function defineMessages<K extends string>(
  messages: Readonly<Record<K, Localized>>,
): Translate<K> {
  return (lang, key, vars) => {
    let text = messages[key][lang];
    if (vars) {
      for (const [name, value] of Object.entries(vars))
        text = text.split(`{${name}}`).join(String(value));
    }
    return text;
  };
}

/** The page's language and the table's time zone (`FILET_TIME_ZONE`). */
export interface Locale {
  readonly lang: Language;
  readonly timeZone: string;
}

/** Dates as people of the table read them: their time zone, the page's language. */
function formatInstant(
  { lang, timeZone }: Locale,
  value: string | Date | null | undefined,
  timeStyle: 'short' | undefined,
): string {
  if (!value) return '—';
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-CA' : 'en-CA', {
    dateStyle: 'medium',
    timeStyle,
    timeZone,
  }).format(date);
}

/** A date and time (`—` for none). */
export function formatDateTime(locale: Locale, value: string | Date | null | undefined): string {
  return formatInstant(locale, value, 'short');
}

/** A date alone (`—` for none). */
export function formatDate(locale: Locale, value: string | Date | null | undefined): string {
  return formatInstant(locale, value, undefined);
}

export function formatNumber(lang: Language, value: number): string {
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-CA' : 'en-CA').format(value);
}

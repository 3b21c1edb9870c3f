import { SUPPORTED_LOCALES, type LocalizedText, type Locale } from './form-definition';

/**
 * Picks the supported locale for a language tag such as `es-MX`, falling back
 * to English.
 *
 * @example
 * resolveLocale('es-MX'); // 'es'
 */
export function resolveLocale(tag: string | null | undefined): Locale {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  const match = SUPPORTED_LOCALES.find((locale) => locale === primary);
  return match ?? 'en';
}

/**
 * Returns the text for a locale, else the English text, else the first one.
 *
 * @example
 * localize({ en: 'Name', es: 'Nombre' }, 'es'); // 'Nombre'
 */
export function localize(text: LocalizedText | undefined, locale: string): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;

  const exact = text[locale];
  if (exact !== undefined) return exact;

  return text.en ?? Object.values(text).find((value) => value !== undefined) ?? '';
}

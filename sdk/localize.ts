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

/** Primary language subtags written right to left: Arabic, Hebrew, Persian and Urdu. */
export const RTL_LANGUAGES: readonly string[] = ['ar', 'he', 'fa', 'ur'];

/**
 * Returns the lower-case primary subtag of a language tag, or '' when the
 * tag does not start with 2 or 3 letters.
 *
 * @example
 * primaryLanguage('ar-EG'); // 'ar'
 */
export function primaryLanguage(tag: string | null | undefined): string {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : '';
}

/** How a form is shown for a requested language. */
export interface FormLanguage {
  /**
   * Language that texts are localized to: the requested one when the form's
   * title has it or the patient strings exist in it (en, es), else `en`.
   * Patient strings missing in it fall back to English.
   */
  locale: string;
  /** Language of the form's own texts, for the `lang` attribute. */
  contentLanguage: string;
  /** Direction of the form's layout, from the content language. */
  dir: 'ltr' | 'rtl';
}

/**
 * Decides the language and direction of a form for a requested language tag
 * (the `lang` attribute, else the browser's). A form offers a language when
 * its title is written in it; a form of plain strings is in its `language`,
 * English by default.
 *
 * @example
 * formLanguage({ title: { en: 'Intake', ar: 'استمارة' } }, 'ar'); // { locale: 'ar', contentLanguage: 'ar', dir: 'rtl' }
 * formLanguage({ title: 'Intake' }, 'es-MX'); // { locale: 'es', contentLanguage: 'en', dir: 'ltr' }
 */
export function formLanguage(form: { title: LocalizedText; language?: string }, requested: string | null | undefined): FormLanguage {
  const tag = primaryLanguage(requested);
  const title = form.title;
  const offered = typeof title === 'object' && tag !== '' && title[tag] !== undefined;
  const locale = offered || (SUPPORTED_LOCALES as readonly string[]).includes(tag) ? tag : 'en';

  let contentLanguage: string;
  if (typeof title === 'string') contentLanguage = primaryLanguage(form.language) || 'en';
  else if (title[locale] !== undefined) contentLanguage = locale;
  else contentLanguage = title.en !== undefined ? 'en' : (Object.keys(title)[0] ?? 'en');

  return { locale, contentLanguage, dir: RTL_LANGUAGES.includes(contentLanguage) ? 'rtl' : 'ltr' };
}

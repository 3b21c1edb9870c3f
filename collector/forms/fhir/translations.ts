import type { LocalizedText } from '../../../sdk/form-definition';
import { asArray, asString, findExtensions, isRecord } from './questionnaire';

/** FHIR's extension for a translated string, placed on a string element's `_name` sibling. */
export const TRANSLATION_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/translation';

/**
 * Reads the language a Questionnaire is written in, as a lower-case primary
 * subtag ("es" for "es-MX"); English when `language` is absent, because the
 * form falls back to English for any language it lacks.
 */
export function baseLanguageOf(questionnaire: Record<string, unknown>): string {
  const language = asString(questionnaire.language);
  return language ? primarySubtag(language) : 'en';
}

/**
 * Reads a string element and its translations as the form's localized text.
 * `owner[name]` contains the text in `baseLanguage`; `owner['_' + name]` may
 * carry translation extensions, each with a `lang` code and a `content`.
 * Returns the plain string when there is only one language, so forms without
 * translations look as they always did, and `undefined` when the element is
 * missing or blank. A form shows `en` to anyone whose language it lacks, so a
 * Questionnaire written in another language without an English translation
 * shows its own text there.
 */
export function localizedElement(owner: Record<string, unknown>, name: string, baseLanguage: string): LocalizedText | undefined {
  const text = asString(owner[name]);
  if (!text) return undefined;

  const texts: Record<string, string> = { [baseLanguage]: text };
  const sibling = owner[`_${name}`];
  if (isRecord(sibling)) {
    for (const extension of findExtensions(sibling, TRANSLATION_EXTENSION)) {
      const parts = asArray(extension.extension).filter(isRecord);
      const lang = asString(parts.find((part) => part.url === 'lang')?.valueCode);
      const content = asString(parts.find((part) => part.url === 'content')?.valueString);
      if (lang && content && !(primarySubtag(lang) in texts)) texts[primarySubtag(lang)] = content;
    }
  }

  if (Object.keys(texts).length === 1) return text;
  return { ...texts, en: texts.en ?? text };
}

/**
 * Reads a ValueSet concept's display with its translations: translation
 * extensions on `_display`, and `designation` entries that name a language.
 */
export function localizedConcept(concept: Record<string, unknown>, baseLanguage: string): LocalizedText | undefined {
  const display = localizedElement(concept, 'display', baseLanguage);
  if (!display) return undefined;

  const texts: Record<string, string> = typeof display === 'string' ? { [baseLanguage]: display } : { ...(display as Record<string, string>) };
  for (const designation of asArray(concept.designation).filter(isRecord)) {
    const lang = asString(designation.language);
    const value = asString(designation.value);
    if (lang && value && !(primarySubtag(lang) in texts)) texts[primarySubtag(lang)] = value;
  }

  if (Object.keys(texts).length === 1) return Object.values(texts)[0];
  return { ...texts, en: texts.en ?? texts[baseLanguage]! };
}

/** Puts a prefix such as "1." before each language's text. */
export function withPrefix(prefix: string | undefined, text: LocalizedText): LocalizedText {
  if (!prefix) return text;
  if (typeof text === 'string') return `${prefix} ${text}`;
  return Object.fromEntries(Object.entries(text).map(([lang, value]) => [lang, `${prefix} ${value}`])) as LocalizedText;
}

function primarySubtag(tag: string): string {
  return tag.split(/[-_]/)[0]!.toLowerCase();
}

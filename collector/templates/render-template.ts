import type { EmailTemplate, TemplateLanguage } from './email-template';
import { PLACEHOLDER } from './template-placeholders';

/** A template filled in for one contact. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html?: string;
}

/** Values for placeholders: the send step's variables and the contact's attributes. */
export interface TemplateValues {
  variables: Record<string, string>;
  attributes: Record<string, string | number | boolean | null>;
}

/** A placeholder that neither the step nor the contact gives a value for. */
export class MissingTemplateValueError extends Error {
  constructor(
    readonly templateId: string,
    readonly placeholder: string,
  ) {
    super(
      placeholder.startsWith('contact.')
        ? `Template "${templateId}" uses {{${placeholder}}}, but the contact has no attribute "${placeholder.slice(8)}"; set it on the contact or remove it from the template.`
        : `Template "${templateId}" uses {{${placeholder}}}, but the send step gives no variable "${placeholder}"; add it to the step's variables.`,
    );
    this.name = 'MissingTemplateValueError';
  }
}

/** Picks the template language from the contact's `language` attribute (es, es-MX, …); English otherwise. */
export function templateLanguage(attributes: TemplateValues['attributes']): TemplateLanguage {
  const language = attributes.language;
  return typeof language === 'string' && /^es(?:[-_]|$)/i.test(language) ? 'es' : 'en';
}

/** Fills in a template's subject, text and HTML in one language; values are HTML-escaped in the HTML only. */
export function renderTemplate(template: EmailTemplate, language: TemplateLanguage, values: TemplateValues): RenderedEmail {
  const value = (name: string): string => {
    const found = name.startsWith('contact.') ? values.attributes[name.slice(8)] : values.variables[name];
    if (found === undefined || found === null) throw new MissingTemplateValueError(template.id, name);
    return String(found);
  };
  const fill = (text: string, escape: (value: string) => string) => text.replace(PLACEHOLDER, (_match, name: string) => escape(value(name)));

  return {
    subject: fill(template.subject[language], (item) => item),
    text: fill(template.text[language], (item) => item),
    ...(template.html ? { html: fill(template.html[language], escapeHtml) } : {}),
  };
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

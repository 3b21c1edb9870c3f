import type { TlsRequirement } from '../db/schema/email';

/** Languages every template is written in: patients read English or Spanish. */
export const TEMPLATE_LANGUAGES = ['en', 'es'] as const;

export type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];

/** Text in each language of a template. */
export type Localized = Record<TemplateLanguage, string>;

/**
 * An email that workflow send steps fill in and queue. `{{name}}` takes the
 * step's variable `name`, and `{{contact.name}}` takes the contact's attribute.
 * Values are escaped in the HTML and inserted as they are in the subject
 * and the text. The contact's `language` attribute picks the language;
 * English is the default.
 */
export interface EmailTemplate {
  id: string;
  /** Sender address, such as care@clinic.example. */
  from: string;
  /** Campaign that reports split by; defaults to the workflow id. */
  campaign?: string;
  /** Least TLS the message may be delivered over; none when absent. */
  requireTls?: TlsRequirement;
  subject: Localized;
  text: Localized;
  html?: Localized;
}

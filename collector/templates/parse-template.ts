import { HttpError } from '../http/http-error';
import { parseMessages } from '../email/message-input';
import { rewriteLinks, UnsafeLinkError } from '../tracking/rewrite-links';
import { TEMPLATE_LANGUAGES, type EmailTemplate, type Localized } from './email-template';
import { renderTemplate } from './render-template';
import { hasBrokenPlaceholder, placeholderNames } from './template-placeholders';

/** One problem with a template, located by a path such as `subject.es`. */
export interface TemplateProblem {
  path: string;
  message: string;
}

export type ParsedTemplate = { ok: true; template: EmailTemplate } | { ok: false; errors: TemplateProblem[] };

const FIELDS = new Set(['id', 'from', 'campaign', 'requireTls', 'subject', 'text', 'html']);
const ID = /^[a-z0-9][a-z0-9-]{0,99}$/;

/**
 * Validates a template document and reports every problem at once. Each
 * language is also filled in with sample values and checked as a message
 * at send time. So a bad sender, a subject with a line break or an unsafe
 * link fails here rather than in a running workflow.
 */
export function parseEmailTemplate(input: unknown): ParsedTemplate {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [{ path: '(template)', message: 'is not a JSON object; send { id, from, subject, text, html } with subject, text and html given as { "en": …, "es": … }' }] };
  }

  const value = input as Record<string, unknown>;
  const errors: TemplateProblem[] = [];
  for (const key of Object.keys(value)) {
    if (!FIELDS.has(key)) errors.push({ path: key, message: `is not a template field; use only ${[...FIELDS].join(', ')}` });
  }

  if (typeof value.id !== 'string' || !ID.test(value.id)) errors.push({ path: 'id', message: 'must be 1 to 100 lowercase letters, digits or hyphens, such as intake-welcome' });
  if (typeof value.from !== 'string') errors.push({ path: 'from', message: 'must be the sender address, such as care@clinic.example' });
  else errors.push(...messageProblems({ from: value.from, subject: 'Sample', text: 'Sample' }, 'en'));
  if (value.campaign !== undefined && (typeof value.campaign !== 'string' || value.campaign.trim() === '' || value.campaign.length > 100)) {
    errors.push({ path: 'campaign', message: 'must be 1 to 100 characters, such as intake-follow-up' });
  }
  if (value.requireTls !== undefined && value.requireTls !== 'encrypted' && value.requireTls !== 'verified') {
    errors.push({ path: 'requireTls', message: 'must be "encrypted" or "verified", or be left out' });
  }
  for (const field of ['subject', 'text', 'html'] as const) {
    if (field === 'html' && value.html === undefined) continue;
    errors.push(...localizedProblems(field, value[field]));
  }
  if (errors.length > 0) return { ok: false, errors };

  const template = value as unknown as EmailTemplate;
  errors.push(...sampleProblems(template));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, template };
}

/** Builds the 422 that lists every problem of an invalid template. */
export function invalidTemplate(errors: TemplateProblem[]): HttpError {
  const list = errors.map((error) => `${error.path}: ${error.message}`).join('; ');
  return new HttpError(422, 'invalid_template', `The email template is invalid. ${list}.`, { errors });
}

function localizedProblems(field: string, item: unknown): TemplateProblem[] {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return [{ path: field, message: 'must be an object with an "en" and an "es" text, because patients read English or Spanish' }];

  const problems: TemplateProblem[] = [];
  const texts = item as Record<string, unknown>;
  for (const key of Object.keys(texts)) {
    if (!(TEMPLATE_LANGUAGES as readonly string[]).includes(key)) problems.push({ path: `${field}.${key}`, message: 'is not a template language; use "en" and "es"' });
  }
  for (const language of TEMPLATE_LANGUAGES) {
    const text = texts[language];
    if (typeof text !== 'string' || text.trim() === '') problems.push({ path: `${field}.${language}`, message: 'is missing or empty; give the text in this language' });
    else if (hasBrokenPlaceholder(text)) problems.push({ path: `${field}.${language}`, message: 'has braces that do not form a placeholder; write placeholders as {{name}} or {{contact.name}}' });
  }
  return problems;
}

// Checks a filled-in message as the email API would check it, so a template cannot publish what a send would reject.
function messageProblems(message: Record<string, string>, language: string): TemplateProblem[] {
  try {
    parseMessages({ to: 'patient@example.org', ...message });
    return [];
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const field = String(error.extra.field ?? 'message');
    const text = error.message.replace(/^messages\[0\]\.\S+ /, '').replace(/\.$/, '');
    return [{ path: field === 'subject' || field === 'html' || field === 'text' ? `${field}.${language}` : field, message: text }];
  }
}

function sampleProblems(template: EmailTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const language of TEMPLATE_LANGUAGES) {
    const names = [template.subject, template.text, template.html].flatMap((texts: Localized | undefined) => (texts ? placeholderNames(texts[language]) : []));
    const sample = Object.fromEntries(names.map((name) => [name.replace(/^contact\./, ''), 'sample']));
    const rendered = renderTemplate(template, language, { variables: sample, attributes: sample });

    problems.push(...messageProblems({ from: template.from, subject: rendered.subject, text: rendered.text, ...(rendered.html ? { html: rendered.html } : {}), ...(template.campaign ? { campaign: template.campaign } : {}) }, language));

    if (!rendered.html) continue;
    try {
      rewriteLinks(rendered.html, { pixel: 'https://sealpost.invalid/t/o/x', click: () => 'https://sealpost.invalid/t/c/x' });
    } catch (error) {
      if (!(error instanceof UnsafeLinkError)) throw error;
      problems.push({ path: `html.${language}`, message: `${error.message}; use an absolute http(s) URL or remove the link` });
    }
  }
  return problems;
}

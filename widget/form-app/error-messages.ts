import type { AnswerField } from '../../sdk/form-definition';
import { localize } from '../../sdk/localize';
import {
  ANSWER_ERROR_MESSAGES,
  ANSWER_ERROR_MESSAGES_BY_KIND,
  WHOLE_NUMBER_MESSAGE,
  type ErrorMessageKind,
  type Translation,
} from '../../sdk/messages';
import type { AnswerError } from '../../sdk/validate-answers';
import { formatDate } from './format-date';
import { formatMessage } from './format-message';

/**
 * Describes an answer error as one sentence in the patient's language, naming
 * the field by its label and stating the broken limit. `field` is undefined
 * for an answer the form does not have, which is then named by its id.
 *
 * @example
 * answerErrorText({ field: 'full-name', code: 'required' }, fullNameField, 'es');
 * // 'Introduzca «Nombre completo».'
 */
export function answerErrorText(error: AnswerError, field: AnswerField | undefined, locale: string): string {
  const label = field ? localize(field.label, locale) : error.field;
  const kind = field ? messageKind(field) : undefined;
  const limit = error.limit === undefined ? '' : formatLimit(error.limit, kind, locale);

  return formatMessage(pickMessage(error, kind), locale, { label, limit });
}

function pickMessage(error: AnswerError, kind: ErrorMessageKind | undefined): Translation {
  if (error.code === 'step_mismatch' && error.limit === 1) return WHOLE_NUMBER_MESSAGE;

  const byKind = kind ? ANSWER_ERROR_MESSAGES_BY_KIND[kind][error.code] : undefined;
  return byKind ?? ANSWER_ERROR_MESSAGES[error.code];
}

function messageKind(field: AnswerField): ErrorMessageKind | undefined {
  switch (field.type) {
    case 'select':
    case 'radio':
    case 'boolean':
    case 'checkbox-group':
      return 'choice';
    case 'checkbox':
    case 'date':
    case 'number':
      return field.type;
    case 'attachment':
      return 'file';
    case 'signature':
      return 'signature';
    default:
      return undefined;
  }
}

function formatLimit(limit: number | string, kind: ErrorMessageKind | undefined, locale: string): string {
  if (typeof limit === 'number' && kind === 'file') return formatBytes(limit, locale);
  if (typeof limit === 'number') return new Intl.NumberFormat(locale).format(limit);
  if (kind === 'date') return formatDate(limit, locale);
  return limit;
}

/**
 * Formats a byte count as "1 MB" or "512 kB" in the patient's language. It
 * counts in binary units (1 MB = 1,048,576 bytes), so the limit of 1 MiB reads "1 MB".
 *
 * @example
 * formatBytes(1_048_576, 'es'); // '1 MB'
 */
export function formatBytes(bytes: number, locale: string): string {
  // The symbols read the same in English and Spanish; Intl's unit style would cost tens of milliseconds on first use.
  const [value, unit] = bytes >= 1_048_576 ? [bytes / 1_048_576, 'MB'] : [bytes / 1024, 'kB'];
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value)} ${unit}`;
}

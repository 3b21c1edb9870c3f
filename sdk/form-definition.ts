/**
 * Types of a published form definition, shared by the widget (which renders
 * and validates it) and the collector (which publishes it and validates
 * submissions against it).
 */

/** Text shown to a patient: a plain string, or one string per language tag. */
export type LocalizedText = string | { en: string; es?: string; [lang: string]: string | undefined };

/** Languages the patient-facing strings ship in. */
export const SUPPORTED_LOCALES = ['en', 'es'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

/** One choice of a select, radio or checkbox-group field. */
export interface FieldOption {
  value: string;
  label: LocalizedText;
}

interface FieldBase {
  /** Stable identifier, also the key of the answer. */
  id: string;
  label: LocalizedText;
  help?: LocalizedText;
  required?: boolean;
}

/** Single-line or multi-line text, optionally with a pattern and a length range. */
export interface TextField extends FieldBase {
  type: 'text' | 'email' | 'tel' | 'textarea';
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  /** HTML autocomplete token, such as `name` or `bday`. */
  autocomplete?: string;
}

/** A calendar date, kept as a `YYYY-MM-DD` string end to end. */
export interface DateField extends FieldBase {
  type: 'date';
  /** Earliest date allowed, `YYYY-MM-DD`, or `today`. */
  min?: string;
  /** Latest date allowed, `YYYY-MM-DD`, or `today`. */
  max?: string;
  autocomplete?: string;
}

export interface NumberField extends FieldBase {
  type: 'number';
  min?: number;
  max?: number;
  /** Granularity of accepted values; 1 accepts whole numbers only. */
  step?: number;
}

export interface ChoiceField extends FieldBase {
  type: 'select' | 'radio';
  options: FieldOption[];
}

/** Several choices at once; minLength and maxLength count the choices. */
export interface CheckboxGroupField extends FieldBase {
  type: 'checkbox-group';
  options: FieldOption[];
  minLength?: number;
  maxLength?: number;
}

/** One box; `required` means it must be ticked. */
export interface CheckboxField extends FieldBase {
  type: 'checkbox';
}

/** Text shown between fields; it takes no answer. */
export interface DisplayField {
  id: string;
  type: 'display';
  text: LocalizedText;
}

export type Field =
  | TextField
  | DateField
  | NumberField
  | ChoiceField
  | CheckboxGroupField
  | CheckboxField
  | DisplayField;

export type FieldType = Field['type'];

/** Field types that take an answer. */
export type AnswerField = Exclude<Field, DisplayField>;

export const FIELD_TYPES: readonly FieldType[] = [
  'text',
  'email',
  'tel',
  'textarea',
  'date',
  'number',
  'select',
  'radio',
  'checkbox',
  'checkbox-group',
  'display',
];

export interface FormDefinition {
  /** Lower-case letters, digits and hyphens, such as `new-patient-intake`. */
  id: string;
  /** Positive integer; publishing a changed definition needs a higher one. */
  version: number;
  title: LocalizedText;
  description?: LocalizedText;
  /** Origins (scheme, host, port) of the sites allowed to embed the form. */
  allowedOrigins: string[];
  fields: Field[];
}

/** One answer value; the type follows the field type. */
export type AnswerValue = string | number | boolean | string[];

/** Answers keyed by field id; an unanswered field has no key. */
export type Answers = Record<string, AnswerValue>;

/** The plaintext that the browser encrypts into the JWE. */
export interface SubmissionPayload {
  formId: string;
  formVersion: number;
  locale: string;
  answers: Answers;
}

/** The JSON body posted to `/v1/forms/:formId/submissions`. */
export interface SubmissionEnvelope {
  formVersion: number;
  kid: string;
  jwe: string;
  idempotencyKey: string;
}

/** The collector's answer to an accepted submission. */
export interface SubmissionReceipt {
  id: string;
  receivedAt: string;
}

/** What `GET /v1/forms/:formId` returns. */
export interface PublishedForm {
  definition: FormDefinition;
  key: { kid: string; jwk: JsonWebKey & { kid: string } };
}

export function isAnswerField(field: Field): field is AnswerField {
  return field.type !== 'display';
}

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

/** One choice of a select, radio, checkbox-group or open-choice field. */
export interface FieldOption {
  value: string;
  label: LocalizedText;
  /** Ordinal value that scoring adds up, such as 0 to 3 on a PHQ-9 answer (FHIR `ordinalValue`). */
  score?: number;
  /** Code system of an option imported from a FHIR Coding, such as `http://loinc.org`; exported with the code. */
  system?: string;
  /**
   * FHIR type of an option imported from an `answerOption` that is not a
   * Coding, such as `valueInteger`; absent means a Coding. A FHIR export
   * answers with the same type.
   */
  valueType?: OptionValueType;
}

/** FHIR `answerOption` value types other than Coding that an option can come from. */
export type OptionValueType = 'integer' | 'date' | 'time' | 'string';

export const OPTION_VALUE_TYPES: readonly OptionValueType[] = ['integer', 'date', 'time', 'string'];

/**
 * Comparison of a condition. `exists` tests whether the other field has an
 * answer (`value: true`) or has none (`value: false`); the others compare the
 * answer with `value`, and a field with several answers matches when any of
 * them does (`!=` matches when none of them equals `value`).
 */
export type ConditionOperator = 'exists' | '=' | '!=' | '>' | '<' | '>=' | '<=';

export const CONDITION_OPERATORS: readonly ConditionOperator[] = ['exists', '=', '!=', '>', '<', '>=', '<='];

/**
 * A rule that enables a field from another field's answer. Inside a repeating
 * group, a field of the same group is read from the same instance.
 */
export interface Condition {
  /** Id of the field whose answer is tested. */
  field: string;
  operator: ConditionOperator;
  value: string | number | boolean;
}

/** Properties that every field, display text and group share. */
interface ItemBase {
  /** Stable identifier, also the key of the answer. Unique across the whole form, groups included. */
  id: string;
  /**
   * Conditions that enable the item. A disabled item is not shown, and an
   * answer to it is rejected, so its answer must be left out of a submission.
   */
  enableWhen?: Condition[];
  /** Whether all conditions (the default) or any one must hold. */
  enableBehavior?: 'all' | 'any';
  /** The FHIR Questionnaire `linkId` the item was imported from. */
  linkId?: string;
  /**
   * The FHIR item type the item was imported from, kept only where the field
   * type alone would export another one: `quantity` (a number with a unit),
   * and `choice` or `open-choice` imported as free text.
   */
  fhirType?: FhirTypeOverride;
}

/** FHIR item types that a field keeps in `fhirType`. */
export type FhirTypeOverride = 'quantity' | 'choice' | 'open-choice';

export const FHIR_TYPE_OVERRIDES: readonly FhirTypeOverride[] = ['quantity', 'choice', 'open-choice'];

interface FieldBase extends ItemBase {
  label: LocalizedText;
  help?: LocalizedText;
  required?: boolean;
  /** Shown with its `initial` value but not editable; an answer to it is rejected. */
  readOnly?: boolean;
  /** Value the control starts with; the patient may change it unless `readOnly`. */
  initial?: AnswerValue;
  /**
   * The embedding page may set the starting value, from a `prefill-ID`
   * attribute, the `prefill` attribute or `element.prefill()`. Mark only
   * questions whose value is not PHI, such as the clinic location; a prefill
   * of any other item is refused.
   */
  prefillable?: boolean;
}

/** Single-line or multi-line text, optionally with a pattern and a length range. `url` takes an http(s) URL. */
export interface TextField extends FieldBase {
  type: 'text' | 'email' | 'tel' | 'textarea' | 'url';
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

/** A local date and time `YYYY-MM-DDTHH:MM`, or a time of day `HH:MM` (seconds optional in both). */
export interface DateTimeField extends FieldBase {
  type: 'datetime' | 'time';
}

export interface NumberField extends FieldBase {
  type: 'number';
  min?: number;
  max?: number;
  /** Granularity of accepted values; 1 accepts whole numbers only. */
  step?: number;
  /** Unit shown after the control, such as `kg`; the answer is the number alone. */
  unit?: LocalizedText;
}

/** A yes/no question: `true` or `false` are both answers, unlike a checkbox. */
export interface BooleanField extends FieldBase {
  type: 'boolean';
}

/** Free text with the options offered as suggestions; the answer is any string. */
export interface OpenChoiceField extends FieldBase {
  type: 'open-choice';
  options: FieldOption[];
  maxLength?: number;
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

/**
 * A file the patient attaches. It travels base64-encoded inside the JWE, so
 * the attachments of a form may add up to at most {@link ATTACHMENT_MAX_BYTES},
 * which keeps an encrypted submission under the collector's default 2 MiB
 * body limit. Attachments cannot sit inside repeating groups.
 */
export interface AttachmentField extends FieldBase {
  type: 'attachment';
  /** MIME types accepted, such as `application/pdf` or `image/*`; any type when absent. */
  accept?: string[];
  /** Largest file in bytes (default and maximum {@link ATTACHMENT_MAX_BYTES}). */
  maxBytes?: number;
}

/** Largest total size of a form's attachments: 1 MiB. */
export const ATTACHMENT_MAX_BYTES = 1_048_576;

/** The answer of an attachment field. */
export interface AttachmentValue {
  name: string;
  /** MIME type reported by the browser; may be empty. */
  type: string;
  /** Size in bytes of the decoded file. */
  size: number;
  /** The file's bytes in base64. */
  data: string;
}

/**
 * A signature, drawn with a pointer or touch or typed as a name (the
 * keyboard alternative). A drawn one travels as a PNG data URL inside the
 * JWE, at most {@link SIGNATURE_MAX_CHARS} characters, which count toward the
 * form's attachment budget. Signatures cannot sit inside repeating groups.
 */
export interface SignatureField extends FieldBase {
  type: 'signature';
}

/** Longest drawn signature, as data URL characters: 64 KiB, several times a typical line drawing. */
export const SIGNATURE_MAX_CHARS = 65_536;

/** The answer of a signature field. */
export type SignatureValue = { method: 'drawn'; image: string } | { method: 'typed'; name: string };

/** Text shown between fields; it takes no answer. */
export interface DisplayField extends ItemBase {
  type: 'display';
  text: LocalizedText;
}

/**
 * Fields shown together under a heading. The answers of a plain group's fields
 * sit beside the other answers, keyed by their own ids. A repeating group's
 * answer is an array with one object of answers per instance, keyed by the
 * group id: `{ medications: [{ drug: 'Aspirin' }, { drug: 'Insulin' }] }`.
 */
export interface GroupField extends ItemBase {
  type: 'group';
  label: LocalizedText;
  help?: LocalizedText;
  fields: Field[];
  /** The patient may add several instances of the group. */
  repeats?: boolean;
  /** Most instances of a repeating group (default 20). */
  maxRepeats?: number;
}

export type Field =
  | TextField
  | DateField
  | DateTimeField
  | NumberField
  | BooleanField
  | ChoiceField
  | OpenChoiceField
  | CheckboxGroupField
  | CheckboxField
  | AttachmentField
  | SignatureField
  | DisplayField
  | GroupField;

export type FieldType = Field['type'];

/** Field types that take a single answer of their own. */
export type AnswerField = Exclude<Field, DisplayField | GroupField>;

export const FIELD_TYPES: readonly FieldType[] = [
  'text',
  'email',
  'tel',
  'textarea',
  'url',
  'date',
  'datetime',
  'time',
  'number',
  'boolean',
  'select',
  'radio',
  'open-choice',
  'checkbox',
  'checkbox-group',
  'attachment',
  'signature',
  'display',
  'group',
];

/** Instances a repeating group allows when it sets no `maxRepeats`. */
export const DEFAULT_MAX_REPEATS = 20;

/**
 * Authorization text of a consent form, in English and Spanish. Publishing
 * stores each text with its SHA-256 under the form version; the patient
 * ticks an unticked box, types their full name and signs below it.
 */
export interface ConsentDefinition {
  /** The authorization, one string per language; a blank line starts a new paragraph. */
  text: { en: string; es: string };
}

/**
 * What a consent submission records about the text the patient saw. It
 * travels inside the JWE, and the collector compares the hash with the one
 * published for that form version and locale before it stores anything.
 */
export interface ConsentRecord {
  formVersion: number;
  /** The language of the text shown, `en` or `es`. */
  locale: Locale;
  /** SHA-256 of the shown text's UTF-8 bytes, 64 lower-case hex digits. */
  textSha256: string;
}

export interface FormDefinition {
  /** Lower-case letters, digits and hyphens, such as `new-patient-intake`. */
  id: string;
  /** Positive integer; publishing a changed definition needs a higher one. */
  version: number;
  title: LocalizedText;
  description?: LocalizedText;
  /**
   * Language tag of the form's plain-string texts, such as `ar` for a form
   * written in Arabic only (default `en`). A right-to-left language (ar, he,
   * fa, ur) lays the form out right to left.
   */
  language?: string;
  /** Canonical URL of the FHIR Questionnaire the form was imported from; a FHIR export names it. */
  questionnaire?: string;
  /** Makes the form a consent form: the authorization text is shown above a tick box, the full name and a signature. */
  consent?: ConsentDefinition;
  /** Origins (scheme, host, port) of the sites allowed to embed the form. */
  allowedOrigins: string[];
  /** Seconds without activity after which the form clears every answer (default 600, from 60 to 86400). */
  idleTimeoutSeconds?: number;
  fields: Field[];
}

/** One answer value; the type follows the field type, and a repeating group's answer is its instances. */
export type AnswerValue = string | number | boolean | string[] | Answers[] | AttachmentValue | SignatureValue;

/** Answers keyed by field id; an unanswered field has no key. */
export interface Answers {
  [fieldId: string]: AnswerValue;
}

/** The plaintext that the browser encrypts into the JWE. */
export interface SubmissionPayload {
  formId: string;
  formVersion: number;
  locale: string;
  answers: Answers;
  /** Present exactly when the form is a consent form. */
  consent?: ConsentRecord;
}

/** The JSON body posted to `/v1/forms/:formId/submissions`. */
export interface SubmissionEnvelope {
  formVersion: number;
  kid: string;
  jwe: string;
  idempotencyKey: string;
  /**
   * The signed contact token that the host page gave `<sealpost-form contact-token>`,
   * beside the JWE, never inside it: the collector checks it before decrypting,
   * and starts the form's form_submitted workflows for that contact.
   */
  contactToken?: string;
}

/** The collector's answer to an accepted submission. */
export interface SubmissionReceipt {
  id: string;
  receivedAt: string;
}

/** Response body of `GET /v1/forms/:formId`. */
export interface PublishedForm {
  definition: FormDefinition;
  key: { kid: string; jwk: JsonWebKey & { kid: string } };
}

export function isAnswerField(field: Field): field is AnswerField {
  return field.type !== 'display' && field.type !== 'group';
}

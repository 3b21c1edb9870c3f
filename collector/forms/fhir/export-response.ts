import { isEnabled, type AnswerScope } from '../../../sdk/conditions';
import { formFields } from '../../../sdk/consent';
import type { AnswerField, AnswerValue, Answers, Field, FieldOption, FormDefinition, SubmissionPayload } from '../../../sdk/form-definition';
import { localize } from '../../../sdk/localize';

/*
 * Writes a decrypted submission as an HL7 FHIR R4 QuestionnaireResponse
 * (https://hl7.org/fhir/R4/questionnaireresponse.html). Each answered item
 * carries the linkId it was imported from (else the field id), and each
 * answer the value[x] of the item's FHIR type. A repeating group's instances
 * are repeated items with the same linkId.
 */

/** One `answer` of a response item: exactly one value[x]. */
export type FhirAnswer = Record<`value${string}`, unknown>;

export interface FhirResponseItem {
  linkId: string;
  text?: string;
  answer?: FhirAnswer[];
  item?: FhirResponseItem[];
}

export interface FhirQuestionnaireResponse {
  resourceType: 'QuestionnaireResponse';
  id: string;
  identifier: { system: string; value: string };
  questionnaire: string;
  status: 'completed';
  authored: string;
  language: string;
  extension?: { url: string; extension: { url: string; [value: string]: unknown }[] }[];
  item: FhirResponseItem[];
}

/** The FHIR item types a field exports as. */
export type FhirItemType = 'group' | 'boolean' | 'decimal' | 'integer' | 'date' | 'dateTime' | 'time' | 'string' | 'text' | 'url' | 'choice' | 'open-choice' | 'attachment' | 'quantity';

/** Extension of a consent form's response: the version, language and SHA-256 of the authorization text signed. */
export const CONSENT_EXTENSION = 'urn:sealpost:fhir:StructureDefinition:consent-text';

/**
 * Returns the FHIR item type of a field: the one it was imported from where
 * the field type alone cannot tell (`fhirType`), else the one its type maps to.
 *
 * @example
 * fhirItemType({ id: 'weight', type: 'number', label: 'Weight', unit: 'kg', fhirType: 'quantity' }); // 'quantity'
 */
export function fhirItemType(field: AnswerField | Extract<Field, { type: 'group' }>): FhirItemType {
  if (field.fhirType) return field.fhirType;
  switch (field.type) {
    case 'group':
      return 'group';
    case 'boolean':
    case 'checkbox':
      return 'boolean';
    case 'number':
      return field.step === 1 ? 'integer' : 'decimal';
    case 'date':
      return 'date';
    case 'datetime':
      return 'dateTime';
    case 'time':
      return 'time';
    case 'textarea':
      return 'text';
    case 'url':
      return 'url';
    case 'select':
    case 'radio':
    case 'checkbox-group':
      return 'choice';
    case 'open-choice':
      return 'open-choice';
    case 'attachment':
    case 'signature':
      return 'attachment';
    default:
      return 'string';
  }
}

/** The stored facts of a submission that the response needs besides the answers. */
export interface ExportedSubmission {
  id: string;
  receivedAt: Date;
}

/**
 * Converts a decrypted submission into a QuestionnaireResponse of the form
 * version it answers. Unanswered items are left out, as FHIR asks.
 *
 * @example
 * const { metadata, form, payload } = await readSubmission(db, custody, id, { actor, via: 'cli', export: { format: 'fhir' } });
 * JSON.stringify(toQuestionnaireResponse(metadata, form, payload), null, 2);
 */
export function toQuestionnaireResponse(submission: ExportedSubmission, form: FormDefinition, payload: SubmissionPayload): FhirQuestionnaireResponse {
  const response: FhirQuestionnaireResponse = {
    resourceType: 'QuestionnaireResponse',
    id: submission.id,
    identifier: { system: 'urn:sealpost:submission', value: submission.id },
    questionnaire: form.questionnaire ?? `urn:sealpost:form:${form.id}|${form.version}`,
    status: 'completed',
    authored: submission.receivedAt.toISOString(),
    language: payload.locale,
    item: responseItems(formFields(form), { own: payload.answers }, payload.locale),
  };
  if (payload.consent) {
    response.extension = [
      {
        url: CONSENT_EXTENSION,
        extension: [
          { url: 'formVersion', valueInteger: payload.consent.formVersion },
          { url: 'locale', valueCode: payload.consent.locale },
          { url: 'textSha256', valueString: payload.consent.textSha256 },
        ],
      },
    ];
  }
  return response;
}

function responseItems(fields: Field[], scope: AnswerScope, locale: string): FhirResponseItem[] {
  return fields.flatMap((field): FhirResponseItem[] => {
    if (field.type === 'display' || !isEnabled(field, scope)) return [];

    const linkId = field.linkId ?? field.id;
    const text = localize(field.label, locale);
    if (field.type === 'group' && !field.repeats) {
      const item = responseItems(field.fields, scope, locale);
      return item.length > 0 ? [{ linkId, text, item }] : [];
    }
    if (field.type === 'group') {
      const instances = Array.isArray(scope.own[field.id]) ? (scope.own[field.id] as Answers[]) : [];
      const outer = { ...scope.outer, ...scope.own };
      // An instance left empty has nothing to say, and FHIR leaves unanswered items out.
      return instances.map((instance) => ({ linkId, text, item: responseItems(field.fields, { own: instance, outer }, locale) })).filter((item) => item.item.length > 0);
    }

    const value = scope.own[field.id];
    const answer = value === undefined ? [] : answersOf(field, value, locale);
    return answer.length > 0 ? [{ linkId, text, answer }] : [];
  });
}

/** Converts one field's answer into FHIR answers: one per chosen option of a checkbox group, else one. */
function answersOf(field: AnswerField, value: AnswerValue, locale: string): FhirAnswer[] {
  const type = fhirItemType(field);
  const options: FieldOption[] = 'options' in field ? field.options : [];
  const option = (code: string) => options.find((candidate) => candidate.value === code);

  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? [{ valueBoolean: value }] : [];
    case 'integer':
      return typeof value === 'number' ? [{ valueInteger: value }] : [];
    case 'decimal':
      return typeof value === 'number' ? [{ valueDecimal: value }] : [];
    case 'quantity': {
      if (typeof value !== 'number') return [];
      const unit = field.type === 'number' && field.unit ? localize(field.unit, locale) : undefined;
      return [{ valueQuantity: unit ? { value, unit } : { value } }];
    }
    case 'date':
      return typeof value === 'string' ? [{ valueDate: value }] : [];
    case 'dateTime':
      // A datetime field is local time, as typed; the patient's zone is not known.
      return typeof value === 'string' ? [{ valueDateTime: withSeconds(value) }] : [];
    case 'time':
      return typeof value === 'string' ? [{ valueTime: withSeconds(value) }] : [];
    case 'url':
      return typeof value === 'string' ? [{ valueUri: value }] : [];
    case 'choice':
    case 'open-choice': {
      let codes: string[] = [];
      if (Array.isArray(value)) codes = value.filter((item): item is string => typeof item === 'string');
      else if (typeof value === 'string') codes = [value];
      return codes.map((code) => {
        const chosen = option(code);
        if (chosen) return optionAnswer(chosen, locale);
        // Free text: an open choice's own answer, or a choice imported without its options.
        return type === 'open-choice' ? { valueString: code } : { valueCoding: { display: code } };
      });
    }
    case 'attachment':
      return attachmentAnswer(value);
    default:
      return typeof value === 'string' ? [{ valueString: value }] : [];
  }
}

/** Answers with the option's own FHIR type: a Coding, unless it was imported from another answerOption type. */
function optionAnswer(option: FieldOption, locale: string): FhirAnswer {
  switch (option.valueType) {
    case 'integer':
      return { valueInteger: Number(option.value) };
    case 'date':
      return { valueDate: option.value };
    case 'time':
      return { valueTime: withSeconds(option.value) };
    case 'string':
      return { valueString: option.value };
    default:
      return { valueCoding: { ...(option.system ? { system: option.system } : {}), code: option.value, display: localize(option.label, locale) } };
  }
}

/** Converts a file into an Attachment, a drawn signature into a PNG Attachment, and a typed one into its name. */
function attachmentAnswer(value: AnswerValue): FhirAnswer[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  if ('method' in value) {
    if (value.method === 'typed') return [{ valueString: value.name }];
    return [{ valueAttachment: { contentType: 'image/png', data: value.image.slice(value.image.indexOf(',') + 1), title: 'signature.png' } }];
  }
  return [{ valueAttachment: { ...(value.type ? { contentType: value.type } : {}), data: value.data, title: value.name, size: value.size } }];
}

/** FHIR times carry seconds: `14:30` becomes `14:30:00`, also after a date. */
function withSeconds(value: string): string {
  return /(^|T)\d{2}:\d{2}$/.test(value) ? `${value}:00` : value;
}

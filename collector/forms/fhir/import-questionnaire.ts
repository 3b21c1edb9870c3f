import { ATTACHMENT_MAX_BYTES, type AttachmentField, type Field, type FormDefinition } from '../../../sdk/form-definition';
import type { ImportContext, ImportWarning } from './import-context';
import { importItems } from './import-item';
import { readValueSet } from './import-options';
import { asArray, asString, isRecord, type FhirQuestionnaire } from './questionnaire';
import { baseLanguageOf, localizedElement } from './translations';

export type { ImportWarning } from './import-context';

/** Settings a Questionnaire does not carry. */
export interface ImportOptions {
  /** Form id; by default the Questionnaire's `id`, lower-cased with other characters turned into hyphens. */
  id?: string;
  /** Positive integer; default 1. */
  version?: number;
  /** Origins of the sites that may embed the form. */
  allowedOrigins: string[];
}

export interface ImportResult {
  /** The converted form. It is not yet checked: pass it to parseFormDefinition or publishForm. */
  definition: FormDefinition;
  /** Everything that was left out or changed, by linkId. */
  warnings: ImportWarning[];
}

/** Questionnaire properties that change nothing a patient sees or answers, so dropping them is not reported. */
const METADATA = new Set([
  'resourceType', 'id', 'meta', 'text', 'url', 'identifier', 'version', 'name', 'title', 'status', 'experimental',
  'subjectType', 'date', 'publisher', 'contact', 'description', 'useContext', 'jurisdiction', 'purpose', 'copyright',
  'approvalDate', 'lastReviewDate', 'effectivePeriod', 'code', 'contained', 'item', 'implicitRules', 'language',
  '_title', '_description',
]);

const FIELD_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Converts an HL7 FHIR R4 Questionnaire into a form definition. Items,
 * enableWhen, required, repeats, readOnly, maxLength, options (from
 * answerOption or a contained ValueSet, with ordinal scores) and initial
 * values carry over. What the form cannot represent is reported in
 * `warnings`, named by linkId, and is never dropped without one.
 *
 * @throws TypeError when the value is not a Questionnaire resource.
 * @example
 * const { definition, warnings } = importQuestionnaire(JSON.parse(text), { allowedOrigins: ['https://clinic.example'] });
 * for (const warning of warnings) console.warn(`${warning.linkId}: ${warning.message}`);
 */
export function importQuestionnaire(resource: unknown, options: ImportOptions): ImportResult {
  if (!isRecord(resource) || resource.resourceType !== 'Questionnaire') {
    throw new TypeError(`The file is not a FHIR Questionnaire (resourceType is ${JSON.stringify(isRecord(resource) ? resource.resourceType : undefined)}); export the form as a Questionnaire resource in JSON.`);
  }

  const questionnaire = resource as FhirQuestionnaire;
  const warnings: ImportWarning[] = [];
  const language = baseLanguageOf(questionnaire);
  const context: ImportContext = {
    fieldIds: assignFieldIds(questionnaire.item),
    claimed: new Set(),
    valueSets: containedValueSets(questionnaire, language, warnings),
    language,
    warn: (linkId, message) => warnings.push({ linkId, message }),
  };

  for (const key of Object.keys(questionnaire)) {
    if (!METADATA.has(key)) context.warn('(questionnaire)', `The property ${key} is not supported and was ignored.`);
  }

  const description = localizedElement(questionnaire, 'description', language);
  const canonical = canonicalOf(questionnaire);
  const definition: FormDefinition = {
    id: options.id ?? formIdOf(questionnaire),
    version: options.version ?? 1,
    title: localizedElement(questionnaire, 'title', language) ?? asString(questionnaire.name) ?? asString(questionnaire.id) ?? 'Questionnaire',
    ...(description ? { description } : {}),
    ...(canonical ? { questionnaire: canonical } : {}),
    allowedOrigins: options.allowedOrigins,
    fields: importItems(questionnaire.item, context, false),
  };
  dropConditionsOnMissingFields(definition.fields, collectIds(definition.fields), context);
  shareAttachmentLimit(definition.fields, context);
  return { definition, warnings };
}

/** Lowers the attachments' limits to equal shares when together they would exceed what one submission may carry. */
function shareAttachmentLimit(fields: Field[], context: ImportContext): void {
  const attachments = flattenFields(fields).filter((field): field is AttachmentField => field.type === 'attachment');
  const total = attachments.reduce((sum, field) => sum + (field.maxBytes ?? ATTACHMENT_MAX_BYTES), 0);
  if (total <= ATTACHMENT_MAX_BYTES) return;

  const share = Math.floor(ATTACHMENT_MAX_BYTES / attachments.length);
  for (const field of attachments) {
    field.maxBytes = Math.min(field.maxBytes ?? ATTACHMENT_MAX_BYTES, share);
    context.warn(field.linkId ?? field.id, `The form's attachments may carry ${ATTACHMENT_MAX_BYTES} bytes together, so this one is limited to ${field.maxBytes} bytes.`);
  }
}

function flattenFields(fields: Field[]): Field[] {
  return fields.flatMap((field) => (field.type === 'group' ? flattenFields(field.fields) : [field]));
}

function collectIds(fields: Field[]): Set<string> {
  return new Set(fields.flatMap((field) => [field.id, ...(field.type === 'group' ? collectIds(field.fields) : [])]));
}

/** Removes conditions on items that were left out, since the parser rejects a condition on an unknown field. */
function dropConditionsOnMissingFields(fields: Field[], ids: Set<string>, context: ImportContext): void {
  for (const field of fields) {
    const kept = field.enableWhen?.filter((condition) => ids.has(condition.field));
    if (field.enableWhen && kept && kept.length < field.enableWhen.length) {
      context.warn(field.linkId ?? field.id, 'A condition on an item that was left out was removed as well.');
      if (kept.length > 0) field.enableWhen = kept;
      else delete field.enableWhen;
    }
    if (field.type === 'group') dropConditionsOnMissingFields(field.fields, ids, context);
  }
}

/**
 * Gives every linkId a field id: the linkId itself when it is a valid field
 * id, else with each run of other characters turned into a hyphen (`H1/T1/Q1`
 * becomes `H1-T1-Q1`), made unique with a numeric suffix.
 */
function assignFieldIds(items: unknown): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();

  const visit = (list: unknown) => {
    for (const item of asArray(list)) {
      if (!isRecord(item)) continue;
      const linkId = asString(item.linkId);
      if (linkId && !ids.has(linkId)) {
        const id = uniqueId(fieldIdFor(linkId), used);
        ids.set(linkId, id);
        used.add(id);
      }
      visit(item.item);
    }
  };
  visit(items);
  return ids;
}

function fieldIdFor(linkId: string): string {
  if (FIELD_ID.test(linkId)) return linkId;
  const cleaned = linkId.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 120);
  return cleaned === '' ? 'item' : cleaned;
}

function uniqueId(base: string, used: Set<string>): string {
  if (!used.has(base)) return base;
  let suffix = 2;
  while (used.has(`${base}-${suffix}`)) suffix++;
  return `${base}-${suffix}`;
}

/** The Questionnaire's canonical reference, `url|version` when it has a version, for a QuestionnaireResponse to name. */
function canonicalOf(questionnaire: FhirQuestionnaire): string | undefined {
  const url = asString(questionnaire.url);
  if (!url || /\s/.test(url)) return undefined;
  const version = asString(questionnaire.version);
  return version && !/[\s|]/.test(version) ? `${url}|${version}` : url;
}

function formIdOf(questionnaire: FhirQuestionnaire): string {
  const source = asString(questionnaire.id) ?? asString(questionnaire.name) ?? 'questionnaire';
  return source.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'questionnaire';
}

function containedValueSets(questionnaire: FhirQuestionnaire, language: string, warnings: ImportWarning[]) {
  const sets = new Map<string, ReturnType<typeof readValueSet>>();
  for (const resource of asArray(questionnaire.contained)) {
    if (!isRecord(resource)) continue;
    const id = asString(resource.id);
    if (resource.resourceType === 'ValueSet' && id) sets.set(id, readValueSet(resource, language));
    else warnings.push({ linkId: '(questionnaire)', message: `The contained ${String(resource.resourceType)} "${id ?? ''}" is not used by the form.` });
  }
  return sets;
}

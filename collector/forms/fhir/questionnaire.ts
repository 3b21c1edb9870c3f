/**
 * The parts of an HL7 FHIR R4 Questionnaire that the importer reads. Every
 * property is optional and unknown, because the file comes from elsewhere and
 * is checked as it is read.
 *
 * Reference: https://hl7.org/fhir/R4/questionnaire.html
 */

export interface FhirExtension {
  url?: unknown;
  [valueKey: string]: unknown;
}

export interface FhirCoding {
  system?: unknown;
  code?: unknown;
  display?: unknown;
  extension?: unknown;
}

export interface FhirItem {
  linkId?: unknown;
  text?: unknown;
  type?: unknown;
  item?: unknown;
  extension?: unknown;
  [key: string]: unknown;
}

export interface FhirQuestionnaire {
  resourceType?: unknown;
  id?: unknown;
  name?: unknown;
  title?: unknown;
  description?: unknown;
  contained?: unknown;
  item?: unknown;
  [key: string]: unknown;
}

/** Extension URLs the importer understands. */
export const EXTENSIONS = {
  itemControl: 'http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl',
  unit: 'http://hl7.org/fhir/StructureDefinition/questionnaire-unit',
  minValue: 'http://hl7.org/fhir/StructureDefinition/minValue',
  maxValue: 'http://hl7.org/fhir/StructureDefinition/maxValue',
  ordinalValue: 'http://hl7.org/fhir/StructureDefinition/ordinalValue',
  itemWeight: 'http://hl7.org/fhir/StructureDefinition/itemWeight',
  maxSize: 'http://hl7.org/fhir/StructureDefinition/maxSize',
  mimeType: 'http://hl7.org/fhir/StructureDefinition/mimeType',
  calculatedExpression: 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression',
} as const;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Returns the extensions of an element with the given URL. */
export function findExtensions(element: { extension?: unknown }, url: string): FhirExtension[] {
  return asArray(element.extension).filter((extension): extension is FhirExtension => isRecord(extension) && extension.url === url);
}

/** Reads the ordinal score of an answer option or a ValueSet concept: `ordinalValue`, else `itemWeight`. */
export function readScore(element: { extension?: unknown }): number | undefined {
  for (const url of [EXTENSIONS.ordinalValue, EXTENSIONS.itemWeight]) {
    const value = findExtensions(element, url)[0]?.valueDecimal ?? findExtensions(element, url)[0]?.valueInteger;
    if (typeof value === 'number' && Number.isFinite(value)) return value;
  }
  return undefined;
}

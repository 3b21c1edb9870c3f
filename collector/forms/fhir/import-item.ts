import { ATTACHMENT_MAX_BYTES, type Field, type FieldOption, type GroupField, type LocalizedText } from '../../../sdk/form-definition';
import type { ImportContext } from './import-context';
import { importConditions, importInitial, importOptions, initialFor } from './import-options';
import { EXTENSIONS, asArray, asString, findExtensions, isRecord, type FhirItem } from './questionnaire';
import { localizedElement, withPrefix } from './translations';

/** Item properties that the importer converts; any other property is reported. */
const HANDLED = new Set([
  'linkId', 'text', '_text', 'type', 'item', 'extension', 'required', 'repeats', 'readOnly', 'maxLength',
  'enableWhen', 'enableBehavior', 'answerOption', 'answerValueSet', 'initial', 'prefix',
]);

/** Extensions that the importer converts; any other extension is reported. */
const HANDLED_EXTENSIONS = new Set<string>([EXTENSIONS.itemControl, EXTENSIONS.unit, EXTENSIONS.minValue, EXTENSIONS.maxValue, EXTENSIONS.maxSize, EXTENSIONS.mimeType]);

/**
 * Converts a list of Questionnaire items into fields. An item that the form
 * cannot represent is left out with a warning naming its linkId.
 */
export function importItems(items: unknown, context: ImportContext, insideRepeat: boolean): Field[] {
  return asArray(items).flatMap((item) => (isRecord(item) ? importItem(item as FhirItem, context, insideRepeat) : []));
}

function importItem(item: FhirItem, context: ImportContext, insideRepeat: boolean): Field[] {
  const linkId = asString(item.linkId) ?? '(no linkId)';
  const id = context.fieldIds.get(linkId);
  if (!id || context.claimed.has(linkId)) {
    context.warn(linkId, 'The item has no linkId, or one already used by an earlier item, so it was left out.');
    return [];
  }

  context.claimed.add(linkId);
  reportUnhandled(item, linkId, context);
  const type = asString(item.type);
  if (findExtensions(item, EXTENSIONS.calculatedExpression).length > 0) {
    context.warn(linkId, 'The item is calculated (sdc-questionnaire-calculatedExpression), which forms do not evaluate, so it was left out. Compute scores after submission with totalScore from sdk/score.ts.');
    return [];
  }

  const common = commonProperties(item, linkId, id, context);
  if (type === 'group') return importGroup(item, linkId, common, context, insideRepeat);
  if (type === 'display') return isHelpItem(item) ? [] : [{ ...common, type: 'display', text: labelOf(item, linkId, context) }];

  const field = importQuestion(item, type, linkId, common, context);
  const children = asArray(item.item).filter((child) => !isHelpItem(child));
  if (children.length > 0) context.warn(linkId, 'Items nested under a question are shown after it, at the same level, because forms nest fields only in groups.');

  return [...(field ? [field] : []), ...importItems(children, context, insideRepeat)];
}

type Common = { id: string; linkId: string; enableWhen?: Field['enableWhen']; enableBehavior?: 'all' | 'any' };

function commonProperties(item: FhirItem, linkId: string, id: string, context: ImportContext): Common {
  const enableWhen = importConditions(item, linkId, context);
  const common: Common = { id, linkId };
  if (enableWhen.length > 0) common.enableWhen = enableWhen;
  if (enableWhen.length > 1 && item.enableBehavior === 'any') common.enableBehavior = 'any';
  return common;
}

function importGroup(item: FhirItem, linkId: string, common: Common, context: ImportContext, insideRepeat: boolean): Field[] {
  let repeats = item.repeats === true;
  if (repeats && insideRepeat) {
    context.warn(linkId, 'A repeating group inside a repeating group is not supported; it was imported as a plain group.');
    repeats = false;
  }

  const fields = importItems(item.item, context, insideRepeat || repeats);
  if (fields.length === 0) {
    context.warn(linkId, 'The group has no items the form can show, so it was left out.');
    return [];
  }

  const group: GroupField = { ...common, type: 'group', label: labelOf(item, linkId, context), fields };
  const help = helpOf(item, context);
  if (help) group.help = help;
  if (repeats) group.repeats = true;
  if (item.required === true) context.warn(linkId, 'required on a group is not supported; mark its questions required instead.');
  return [group];
}

function importQuestion(item: FhirItem, type: string | undefined, linkId: string, common: Common, context: ImportContext): Field | undefined {
  const base = { ...common, label: labelOf(item, linkId, context), ...flags(item), ...helpProperty(item, context) };
  const initial = importInitial(item, linkId, context);
  const withInitial = <T extends Field>(field: T, several = false): T => {
    const value = initialFor(initial, several);
    return value === undefined ? field : { ...field, initial: value };
  };
  const single = (kind: string) => {
    if (item.repeats === true) context.warn(linkId, `repeats on a ${kind} item is not supported; the form collects one answer.`);
  };

  switch (type) {
    case 'boolean':
      single(type);
      return withInitial({ ...base, type: 'boolean' });
    case 'decimal':
    case 'integer':
    case 'quantity':
      single(type);
      // A quantity keeps its FHIR type, since a number with a unit could also be a decimal.
      return withInitial({ ...base, type: 'number', ...numberRules(item, type, linkId, context), ...(type === 'quantity' ? { fhirType: 'quantity' as const } : {}) });
    case 'date':
      single(type);
      return withInitial({ ...base, type: 'date' });
    case 'dateTime':
      single(type);
      return withInitial({ ...base, type: 'datetime' });
    case 'time':
      single(type);
      return withInitial({ ...base, type: 'time' });
    case 'string':
    case 'text':
    case 'url':
      single(type);
      return withInitial(textField(item, type, base, linkId, initial, context));
    case 'choice':
      return choiceField(item, linkId, base, initial, context);
    case 'open-choice': {
      single(type);
      const options = importOptions(item, linkId, context);
      const maxLength = lengthLimit(item);
      if (!options) return withInitial({ ...base, type: 'text', fhirType: 'open-choice', ...maxLength });
      return withInitial({ ...base, type: 'open-choice', options, ...maxLength });
    }
    case 'attachment':
      single(type);
      return attachmentField(item, base, linkId, context);
    default:
      context.warn(linkId, `The item type ${JSON.stringify(type)} is not supported (reference items have no form field), so the item was left out.`);
      return undefined;
  }
}

function choiceField(item: FhirItem, linkId: string, base: Record<string, unknown> & { id: string; label: LocalizedText }, initial: Array<string | number | boolean>, context: ImportContext): Field {
  const options = importOptions(item, linkId, context);
  if (!options) {
    if (item.repeats === true) context.warn(linkId, 'repeats on a choice imported as free text is not supported; the form collects one answer.');
    if (initial.length > 0) context.warn(linkId, 'The initial values of a choice imported as free text were left out.');
    return { ...base, type: 'text', fhirType: 'choice' } as Field;
  }

  const several = item.repeats === true;
  const type = several ? 'checkbox-group' : itemControl(item) === 'drop-down' || itemControl(item) === 'autocomplete' ? 'select' : 'radio';
  const field = { ...base, type, options } as Field;
  const value = initialFor(initial.filter((entry) => options.some((option: FieldOption) => option.value === String(entry))), several);
  if (initial.length > 0 && value === undefined) context.warn(linkId, 'The initial value is not one of the options, so it was left out.');
  return value === undefined ? field : ({ ...field, initial: several ? value : String(value) } as Field);
}

function textField(item: FhirItem, type: 'string' | 'text' | 'url', base: Record<string, unknown> & { id: string; label: LocalizedText }, linkId: string, initial: unknown[], context: ImportContext): Field {
  const KINDS = { string: 'text', text: 'textarea', url: 'url' } as const;
  const kind = KINDS[type];
  if (initial.some((value) => typeof value !== 'string')) context.warn(linkId, 'A non-text initial value on a text item was read as its code.');
  return { ...base, type: kind, ...lengthLimit(item) } as Field;
}

function attachmentField(item: FhirItem, base: Record<string, unknown> & { id: string; label: LocalizedText }, linkId: string, context: ImportContext): Field {
  const field: Record<string, unknown> = { ...base, type: 'attachment' };
  const accept = findExtensions(item, EXTENSIONS.mimeType).map((extension) => asString(extension.valueCode)).filter((type): type is string => type !== undefined);
  if (accept.length > 0) field.accept = accept;

  const maxSize = findExtensions(item, EXTENSIONS.maxSize)[0]?.valueDecimal;
  if (typeof maxSize === 'number' && maxSize >= 1) {
    field.maxBytes = Math.min(Math.floor(maxSize), ATTACHMENT_MAX_BYTES);
    if (maxSize > ATTACHMENT_MAX_BYTES) context.warn(linkId, `maxSize ${maxSize} is above the form limit; files are limited to ${ATTACHMENT_MAX_BYTES} bytes.`);
  }
  return field as unknown as Field;
}

function numberRules(item: FhirItem, type: 'decimal' | 'integer' | 'quantity', linkId: string, context: ImportContext) {
  const rules: { step?: number; min?: number; max?: number; unit?: string } = {};
  if (type === 'integer') rules.step = 1;

  const min = findExtensions(item, EXTENSIONS.minValue)[0];
  const max = findExtensions(item, EXTENSIONS.maxValue)[0];
  const minValue = min?.valueDecimal ?? min?.valueInteger;
  const maxValue = max?.valueDecimal ?? max?.valueInteger;
  if (typeof minValue === 'number') rules.min = minValue;
  if (typeof maxValue === 'number') rules.max = maxValue;

  const unit = unitOf(item);
  if (unit) rules.unit = unit;
  const unitOptions = asArray(item.unitOption);
  if (unitOptions.length > 1) context.warn(linkId, `The item offers ${unitOptions.length} units; the form asks for the first one only.`);
  return rules;
}

/** Reads the unit's display, else its UCUM code, from `questionnaire-unit` or the first `unitOption`. */
function unitOf(item: FhirItem): string | undefined {
  const coding = findExtensions(item, EXTENSIONS.unit)[0]?.valueCoding ?? asArray(item.unitOption)[0];
  if (!isRecord(coding)) return undefined;
  return asString(coding.display) ?? asString(coding.code);
}

function lengthLimit(item: FhirItem): { maxLength?: number } {
  return Number.isSafeInteger(item.maxLength) && (item.maxLength as number) > 0 ? { maxLength: item.maxLength as number } : {};
}

function flags(item: FhirItem): { required?: true; readOnly?: true } {
  return { ...(item.required === true ? { required: true } : {}), ...(item.readOnly === true ? { readOnly: true } : {}) };
}

function labelOf(item: FhirItem, linkId: string, context: ImportContext): LocalizedText {
  const text = localizedElement(item, 'text', context.language);
  if (!text) context.warn(linkId, 'The item has no text, so its linkId is shown as its label.');
  return withPrefix(asString(item.prefix), text ?? linkId);
}

/** Tests for a child display item with the `help` item control, which is shown as its parent's help text. */
function isHelpItem(item: unknown): boolean {
  return isRecord(item) && item.type === 'display' && itemControl(item) === 'help';
}

function helpOf(item: FhirItem, context: ImportContext): LocalizedText | undefined {
  const help = asArray(item.item).find(isHelpItem);
  return isRecord(help) ? localizedElement(help, 'text', context.language) : undefined;
}

function helpProperty(item: FhirItem, context: ImportContext): { help?: LocalizedText } {
  const help = helpOf(item, context);
  return help ? { help } : {};
}

function itemControl(item: { extension?: unknown }): string | undefined {
  const concept = findExtensions(item, EXTENSIONS.itemControl)[0]?.valueCodeableConcept;
  const coding = isRecord(concept) ? asArray(concept.coding)[0] : undefined;
  return isRecord(coding) ? asString(coding.code) : undefined;
}

function reportUnhandled(item: FhirItem, linkId: string, context: ImportContext): void {
  for (const key of Object.keys(item)) {
    if (!HANDLED.has(key)) context.warn(linkId, `The property ${key} is not supported and was ignored.`);
  }
  for (const extension of asArray(item.extension)) {
    const url = isRecord(extension) ? asString(extension.url) : undefined;
    if (url && url !== EXTENSIONS.calculatedExpression && !HANDLED_EXTENSIONS.has(url)) context.warn(linkId, `The extension ${url} is not supported and was ignored.`);
  }

  const control = itemControl(item);
  if (control && !['drop-down', 'autocomplete', 'radio-button', 'check-box', 'help'].includes(control)) {
    context.warn(linkId, `The item control "${control}" is not supported; the default control is used.`);
  }
}

import type { FieldOption } from '../../../sdk/form-definition';

/** One thing the importer could not represent, named by the item's linkId. */
export interface ImportWarning {
  /** The item's linkId, or `(questionnaire)` for the resource itself. */
  linkId: string;
  message: string;
}

/** State shared while one Questionnaire is converted. */
export interface ImportContext {
  /** Form field id for each linkId. */
  fieldIds: Map<string, string>;
  /** linkIds already converted, so that a repeated linkId is reported rather than imported twice. */
  claimed: Set<string>;
  /** Options of each contained ValueSet, by its `id`. */
  valueSets: Map<string, FieldOption[]>;
  /** The Questionnaire's own language, a primary subtag such as "en"; its untranslated text is in it. */
  language: string;
  warn(linkId: string, message: string): void;
}

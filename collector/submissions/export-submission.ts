import type { SubmissionPayload } from '../../sdk/form-definition';
import { HttpError } from '../http/http-error';
import type { SubmissionMetadata } from './read-submissions';

/** Formats a submission exports to: Sealpost's own JSON, or a FHIR R4 QuestionnaireResponse. */
export type ExportFormat = 'json' | 'fhir';

/**
 * Reads the export format of a request or command, `json` when absent.
 *
 * @throws HttpError 400 `invalid_format` for anything but `json` and `fhir`.
 */
export function exportFormat(value: string | undefined): ExportFormat {
  if (value === undefined || value === 'json') return 'json';
  if (value === 'fhir') return 'fhir';
  throw new HttpError(400, 'invalid_format', `The export format ${JSON.stringify(value)} is not supported; use "json" or "fhir" (a FHIR R4 QuestionnaireResponse).`);
}

/** The JSON export: the PHI-free metadata with the decrypted answers, and a consent form's consent record. */
export function exportedJson(metadata: SubmissionMetadata, payload: SubmissionPayload) {
  return { ...metadata, locale: payload.locale, answers: payload.answers, ...(payload.consent ? { consent: payload.consent } : {}) };
}

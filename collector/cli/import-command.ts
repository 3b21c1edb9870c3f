import { parseFormDefinition } from '../../sdk/parse-form';
import { importQuestionnaire, type ImportWarning } from '../forms/fhir/import-questionnaire';
import { publishForm } from '../forms/publish-form';
import type { Runtime } from '../runtime';
import type { CommandRequest } from './parse-command';
import type { CommandResult } from './run-command';

type ImportRequest = Extract<CommandRequest, { name: 'forms.import' }>;

/**
 * Converts the Questionnaire carried by the request, checks the result as
 * `forms publish` would, then prints or publishes it. Warnings go to stderr,
 * one line per item, so that stdout stays the definition alone.
 */
export async function runImport(runtime: Pick<Runtime, 'db' | 'custody'>, request: ImportRequest, actor: string): Promise<CommandResult> {
  let imported;
  try {
    imported = importQuestionnaire(request.questionnaire, { id: request.id, version: request.version, allowedOrigins: request.allowedOrigins });
  } catch (error) {
    if (error instanceof TypeError) return { exitCode: 1, stdout: '', stderr: `${request.file}: ${error.message}\n` };
    throw error;
  }

  const warnings = formatWarnings(imported.warnings);
  const parsed = parseFormDefinition(imported.definition);
  if (!parsed.ok) {
    const errors = parsed.errors.map((error) => `error: ${error.path}: ${error.message}\n`).join('');
    return { exitCode: 1, stdout: '', stderr: `${warnings}${errors}The converted form is invalid; fix the Questionnaire or the options above and import again.\n` };
  }

  if (!request.publish) return { exitCode: 0, stdout: `${JSON.stringify(parsed.form, null, 2)}\n`, stderr: warnings };

  const result = await publishForm(runtime.db, runtime.custody, parsed.form, actor);
  const verb = { created: 'Published new form', new_version: 'Published', unchanged: 'Already published, unchanged:' }[result.status];
  return { exitCode: 0, stdout: `${verb} ${result.formId} version ${result.version} (key ${result.kid}).\n`, stderr: warnings };
}

function formatWarnings(warnings: ImportWarning[]): string {
  return warnings.map((warning) => `warning: ${warning.linkId}: ${warning.message}\n`).join('');
}

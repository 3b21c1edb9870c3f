import type { AnswerValue, Answers, Field, FormDefinition, SubmissionPayload } from '../../sdk/form-definition';
import { formatReceipt } from '../../sdk/ids';
import { localize } from '../../sdk/localize';
import { listAudit, verifyAuditLog } from '../audit/audit-log';
import { listForms } from '../forms/form-store';
import { publishForm } from '../forms/publish-form';
import { HttpError } from '../http/http-error';
import { generateMasterKey } from '../keys/master-key';
import type { Runtime } from '../runtime';
import { listSubmissions, readSubmission } from '../submissions/read-submissions';
import { runImport } from './import-command';
import type { CommandRequest } from './parse-command';

/** Output and exit status of a command, the same whether it ran here or in the collector. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs one command against an open runtime on behalf of `actor`. */
export async function runCommand(runtime: Pick<Runtime, 'db' | 'custody'>, request: CommandRequest, actor: string): Promise<CommandResult> {
  try {
    if (request.name === 'forms.import') return await runImport(runtime, request, actor);
    return ok(await execute(runtime, request, actor));
  } catch (error) {
    if (error instanceof HttpError) return { exitCode: 1, stdout: '', stderr: `${error.message}\n` };
    throw error;
  }
}

async function execute({ db, custody }: Pick<Runtime, 'db' | 'custody'>, request: Exclude<CommandRequest, { name: 'forms.import' }>, actor: string): Promise<string> {
  switch (request.name) {
    case 'forms.publish': {
      const result = await publishForm(db, custody, request.definition, actor);
      const verb = { created: 'Published new form', new_version: 'Published', unchanged: 'Already published, unchanged:' }[result.status];
      return `${verb} ${result.formId} version ${result.version} (key ${result.kid}).`;
    }
    case 'forms.list': {
      const rows = await listForms(db);
      if (rows.length === 0) return 'No forms are published yet; publish one with `npm run sealpost -- forms publish FILE`.';
      return table(['FORM', 'VERSION', 'UPDATED'], rows.map((row) => [row.id, String(row.currentVersion), row.updatedAt.toISOString()]));
    }
    case 'submissions.list': {
      const rows = await listSubmissions(db, { formId: request.formId, limit: request.limit });
      if (request.json) return rows.map((row) => JSON.stringify(row)).join('\n');
      if (rows.length === 0) return request.formId ? `No submissions for form ${request.formId} yet.` : 'No submissions yet.';
      return table(
        ['ID', 'FORM', 'VERSION', 'RECEIVED', 'BYTES'],
        rows.map((row) => [formatReceipt(row.id), row.formId, String(row.formVersion), row.receivedAt.toISOString(), String(row.byteSize)]),
      );
    }
    case 'submissions.show': {
      const { metadata, form, payload } = await readSubmission(db, custody, request.id, { actor, via: 'cli' });
      if (request.json) return JSON.stringify({ ...metadata, locale: payload.locale, answers: payload.answers }, null, 2);
      return [
        `Submission ${formatReceipt(metadata.id)}`,
        `Form:     ${metadata.formId}, version ${metadata.formVersion}`,
        `Received: ${metadata.receivedAt.toISOString()}`,
        `Language: ${payload.locale}`,
        '',
        ...answerLines(form, payload),
      ].join('\n');
    }
    case 'audit.verify': {
      const result = await verifyAuditLog(db);
      if (result.ok) return `The audit log is intact: ${plural(result.entries, 'entry', 'entries')} verified.`;
      throw new HttpError(409, 'audit_chain_broken', `The audit log is NOT intact. ${result.message} ${plural(result.entries, 'entry', 'entries')} before it verified.`);
    }
    case 'audit.list': {
      const rows = await listAudit(db, request.limit);
      if (rows.length === 0) return 'The audit log is empty.';
      return table(['SEQ', 'AT', 'ACTOR', 'ACTION', 'SUBJECT'], rows.map((row) => [String(row.seq), row.at.toISOString(), row.actor, row.action, `${row.subjectType} ${row.subjectId}`]));
    }
    case 'keys.generate-master':
      return generateMasterKey();
  }
}

function answerLines(form: FormDefinition, payload: SubmissionPayload): string[] {
  return fieldLines(form.fields, payload.answers, '');
}

/** Lists the answers of plain groups' fields in place, and each repeating group instance under a heading. */
function fieldLines(fields: Field[], answers: Answers, indent: string): string[] {
  return fields.flatMap((field) => {
    if (field.type === 'display') return [];
    if (field.type === 'group' && !field.repeats) return fieldLines(field.fields, answers, indent);
    if (field.type === 'group') {
      const instances = Array.isArray(answers[field.id]) ? (answers[field.id] as Answers[]) : [];
      if (instances.length === 0) return [`${indent}${localize(field.label, 'en')}: (no answer)`];
      return instances.flatMap((instance, index) => [`${indent}${localize(field.label, 'en')}, entry ${index + 1}:`, ...fieldLines(field.fields, instance, `${indent}  `)]);
    }

    const options = 'options' in field ? field.options : [];
    const label = (choice: string) => localize(options.find((option) => option.value === choice)?.label, 'en') || choice;
    return [`${indent}${localize(field.label, 'en')}: ${formatAnswer(answers[field.id], label)}`];
  });
}

function formatAnswer(value: AnswerValue | undefined, label: (choice: string) => string): string {
  if (value === undefined) return '(no answer)';
  if (typeof value === 'object' && !Array.isArray(value) && 'method' in value) {
    return value.method === 'typed' ? `typed signature: ${value.name}` : `drawn signature (PNG data URL, ${value.image.length} characters)`;
  }
  if (typeof value === 'object' && !Array.isArray(value)) return `${value.name} (${value.type || 'unknown type'}, ${value.size} bytes)`;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? label(item) : JSON.stringify(item))).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return typeof value === 'string' ? label(value) : String(value);
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function ok(stdout: string): CommandResult {
  return { exitCode: 0, stdout: stdout.endsWith('\n') ? stdout : `${stdout}\n`, stderr: '' };
}

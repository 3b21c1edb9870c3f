import type { AnswerValue, Answers, Field, FormDefinition, SubmissionPayload } from '../../sdk/form-definition';
import { formFields } from '../../sdk/consent';
import { formatReceipt } from '../../sdk/ids';
import { localize } from '../../sdk/localize';
import { createApiKey, listApiKeys, revokeApiKey } from '../api-keys/api-key-store';
import { listAudit, recordAudit, verifyAuditLog } from '../audit/audit-log';
import { listForms } from '../forms/form-store';
import { publishForm } from '../forms/publish-form';
import { HttpError } from '../http/http-error';
import { generateMasterKey } from '../keys/master-key';
import type { Runtime } from '../runtime';
import { nameActors } from '../staff/actor-names';
import { generateInitialPassword } from '../staff/password-hash';
import { createStaffUser, listStaffUsers, parseRole } from '../staff/staff-users';
import { toQuestionnaireResponse } from '../forms/fhir/export-response';
import { exportedJson } from '../submissions/export-submission';
import { listSubmissions, readSubmission } from '../submissions/read-submissions';
import { listTemplates, publishTemplate } from '../templates/template-store';
import { listWorkflows, publishWorkflow } from '../workflows/publish-workflow';
import { systemResolver } from '../workflows/webhooks/url-guard';
import { webhookSecret } from '../workflows/webhooks/webhook-signature';
import { runImport } from './import-command';
import type { CommandRequest } from './parse-command';

/** Output and exit status of a command, the same whether it ran here or in the collector. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs one command against an open runtime on behalf of `actor`. */
export async function runCommand(runtime: Pick<Runtime, 'db' | 'custody' | 'staffKeys' | 'masterKey'>, request: CommandRequest, actor: string): Promise<CommandResult> {
  try {
    if (request.name === 'forms.import') return await runImport(runtime, request, actor);
    return ok(await execute(runtime, request, actor));
  } catch (error) {
    if (error instanceof HttpError) return { exitCode: 1, stdout: '', stderr: `${describeError(error)}\n` };
    throw error;
  }
}

async function execute({ db, custody, staffKeys, masterKey }: Pick<Runtime, 'db' | 'custody' | 'staffKeys' | 'masterKey'>, request: Exclude<CommandRequest, { name: 'forms.import' }>, actor: string): Promise<string> {
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
      if (request.json) return rows.map((row) => JSON.stringify({ ...row, receipt: formatReceipt(row.id) })).join('\n');
      if (rows.length === 0) return request.formId ? `No submissions for form ${request.formId} yet.` : 'No submissions yet.';
      return table(
        ['ID', 'FORM', 'VERSION', 'RECEIVED', 'BYTES'],
        rows.map((row) => [formatReceipt(row.id), row.formId, String(row.formVersion), row.receivedAt.toISOString(), String(row.byteSize)]),
      );
    }
    case 'submissions.show': {
      const { metadata, form, payload } = await readSubmission(db, custody, request.id, { actor, via: 'cli' });
      if (request.json) return JSON.stringify(exportedJson(metadata, payload), null, 2);
      const consent = payload.consent ? [`Consent:  the ${payload.consent.locale} authorization text of version ${payload.consent.formVersion}, SHA-256 ${payload.consent.textSha256}`] : [];
      return [
        `Submission ${formatReceipt(metadata.id)}`,
        `Form:     ${metadata.formId}, version ${metadata.formVersion}`,
        `Received: ${metadata.receivedAt.toISOString()}`,
        `Language: ${payload.locale}`,
        ...consent,
        '',
        ...answerLines(form, payload),
      ].join('\n');
    }
    case 'submissions.export': {
      const { metadata, form, payload } = await readSubmission(db, custody, request.id, { actor, via: 'cli', export: { format: request.format } });
      const document = request.format === 'fhir' ? toQuestionnaireResponse(metadata, form, payload) : exportedJson(metadata, payload);
      return JSON.stringify(document, null, 2);
    }
    case 'audit.verify': {
      const result = await verifyAuditLog(db);
      if (result.ok) return `The audit log is intact: ${plural(result.entries, 'entry', 'entries')} verified.`;
      throw new HttpError(409, 'audit_chain_broken', `The audit log is NOT intact. ${result.message} ${plural(result.entries, 'entry', 'entries')} before it verified.`);
    }
    case 'audit.list': {
      const rows = await listAudit(db, request.limit);
      if (rows.length === 0) return 'The audit log is empty.';
      const names = await nameActors(db, staffKeys, rows.map((row) => row.actor));
      return table(['SEQ', 'AT', 'ACTOR', 'ACTION', 'SUBJECT'], rows.map((row) => [String(row.seq), row.at.toISOString(), names.get(row.actor) ?? row.actor, row.action, `${row.subjectType} ${row.subjectType === 'submission' ? formatReceipt(row.subjectId) : row.subjectId}`]));
    }
    case 'users.add': {
      const password = request.password ?? generateInitialPassword();
      const user = await createStaffUser(db, staffKeys, { email: request.email, role: parseRole(request.role), password }, actor);
      const added = `Added ${user.role} ${user.email} (id ${user.id}).`;
      if (request.password) return `${added}\nThe initial password is the one in SEALPOST_INITIAL_PASSWORD. An authenticator app is set up at first sign-in.`;
      return `${added}\nInitial password, shown only now: ${password}\nPass it on privately; an authenticator app is set up at first sign-in.`;
    }
    case 'users.list': {
      const users = await listStaffUsers(db, staffKeys);
      if (users.length === 0) return 'No staff accounts yet; add one with `npm run sealpost -- users add EMAIL --role admin`.';
      return table(['ID', 'ROLE', 'TOTP', 'EMAIL'], users.map((user) => [user.id, user.role, user.totpEnabled ? 'set up' : 'not yet', user.email]));
    }
    case 'keys.generate-master':
      return generateMasterKey();
    case 'workflows.publish': {
      const result = await publishWorkflow(db, request.definition, { actor, resolve: systemResolver });
      const verb = { created: 'Published new workflow', new_version: 'Published', unchanged: 'Already published, unchanged:' }[result.status];
      const ended = result.endedRuns > 0 ? ` Ended ${plural(result.endedRuns, 'run', 'runs')} waiting at removed steps.` : '';
      return `${verb} ${result.workflowId} version ${result.version}.${ended}`;
    }
    case 'workflows.list': {
      const rows = await listWorkflows(db);
      if (rows.length === 0) return 'No workflows are published yet; publish one with `npm run sealpost -- workflows publish FILE`.';
      return table(['WORKFLOW', 'VERSION', 'UPDATED'], rows.map((row) => [row.id, String(row.currentVersion), row.updatedAt.toISOString()]));
    }
    case 'templates.publish': {
      const result = await publishTemplate(db, request.definition, { actor });
      const verb = { created: 'Published new template', new_version: 'Published', unchanged: 'Already published, unchanged:' }[result.status];
      return `${verb} ${result.templateId} version ${result.version}.`;
    }
    case 'templates.list': {
      const rows = await listTemplates(db);
      if (rows.length === 0) return 'No email templates are published yet; publish one with `npm run sealpost -- templates publish FILE`.';
      return table(['TEMPLATE', 'VERSION', 'PUBLISHED'], rows.map((row) => [row.id, String(row.version), row.publishedAt.toISOString()]));
    }
    case 'workflows.webhook-secret': {
      // A secret for a misspelled id would verify nothing, so only a published workflow's is printed.
      const known = (await listWorkflows(db)).some((workflow) => workflow.id === request.workflowId);
      if (!known) throw new HttpError(404, 'workflow_not_found', `No workflow "${request.workflowId}" is published; list them with \`npm run sealpost -- workflows list\`.`);

      // Reading the secret is audited, because whoever has it can forge this workflow's webhooks.
      await recordAudit(db, { actor, action: 'workflow.webhook_secret.read', subjectType: 'workflow', subjectId: request.workflowId });
      return webhookSecret(masterKey, request.workflowId).toString('hex');
    }
    case 'apikeys.create': {
      const { id, key } = await createApiKey(db, request.keyName, actor);
      return [`Created API key ${id}. Copy it now: it is not stored and cannot be shown again.`, '', key].join('\n');
    }
    case 'apikeys.list': {
      const keys = await listApiKeys(db);
      if (request.json) return keys.map((key) => JSON.stringify(key)).join('\n');
      if (keys.length === 0) return 'No API keys yet; create one with `npm run sealpost -- apikeys create --name NAME`.';
      const time = (value: Date | null) => value?.toISOString() ?? '-';
      return table(['ID', 'NAME', 'CREATED', 'CREATED BY', 'LAST USED', 'REVOKED'], keys.map((key) => [key.id, key.name, time(key.createdAt), key.createdBy, time(key.lastUsedAt), time(key.revokedAt)]));
    }
    case 'apikeys.revoke': {
      const { status, key } = await revokeApiKey(db, request.id, actor);
      if (status === 'already_revoked') return `API key ${key.id} (${key.name}) was already revoked at ${key.revokedAt!.toISOString()}; nothing changed.`;
      return `Revoked API key ${key.id} (${key.name}). Requests with it are now answered 401.`;
    }
  }
}

function answerLines(form: FormDefinition, payload: SubmissionPayload): string[] {
  return fieldLines(formFields(form), payload.answers, '');
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
    // Continuation lines are indented, so a typed line such as "Email: x" cannot pass for a field.
    return [`${indent}${localize(field.label, 'en')}: ${formatAnswer(answers[field.id], label).replace(/\r?\n/g, `\n${indent}    `)}`];
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

/** Formats an error with one problem per line when it lists several, such as an invalid definition. */
function describeError(error: HttpError): string {
  const list = error.extra.errors;
  if (!Array.isArray(list) || list.length === 0) return error.message;

  const lines = (list as { path: string; message: string }[]).map((item) => `  ${item.path}: ${item.message}`);
  return [`${error.message.split('. ')[0]}:`, ...lines].join('\n');
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

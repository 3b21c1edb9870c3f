/** A CLI command as data, so it can run here or be sent to a running collector. */
export type CommandRequest =
  | { name: 'forms.publish'; file: string; definition?: unknown }
  | { name: 'forms.import'; file: string; id?: string; version?: number; allowedOrigins: string[]; out?: string; publish: boolean; questionnaire?: unknown }
  | { name: 'forms.list' }
  | { name: 'submissions.list'; formId?: string; limit: number; json: boolean }
  | { name: 'submissions.show'; id: string; json: boolean }
  | { name: 'submissions.export'; id: string; format: 'json' | 'fhir'; out?: string }
  | { name: 'audit.verify' }
  | { name: 'audit.list'; limit: number }
  | { name: 'users.add'; email: string; role: string; password?: string }
  | { name: 'users.list' }
  | { name: 'keys.generate-master' }
  | { name: 'workflows.publish'; file: string; definition?: unknown }
  | { name: 'workflows.list' }
  | { name: 'workflows.webhook-secret'; workflowId: string }
  | { name: 'templates.publish'; file: string; definition?: unknown }
  | { name: 'templates.list' }
  | { name: 'apikeys.create'; keyName: string }
  | { name: 'apikeys.list'; json: boolean }
  | { name: 'apikeys.revoke'; id: string };

export type ParsedArgs = { kind: 'help'; text: string } | { kind: 'command'; request: CommandRequest } | { kind: 'usage_error'; message: string };

export const USAGE = `Usage: npm run sealpost -- <command> [options]

Commands:
  forms publish FILE       Publish a form definition from a JSON file. The first
                           publication of a form id creates its key pair.
  forms import FILE        Convert an HL7 FHIR R4 Questionnaire (JSON) into a form
                           definition and print it. Items the form cannot
                           represent are printed to stderr as warnings, by linkId.
    --allow-origin ORIGIN  Origin of a site that may embed the form, such as
                           https://clinic.example. Required; repeat for several.
    --id ID                Form id (default: the Questionnaire id, lower-cased).
    --version N            Form version (default 1).
    --out FILE             Write the definition to FILE instead of printing it.
    --publish              Publish the definition instead of printing it.
  forms list               List published forms with their current versions.
  submissions list         List submissions, newest first. Metadata only:
                           nothing is decrypted.
    --form ID              Only submissions of this form.
    --limit N              At most N rows (default 50, at most 1000).
    --json                 Print JSON lines instead of a table.
  submissions show ID      Decrypt one submission and print its answers. Writes
                           an audit entry naming you, the submission and the time.
    --json                 Print the decrypted answers as JSON.
  submissions export ID    Decrypt one submission and print it for another
                           system. Writes an audit entry (submission.export).
    --format FORMAT        json (default: metadata and answers) or fhir (an
                           HL7 FHIR R4 QuestionnaireResponse).
    --out FILE             Write it to FILE (readable by you only) instead.
  audit verify             Check the audit log's hash chain. Exits with 1 and
                           names the first broken entry if it is not intact.
  audit list               Show the newest audit entries.
    --limit N              At most N entries (default 20).
  users add EMAIL          Add a staff account for the console. Prints a one-time
                           initial password unless SEALPOST_INITIAL_PASSWORD is
                           set. The user sets up an authenticator app (TOTP) at
                           first sign-in.
    --role ROLE            admin (everything), reviewer (reads and exports
                           submissions) or analyst (statistics only, no PHI).
  users list               List staff accounts with role and TOTP status.
  keys generate-master     Print a new random master key for SEALPOST_MASTER_KEY.
  workflows publish FILE   Publish a workflow definition from a JSON file. An
                           edit must raise "version"; running contacts finish
                           on the version they started on.
  workflows list           List live workflows with their current versions.
  workflows webhook-secret ID
                           Print the hex key of the workflow's webhook
                           signatures (HMAC-SHA256 over "timestamp.body").
                           Writes an audit entry.
  templates publish FILE   Publish an email template from a JSON file, for the
                           send steps of workflows. Subject, text and HTML are
                           given in English and Spanish; new content becomes
                           the next version, which later sends use.
  templates list           List email templates with their latest versions.
  apikeys create           Create a bearer API key for server-to-server routes
                           and print it. It is shown only this once; the
                           collector stores only its hash. Writes an audit entry.
    --name NAME            What the key is for, such as billing-service.
  apikeys list             List API keys: id, name, when and by whom created,
                           when last used (to the minute) and when revoked.
                           Never shows a key's secret.
    --json                 Print JSON lines instead of a table.
  apikeys revoke ID        Revoke a key by its id from \`apikeys list\`. Requests
                           with it are answered 401 invalid_api_key from then
                           on. Writes an audit entry; revoking a revoked key
                           changes nothing.

Environment:
  DATABASE_URL             PostgreSQL URL. Unset: the embedded database in
                           SEALPOST_DATA_DIR.
  SEALPOST_DATA_DIR        Folder of the embedded database (default ./data).
  SEALPOST_MASTER_KEY      Master key that wraps the forms' private keys and
                           from which the staff account and session keys are
                           derived (32 bytes, base64url). Embedded mode
                           generates one.
  SEALPOST_INITIAL_PASSWORD
                           Initial password for \`users add\` (at least 12
                           characters) instead of a generated one.
  SEALPOST_ACTOR           Name written to the audit log for this command
                           (default cli:<your user name>).

With the embedded database, a command runs inside the collector when one is
already running on the same data folder, so the two never open it at once.
`;

/** Turns argv (after `sealpost`) into a request, help, or a usage error that says what to type. */
export function parseCommand(argv: string[]): ParsedArgs {
  const parsed = readFlags(argv);
  if (parsed instanceof Error) return { kind: 'usage_error', message: parsed.message };
  const { flags, positional, repeated } = parsed;
  if (argv.length === 0 || positional[0] === 'help') return { kind: 'help', text: USAGE };
  if (flags.has('help')) return { kind: 'help', text: commandHelp(positional) };

  const [group, action, target] = positional;
  const command = `${group ?? ''} ${action ?? ''}`.trim();
  const limit = readLimit(flags.get('limit'), command === 'audit list' ? 20 : 50);
  if (limit instanceof Error) return { kind: 'usage_error', message: limit.message };
  const json = flags.has('json');

  switch (command) {
    case 'forms publish':
      return target ? { kind: 'command', request: { name: 'forms.publish', file: target } } : missing('forms publish FILE', 'the path of a form definition JSON file');
    case 'forms import':
      return target ? importRequest(target, flags, repeated) : missing('forms import FILE', 'the path of a FHIR Questionnaire JSON file');
    case 'forms list':
      return { kind: 'command', request: { name: 'forms.list' } };
    case 'submissions list': {
      const formId = flags.get('form');
      return { kind: 'command', request: { name: 'submissions.list', limit, json, ...(typeof formId === 'string' ? { formId } : {}) } };
    }
    case 'submissions show':
      return target ? { kind: 'command', request: { name: 'submissions.show', id: target, json } } : missing('submissions show ID', 'a submission id from `submissions list`');
    case 'submissions export': {
      if (!target) return missing('submissions export ID --format fhir|json', 'a submission id from `submissions list`');
      const format = flags.get('format') ?? 'json';
      if (format !== 'json' && format !== 'fhir') return { kind: 'usage_error', message: `--format ${String(format)} is not supported; use --format fhir (a FHIR R4 QuestionnaireResponse) or --format json.` };
      const out = flags.get('out');
      return { kind: 'command', request: { name: 'submissions.export', id: target, format, ...(typeof out === 'string' ? { out } : {}) } };
    }
    case 'audit verify':
      return { kind: 'command', request: { name: 'audit.verify' } };
    case 'audit list':
      return { kind: 'command', request: { name: 'audit.list', limit } };
    case 'users add': {
      if (!target) return missing('users add EMAIL --role ROLE', 'the email address of the new account');
      const role = flags.get('role');
      if (typeof role !== 'string') return missing('users add EMAIL --role ROLE', '--role admin, --role reviewer or --role analyst');
      return { kind: 'command', request: { name: 'users.add', email: target, role } };
    }
    case 'users list':
      return { kind: 'command', request: { name: 'users.list' } };
    case 'keys generate-master':
      return { kind: 'command', request: { name: 'keys.generate-master' } };
    case 'workflows publish':
      return target ? { kind: 'command', request: { name: 'workflows.publish', file: target } } : missing('workflows publish FILE', 'the path of a workflow definition JSON file');
    case 'workflows list':
      return { kind: 'command', request: { name: 'workflows.list' } };
    case 'templates publish':
      return target ? { kind: 'command', request: { name: 'templates.publish', file: target } } : missing('templates publish FILE', 'the path of an email template JSON file');
    case 'templates list':
      return { kind: 'command', request: { name: 'templates.list' } };
    case 'workflows webhook-secret':
      return target ? { kind: 'command', request: { name: 'workflows.webhook-secret', workflowId: target } } : missing('workflows webhook-secret ID', 'a workflow id from `workflows list`');
    case 'apikeys create': {
      const keyName = flags.get('name');
      return typeof keyName === 'string' ? { kind: 'command', request: { name: 'apikeys.create', keyName } } : missing('apikeys create --name NAME', 'a name saying what the key is for');
    }
    case 'apikeys list':
      return { kind: 'command', request: { name: 'apikeys.list', json } };
    case 'apikeys revoke':
      return target ? { kind: 'command', request: { name: 'apikeys.revoke', id: target } } : missing('apikeys revoke ID', 'the id of a key from `apikeys list`');
    default:
      return { kind: 'usage_error', message: `Unknown command ${JSON.stringify(command)}; run \`npm run sealpost -- --help\` for the list of commands.` };
  }
}

/**
 * Returns the help of the commands that `positional` names (`apikeys`, or
 * `apikeys revoke`), with the environment section; the whole usage when
 * nothing matches.
 */
export function commandHelp(positional: string[]): string {
  const [header, rest] = USAGE.split('\nCommands:\n') as [string, string];
  const [commands, environment] = rest.split('\nEnvironment:\n') as [string, string];

  // An entry starts at a line indented by exactly two spaces; deeper lines belong to it.
  const entries = commands.split(/\n(?=  \S)/);
  const wanted = positional.slice(0, 2).join(' ');
  const matching = entries.filter((entry) => wanted !== '' && `${entry.trim()} `.startsWith(`${wanted} `));
  if (matching.length === 0) return USAGE;
  return `${header}\nCommands:\n${matching.join('\n').replace(/\n*$/, '\n')}\nEnvironment:\n${environment}`;
}

function importRequest(file: string, flags: Map<string, string | true>, repeated: Map<string, string[]>): ParsedArgs {
  const allowedOrigins = repeated.get('allow-origin') ?? [];
  if (allowedOrigins.length === 0) {
    return { kind: 'usage_error', message: 'forms import needs at least one --allow-origin ORIGIN, the site that embeds the form, such as --allow-origin https://clinic.example.' };
  }

  const out = flags.get('out');
  const publish = flags.has('publish');
  if (publish && typeof out === 'string') return { kind: 'usage_error', message: 'Use either --out FILE or --publish, not both.' };

  const version = flags.get('version');
  const number = typeof version === 'string' ? Number(version) : undefined;
  if (number !== undefined && (!Number.isSafeInteger(number) || number < 1)) return { kind: 'usage_error', message: `--version ${String(version)} is invalid; use a positive whole number such as 2.` };

  const id = flags.get('id');
  const request: CommandRequest = { name: 'forms.import', file, allowedOrigins, publish };
  if (typeof id === 'string') request.id = id;
  if (number !== undefined) request.version = number;
  if (typeof out === 'string') request.out = out;
  return { kind: 'command', request };
}

function missing(usage: string, what: string): ParsedArgs {
  return { kind: 'usage_error', message: `Missing argument: \`${usage}\` needs ${what}.` };
}

const VALUE_FLAGS = new Set(['form', 'limit', 'role', 'name', 'id', 'version', 'out', 'format']);
const REPEATED_FLAGS = new Set(['allow-origin']);
const BOOLEAN_FLAGS = new Set(['json', 'help', 'publish']);
const FLAG_EXAMPLES: Record<string, string> = { limit: '20', role: 'reviewer', name: 'billing-service', 'allow-origin': 'https://clinic.example', version: '2', out: 'form.json', format: 'fhir' };

function readFlags(argv: string[]): { flags: Map<string, string | true>; repeated: Map<string, string[]>; positional: string[] } | Error {
  const flags = new Map<string, string | true>();
  const repeated = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }

    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (BOOLEAN_FLAGS.has(name)) {
      flags.set(name, true);
    } else if (VALUE_FLAGS.has(name) || REPEATED_FLAGS.has(name)) {
      const value = inline ?? argv[i + 1];
      if (value === undefined || value.startsWith('--')) return new Error(`--${name} needs a value, such as --${name} ${FLAG_EXAMPLES[name] ?? 'new-patient-intake'}.`);
      if (REPEATED_FLAGS.has(name)) repeated.set(name, [...(repeated.get(name) ?? []), value]);
      else flags.set(name, value);
      if (inline === undefined) i++;
    } else {
      return new Error(`Unknown option --${name}; run \`npm run sealpost -- --help\` for the options.`);
    }
  }
  return { flags, repeated, positional };
}

function readLimit(value: string | true | undefined, fallback: number): number | Error {
  if (value === undefined || value === true) return fallback;
  const limit = Number(value);
  return Number.isInteger(limit) && limit >= 1 && limit <= 1000 ? limit : new Error(`--limit ${value} is invalid; use a whole number from 1 to 1000.`);
}

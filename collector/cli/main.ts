import { existsSync } from 'node:fs';
import { open, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from '../config';
import { DataDirBusyError } from '../control/data-dir-lock';
import { sendControlCommand } from '../control/control-socket';
import { createLogger } from '../log';
import { openRuntime } from '../runtime';
import { parseCommand, type CommandRequest } from './parse-command';
import { runCommand, type CommandResult } from './run-command';

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv);
  if (parsed.kind === 'help') return print({ exitCode: 0, stdout: parsed.text, stderr: '' });
  if (parsed.kind === 'usage_error') return print({ exitCode: 2, stdout: '', stderr: `${parsed.message}\n` });

  const request = await completeRequest(parsed.request);
  if (request.name === 'keys.generate-master') return print(await runCommand({} as never, request, ''));
  // Converting a Questionnaire without publishing it needs no database.
  if (request.name === 'forms.import' && !request.publish) return print(await writeOutput(request.out, await runCommand({} as never, request, '')));

  const config = readConfig();
  const actor = process.env.SEALPOST_ACTOR || `cli:${os.userInfo().username}`;

  // An export with --out is written here, wherever the command ran, and readable by this user only: it holds PHI.
  // The file is created before the export runs, so a path that cannot be written fails before any decryption
  // or audit entry.
  if (request.name !== 'submissions.export' || !request.out) return print(await run(config, request, actor));
  const exportFile = await createOutputFile(request.out);
  let result: CommandResult;
  try {
    result = await run(config, request, actor);
  } catch (error) {
    await exportFile.finish({ exitCode: 1, stdout: '', stderr: '' });
    throw error;
  }
  return print(await exportFile.finish(result));
}

async function run(config: ReturnType<typeof readConfig>, request: CommandRequest, actor: string): Promise<CommandResult> {
  // Embedded mode: a running collector owns the folder, so ask it to run the command.
  if (!config.databaseUrl) {
    const remote = await sendControlCommand(config.dataDir, request, actor);
    if (remote) return remote;
  }

  // A read in a mistyped SEALPOST_DATA_DIR must not quietly create an empty
  // database and report "No submissions yet"; commands that write may create it.
  if (!config.databaseUrl && READ_ONLY.has(request.name) && !existsSync(path.join(config.dataDir, 'pgdata'))) {
    throw new UsageError(`No Sealpost database in ${config.dataDir}. Start the collector once with \`npm start\` to create it, or set SEALPOST_DATA_DIR to the folder the collector uses.`);
  }

  // Logs of a one-off command go to stderr, errors only, so stdout stays parseable;
  // the collector logs the embedded-mode warnings when it starts.
  const logger = createLogger(process.env.LOG_LEVEL ?? 'error', process.stderr);
  const runtime = await openRuntime(config, logger);
  try {
    return await runCommand(runtime, request, actor);
  } finally {
    await runtime.close();
  }
}

/** Writes a command's output to `--out` FILE, when given, instead of stdout. */
async function writeOutput(out: string | undefined, result: CommandResult): Promise<CommandResult> {
  if (!out || result.exitCode !== 0) return result;

  const file = path.resolve(out);
  try {
    await writeFile(file, result.stdout);
  } catch (error) {
    throw new UsageError(`Cannot write ${file}: ${describeFileError(error as NodeJS.ErrnoException, 'write')}; choose a file in a folder that exists and that you can write to.`);
  }
  return { ...result, stdout: `Wrote ${file}.\n` };
}

/**
 * Creates `out`, empty and readable by this user only, and returns how to
 * finish it: write a successful command's output into it, or remove it when
 * the command failed.
 */
async function createOutputFile(out: string): Promise<{ finish(result: CommandResult): Promise<CommandResult> }> {
  const file = path.resolve(out);
  let handle: FileHandle;
  try {
    handle = await open(file, 'w', 0o600);
  } catch (error) {
    throw new UsageError(`Cannot write ${file}: ${describeFileError(error as NodeJS.ErrnoException, 'write')}; choose a file in a folder that exists and that you can write to.`);
  }

  return {
    async finish(result) {
      try {
        if (result.exitCode === 0) await handle.writeFile(result.stdout);
      } finally {
        await handle.close();
        if (result.exitCode !== 0) await rm(file, { force: true });
      }
      return result.exitCode === 0 ? { ...result, stdout: `Wrote ${file}.\n` } : result;
    },
  };
}

/** Reads files named on the command line here, because the collector may run in another folder. */
async function completeRequest(request: CommandRequest): Promise<CommandRequest> {
  // Read here, because a running collector does not see this shell's environment.
  if (request.name === 'users.add' && process.env.SEALPOST_INITIAL_PASSWORD) return { ...request, password: process.env.SEALPOST_INITIAL_PASSWORD };
  if (request.name !== 'forms.publish' && request.name !== 'workflows.publish' && request.name !== 'templates.publish' && request.name !== 'forms.import') return request;

  const file = path.resolve(request.file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${describeFileError(error as NodeJS.ErrnoException, 'read')}; check the path.`);
  }

  // Some exporters, HL7's own examples among them, start JSON files with a UTF-8 byte order mark.
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message}); fix the file and try again.`);
  }
  return request.name === 'forms.import' ? { ...request, file, questionnaire: json } : { ...request, file, definition: json };
}

class UsageError extends Error {}

const READ_ONLY = new Set<CommandRequest['name']>(['forms.list', 'submissions.list', 'submissions.show', 'submissions.export', 'audit.verify', 'audit.list', 'users.list', 'workflows.list', 'templates.list', 'apikeys.list']);

// Says why a file could not be read or written. A missing path means a missing file when reading, and a
// missing folder when writing, because writing creates the file.
function describeFileError(error: NodeJS.ErrnoException, access: 'read' | 'write'): string {
  switch (error.code) {
    case 'ENOENT':
      return access === 'read' ? 'the file does not exist' : 'its folder does not exist';
    case 'EISDIR':
      return 'it is a folder, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error.message;
  }
}

function print(result: CommandResult): number {
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  return result.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof UsageError || error instanceof DataDirBusyError || (error instanceof Error && /SEALPOST_|DATABASE_URL|PORT/.test(error.message));
    process.stderr.write(known ? `${(error as Error).message}\n` : `sealpost: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(known ? 2 : 1);
  },
);

import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptSubmission } from '../../sdk/encrypt-answers';
import type { PublishedForm, SubmissionReceipt } from '../../sdk/form-definition';
import { newIdempotencyKey } from '../../sdk/ids';
import { ROOT, freePort, runCli, startScript, type Child } from '../support/processes';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const FORM_FILE = path.join(ROOT, 'demo/forms/new-patient-intake.json');
const answers = {
  'full-name': 'Rosa Delgado Ibáñez',
  'date-of-birth': '1979-11-02',
  email: 'rosa.delgado@example.net',
  reason: 'Annual check-up',
  'preferred-contact': 'email',
  'has-insurance': 'no',
};

async function submit(baseUrl: string): Promise<SubmissionReceipt> {
  const published = (await (await fetch(`${baseUrl}/v1/forms/new-patient-intake`)).json()) as PublishedForm;
  const jwe = await encryptSubmission({ formId: 'new-patient-intake', formVersion: 1, locale: 'es', answers }, published.key.jwk);
  const response = await fetch(`${baseUrl}/v1/forms/new-patient-intake/submissions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ formVersion: 1, kid: published.key.kid, jwe, idempotencyKey: newIdempotencyKey() }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as SubmissionReceipt;
}

const MASTER_KEY = 'nT5m4Gx1yGJHnPjY1kQ0q0o9yCwq7cG3zW2oVtWl8aE';

describe.each(drivers)('collector and CLI on %s', (driver) => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let collector: Child | undefined;
  let baseUrl: string;
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-cli-'));
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    env = { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: '', PORT: String(port), SEALPOST_ACTOR: 'reviewer@clinic.example' };
    if (driver === 'postgres') {
      database = await createTestDatabase('postgres');
      env = { ...env, DATABASE_URL: database.url, SEALPOST_MASTER_KEY: MASTER_KEY };
    }
    collector = await startScript('collector/main.ts', env, 'collector started');
  });

  afterAll(async () => {
    await collector?.stop();
    await database?.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the master key where the mode says', async () => {
    if (driver === 'postgres') {
      // With a server database the key comes from the environment and none is generated.
      await expect(stat(path.join(dataDir, 'master.key'))).rejects.toThrow('ENOENT');
      return;
    }
    const info = await stat(path.join(dataDir, 'master.key'));
    expect(info.mode & 0o777).toBe(0o600);
    expect(collector!.output()).toContain('generated a new master key');
    expect(collector!.output()).toContain('for trials only, not for real patient data');
  });

  it('publishes a form through the running collector', async () => {
    const result = await runCli(['forms', 'publish', FORM_FILE], env);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Published new form new-patient-intake version 1 \(key [A-Za-z0-9_-]{43}\)\.$/m);
    expect(result.code).toBe(0);
  });

  it('lists and shows a submission, then audits the read', async () => {
    const receipt = await submit(baseUrl);

    const list = await runCli(['submissions', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(receipt.id.match(/.{4}/g)!.join('-'));
    expect(list.stdout).not.toContain('Rosa');

    const show = await runCli(['submissions', 'show', receipt.id], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('Full name: Rosa Delgado Ibáñez');
    expect(show.stdout).toContain('Date of birth: 1979-11-02');
    expect(show.stdout).toContain('Preferred way to contact you: Email');
    expect(show.stdout).toContain('Phone: (no answer)');
    expect(show.stdout).toContain('Language: es');

    const audit = await runCli(['audit', 'list', '--limit', '1'], env);
    expect(audit.stdout).toMatch(new RegExp(`reviewer@clinic\\.example\\s+submission\\.decrypt\\s+submission ${receipt.id.match(/.{4}/g)!.join('-')}`));

    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.stdout).toBe('The audit log is intact: 2 entries verified.\n');
    expect(verify.code).toBe(0);
  });

  it('keeps answers out of the collector log', () => {
    // Choice values such as "no" are common words; the free-text answers are the PHI.
    for (const value of [answers['full-name'], answers['date-of-birth'], answers.email, answers.reason]) {
      expect(collector!.output()).not.toContain(value);
    }
  });

  it('reports an unknown submission id', async () => {
    const result = await runCli(['submissions', 'show', 'NOPE-NOPE'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('No submission has the id "NOPE-NOPE"; list the ids with `npm run sealpost -- submissions list`.\n');
  });

  it('refuses an export it cannot write', async () => {
    const receipt = await submit(baseUrl);
    const out = path.join(dataDir, 'no-such-folder', 'export.json');
    const result = await runCli(['submissions', 'export', receipt.id, '--out', out], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`Cannot write ${out}: its folder does not exist; choose a file in a folder that exists and that you can write to.\n`);

    // Nothing was decrypted, so the audit log holds only the earlier read.
    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.stdout).toBe('The audit log is intact: 2 entries verified.\n');
  });

  it('runs commands after the collector stops', async () => {
    await collector!.stop();
    const result = await runCli(['audit', 'verify'], env);
    expect(result.stdout).toBe('The audit log is intact: 2 entries verified.\n');
    expect(result.code).toBe(0);
  });
});

describe('CLI usage', () => {
  it('rejects a data folder without a database', async () => {
    const missing = path.join(os.tmpdir(), 'sealpost-no-such-folder');
    const result = await runCli(['submissions', 'list'], { SEALPOST_DATA_DIR: missing, DATABASE_URL: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`No Sealpost database in ${missing}. Start the collector once with \`npm start\` to create it, or set SEALPOST_DATA_DIR to the folder the collector uses.\n`);
    await expect(stat(missing)).rejects.toThrow('ENOENT');
  });

  it('names a missing file in plain words', async () => {
    const result = await runCli(['forms', 'publish', 'no-such-form.json'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`Cannot read ${path.join(ROOT, 'no-such-form.json')}: the file does not exist; check the path.\n`);
  });

  it('prints help', async () => {
    const result = await runCli(['--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('submissions show ID');
  });

  it('rejects an unknown command', async () => {
    const result = await runCli(['forms', 'delete'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('Unknown command "forms delete"; run `npm run sealpost -- --help` for the list of commands.\n');
  });

  it('import needs an allowed origin', async () => {
    const result = await runCli(['forms', 'import', 'questionnaire.json'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('forms import needs at least one --allow-origin ORIGIN, the site that embeds the form, such as --allow-origin https://clinic.example.\n');
  });

  it('import takes --out or --publish', async () => {
    const result = await runCli(['forms', 'import', 'q.json', '--allow-origin', 'https://clinic.example', '--out', 'f.json', '--publish'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('Use either --out FILE or --publish, not both.\n');
  });

  it('import writes the definition and warnings', async () => {
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'sealpost-import-')), 'medications.json');
    const result = await runCli(['forms', 'import', path.join(ROOT, 'test/fixtures/medications-questionnaire.json'), '--allow-origin', 'https://clinic.example', '--out', out], {});

    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`Wrote ${out}.\n`);
    expect(result.code).toBe(0);
    const written = JSON.parse(await readFile(out, 'utf8')) as { id: string; fields: { type: string }[] };
    expect(written.id).toBe('medications');
    expect(written.fields.map((field) => field.type)).toEqual(['boolean', 'group']);
  });

  it('import rejects a non-Questionnaire', async () => {
    const result = await runCli(['forms', 'import', FORM_FILE, '--allow-origin', 'https://clinic.example'], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${FORM_FILE}: The file is not a FHIR Questionnaire (resourceType is undefined); export the form as a Questionnaire resource in JSON.\n`);
  });

  it('rejects an invalid limit', async () => {
    const result = await runCli(['submissions', 'list', '--limit', 'many'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('--limit many is invalid; use a whole number from 1 to 1000.\n');
  });
});

describe.runIf(drivers.includes('postgres'))('CLI on PostgreSQL', () => {
  let database: TestDatabase;
  const env = { SEALPOST_MASTER_KEY: MASTER_KEY, DATABASE_URL: '' };

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    env.DATABASE_URL = database.url!;
  });

  afterAll(async () => {
    await database?.dispose();
  });

  it('publishes and lists forms', async () => {
    expect((await runCli(['forms', 'publish', FORM_FILE], env)).code).toBe(0);
    const list = await runCli(['forms', 'list'], env);
    expect(list.stdout).toMatch(/new-patient-intake\s+1\s/);
  });

  it('requires a master key', async () => {
    const result = await runCli(['forms', 'list'], { ...env, SEALPOST_MASTER_KEY: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SEALPOST_MASTER_KEY is not set');
  });
});

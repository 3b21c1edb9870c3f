import { randomBytes } from 'node:crypto';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formKeys, formVersions } from '../../collector/db/schema';
import { publishForm } from '../../collector/forms/publish-form';
import { HttpError } from '../../collector/http/http-error';
import { KeyCustody } from '../../collector/keys/key-custody';
import { unwrapKey } from '../../collector/keys/key-wrap';
import { intakeForm } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

describe.each(drivers)('form publishing on %s', (driver) => {
  let database: TestDatabase;
  let custody: KeyCustody;
  const masterKey = randomBytes(32);

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    custody = new KeyCustody(database.db, masterKey);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function rows(table: typeof formKeys | typeof formVersions): Promise<number> {
    const [row] = await database.db.select({ n: count() }).from(table);
    return Number(row?.n ?? 0);
  }

  async function rejection(input: unknown): Promise<HttpError> {
    const error = await publishForm(database.db, custody, input, 'test').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }

  it('creates the form and one key', async () => {
    const result = await publishForm(database.db, custody, intakeForm(), 'test');
    expect(result.status).toBe('created');
    expect(result.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await rows(formKeys)).toBe(1);
  });

  it('stores the private key wrapped', async () => {
    const [row] = await database.db.select().from(formKeys);
    expect(row?.wrappedPrivateKey).not.toContain('"d"');
    expect(JSON.parse(unwrapKey(masterKey, row!.kid, row!.wrappedPrivateKey))).toHaveProperty('d');
    expect(() => unwrapKey(randomBytes(32), row!.kid, row!.wrappedPrivateKey)).toThrow('is not the one it was stored under; restore the original key');
    expect(() => unwrapKey(masterKey, 'another-kid', row!.wrappedPrivateKey)).toThrow();
  });

  it('leaves an identical republication unchanged', async () => {
    const result = await publishForm(database.db, custody, intakeForm(), 'test');
    expect(result.status).toBe('unchanged');
    expect(await rows(formVersions)).toBe(1);
  });

  it('rejects changed content under the same version', async () => {
    const changed = { ...intakeForm(), title: 'Changed title' };
    const error = await rejection(changed);
    expect(error.status).toBe(409);
    expect(error.code).toBe('version_exists');
    expect(error.message).toContain('raise "version" to 2');
    expect(await rows(formVersions)).toBe(1);
  });

  it('publishes a higher version with the same key', async () => {
    const result = await publishForm(database.db, custody, { ...intakeForm(), version: 2, title: 'Intake v2' }, 'test');
    expect(result.status).toBe('new_version');
    expect(await rows(formVersions)).toBe(2);
    expect(await rows(formKeys)).toBe(1);
  });

  it('rejects a lower version', async () => {
    const error = await rejection({ ...intakeForm(), version: 1, title: 'Older' });
    expect(error.code).toBe('version_exists');
    const older = await rejection({ ...intakeForm(), id: 'new-patient-intake', version: 0 });
    expect(older.code).toBe('invalid_definition');
  });

  it('rejects an invalid definition with paths', async () => {
    const error = await rejection({ ...intakeForm(), id: 'Bad Id', fields: [{ id: 'a', type: 'colour', label: 'A' }] });
    expect(error.status).toBe(422);
    expect(error.code).toBe('invalid_definition');
    expect(error.message).toContain('id: The form id "Bad Id" is invalid');
    expect(error.message).toContain('fields[0].type: The field type "colour" is not supported');
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, staffUsers } from '../../collector/db/schema';
import { deriveStaffKeys } from '../../collector/keys/derive-key';
import { blindIndex } from '../../collector/keys/field-encryption';
import { hashPassword, verifyPassword } from '../../collector/staff/password-hash';
import { changeStaffRole, createStaffUser, emailIndexOf, listStaffUsers } from '../../collector/staff/staff-users';
import { runCli } from '../support/processes';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

describe.each(drivers)('staff accounts on %s', (driver) => {
  let database: TestDatabase;
  const keys = deriveStaffKeys(randomBytes(32));

  beforeAll(async () => {
    database = await createTestDatabase(driver);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function auditOf(userId: string) {
    return database.db.select().from(auditLog).where(eq(auditLog.subjectId, userId)).orderBy(desc(auditLog.seq));
  }

  it('stores the address encrypted with a blind index', async () => {
    const user = await createStaffUser(database.db, keys, { email: ' Dana.Reyes@Clinic.Example ', role: 'reviewer', password: 'a long enough password' }, 'test:admin');
    const [row] = await database.db.select().from(staffUsers).where(eq(staffUsers.id, user.id));

    expect(user.email).toBe('dana.reyes@clinic.example');
    expect(JSON.stringify(row)).not.toMatch(/dana|reyes/i);
    expect(row?.emailCiphertext).toMatch(/^f1\./);
    expect(row?.emailIndex).toBe(blindIndex(keys.emailIndexKey, 'dana.reyes@clinic.example'));
    expect(row?.emailIndex).toBe(emailIndexOf(keys, 'DANA.REYES@clinic.example'));
  });

  it('hashes the password with scrypt', async () => {
    const user = await createStaffUser(database.db, keys, { email: 'hash@clinic.example', role: 'analyst', password: 'a long enough password' }, 'test:admin');
    const [row] = await database.db.select().from(staffUsers).where(eq(staffUsers.id, user.id));

    expect(row?.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('a long enough password', row!.passwordHash)).toBe(true);
    expect(await verifyPassword('a long enough passworD', row!.passwordHash)).toBe(false);
  });

  it('salts each hash', async () => {
    expect(await hashPassword('same password here')).not.toBe(await hashPassword('same password here'));
  });

  it('lists accounts with addresses decrypted', async () => {
    const users = await listStaffUsers(database.db, keys);
    expect(users.map((user) => user.email)).toContain('dana.reyes@clinic.example');
  });

  it('audits account creation without the address', async () => {
    const user = await createStaffUser(database.db, keys, { email: 'audited@clinic.example', role: 'admin', password: 'a long enough password' }, 'test:admin');
    const [entry] = await auditOf(user.id);

    expect(entry?.action).toBe('staff_user.create');
    expect(entry?.actor).toBe('test:admin');
    expect(entry?.details).toEqual({ role: 'admin' });
    expect(JSON.stringify(entry)).not.toContain('audited@');
  });

  it('rejects a second account for one address', async () => {
    await expect(createStaffUser(database.db, keys, { email: 'AUDITED@clinic.example', role: 'reviewer', password: 'a long enough password' }, 'test:admin')).rejects.toMatchObject({
      status: 409,
      code: 'user_exists',
    });
  });

  it('rejects a short password', async () => {
    await expect(createStaffUser(database.db, keys, { email: 'short@clinic.example', role: 'reviewer', password: 'short' }, 'test:admin')).rejects.toMatchObject({
      status: 400,
      code: 'password_too_short',
    });
  });

  it('rejects an invalid address', async () => {
    await expect(createStaffUser(database.db, keys, { email: 'not an address', role: 'reviewer', password: 'a long enough password' }, 'test:admin')).rejects.toMatchObject({
      status: 400,
      code: 'invalid_email',
    });
  });

  it('audits a role change with both roles', async () => {
    const user = await createStaffUser(database.db, keys, { email: 'promoted@clinic.example', role: 'analyst', password: 'a long enough password' }, 'test:admin');
    await changeStaffRole(database.db, user.id, 'reviewer', 'staff:someone');
    const [entry] = await auditOf(user.id);

    expect(entry?.action).toBe('staff_user.role_change');
    expect(entry?.actor).toBe('staff:someone');
    expect(entry?.details).toEqual({ from: 'analyst', to: 'reviewer' });
  });

  it('keeps the last admin', async () => {
    const only = await createTestDatabase(driver);
    try {
      const admin = await createStaffUser(only.db, keys, { email: 'only-admin@clinic.example', role: 'admin', password: 'a long enough password' }, 'test:admin');
      await expect(changeStaffRole(only.db, admin.id, 'reviewer', 'test:admin')).rejects.toMatchObject({ status: 409, code: 'last_admin' });
    } finally {
      await only.dispose();
    }
  });

  it('rejects a database check for an unknown role', async () => {
    const user = await createStaffUser(database.db, keys, { email: 'checked@clinic.example', role: 'analyst', password: 'a long enough password' }, 'test:admin');
    await expect(database.db.update(staffUsers).set({ role: 'owner' as never }).where(eq(staffUsers.id, user.id))).rejects.toThrow();
  });
});

describe('users CLI', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-users-cli-'));
    env = { SEALPOST_DATA_DIR: dataDir, DATABASE_URL: '', SEALPOST_MASTER_KEY: '', SEALPOST_ACTOR: 'cli:test', SEALPOST_INITIAL_PASSWORD: '' };
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('adds an account with a generated password', async () => {
    const result = await runCli(['users', 'add', 'ines@clinic.example', '--role', 'reviewer'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Added reviewer ines@clinic\.example \(id [0-9a-f-]{36}\)\.\nInitial password, shown only now: [\w-]{24}\n/);
  });

  it('adds an account with SEALPOST_INITIAL_PASSWORD', async () => {
    const result = await runCli(['users', 'add', 'omar@clinic.example', '--role', 'analyst'], { ...env, SEALPOST_INITIAL_PASSWORD: 'chosen initial password' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('The initial password is the one in SEALPOST_INITIAL_PASSWORD.');
    expect(result.stdout).not.toContain('chosen initial password');
  });

  it('lists accounts', async () => {
    const result = await runCli(['users', 'list'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/reviewer\s+not yet\s+ines@clinic\.example/);
    expect(result.stdout).toMatch(/analyst\s+not yet\s+omar@clinic\.example/);
  });

  it('audits the creation under the CLI actor', async () => {
    const result = await runCli(['audit', 'list', '--limit', '1'], env);
    expect(result.stdout).toMatch(/cli:test\s+staff_user\.create\s+staff_user [0-9a-f-]{36}/);
  });

  it('rejects a duplicate address', async () => {
    const result = await runCli(['users', 'add', 'INES@clinic.example', '--role', 'admin'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("A staff account with this email address already exists; change its role on the console's Users page instead of adding it again.\n");
  });

  it('rejects an unknown role', async () => {
    const result = await runCli(['users', 'add', 'x@clinic.example', '--role', 'owner'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('The role "owner" is invalid; use one of admin, reviewer, analyst.\n');
  });

  it('requires --role', async () => {
    const result = await runCli(['users', 'add', 'x@clinic.example'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('Missing argument: `users add EMAIL --role ROLE` needs --role admin, --role reviewer or --role analyst.\n');
  });

  it('documents the password variable in help', async () => {
    const result = await runCli(['--help'], {});
    expect(result.stdout).toContain('users add EMAIL');
    expect(result.stdout).toContain('SEALPOST_INITIAL_PASSWORD');
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, verifyAuditLog } from '../../collector/audit/audit-log';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

describe.each(drivers)('audit log on %s', (driver) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    for (let i = 1; i <= 5; i++) {
      await recordAudit(database.db, { actor: `reviewer-${i}@clinic.example`, action: 'submission.decrypt', subjectType: 'submission', subjectId: `S${i}`, details: { formId: 'intake', via: 'test' } });
    }
  });

  afterAll(async () => {
    await database?.dispose();
  });

  it('verifies an untouched chain', async () => {
    expect(await verifyAuditLog(database.db)).toEqual({ ok: true, entries: 5 });
  });

  it('keeps the chain under concurrent appends', async () => {
    const fresh = await createTestDatabase(driver);
    try {
      await Promise.all(Array.from({ length: 20 }, (_, i) => recordAudit(fresh.db, { actor: 'a', action: 'x', subjectType: 't', subjectId: String(i) })));
      expect(await verifyAuditLog(fresh.db, 7)).toEqual({ ok: true, entries: 20 });
    } finally {
      await fresh.dispose();
    }
  });

  it('rejects UPDATE and DELETE', async () => {
    await expect(database.db.execute(sql`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2`)).rejects.toThrow();
    await expect(database.db.execute(sql`DELETE FROM audit_log WHERE seq = 5`)).rejects.toThrow();
    expect(await verifyAuditLog(database.db)).toEqual({ ok: true, entries: 5 });
  });

  it('names an entry edited behind the trigger', async () => {
    await database.db.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    await database.db.execute(sql`UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3`);
    await database.db.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);

    const result = await verifyAuditLog(database.db);
    expect(result).toMatchObject({ ok: false, seq: 3, entries: 2, problem: 'hash_mismatch' });
    expect(result.ok ? '' : result.message).toContain('Audit entry 3 (submission.decrypt');
  });

  it('names a deleted entry as a gap', async () => {
    const fresh = await createTestDatabase(driver);
    try {
      for (let i = 1; i <= 4; i++) await recordAudit(fresh.db, { actor: 'a', action: 'x', subjectType: 't', subjectId: String(i) });
      await fresh.db.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
      await fresh.db.execute(sql`DELETE FROM audit_log WHERE seq = 2`);

      const result = await verifyAuditLog(fresh.db);
      expect(result).toMatchObject({ ok: false, seq: 2, problem: 'gap' });
      expect(result.ok ? '' : result.message).toBe('Audit entry 2 is missing: the log jumps from entry 1 to entry 3.');
    } finally {
      await fresh.dispose();
    }
  });

  it('names an entry whose predecessor was replaced', async () => {
    const fresh = await createTestDatabase(driver);
    try {
      for (let i = 1; i <= 3; i++) await recordAudit(fresh.db, { actor: 'a', action: 'x', subjectType: 't', subjectId: String(i) });
      await fresh.db.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
      // A forger who recomputes entry 2's own hash still breaks entry 3's link.
      await fresh.db.execute(sql`UPDATE audit_log SET hash = repeat('f', 64) WHERE seq = 2`);

      const result = await verifyAuditLog(fresh.db);
      expect(result).toMatchObject({ ok: false, seq: 2, problem: 'hash_mismatch' });
    } finally {
      await fresh.dispose();
    }
  });
});

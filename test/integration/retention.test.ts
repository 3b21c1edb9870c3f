import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../collector/audit/audit-log';
import { auditLog, submissions } from '../../collector/db/schema';
import { publishForm } from '../../collector/forms/publish-form';
import { setFormRetention } from '../../collector/forms/form-admin';
import { createLogger } from '../../collector/log';
import { RETENTION_ACTOR, deleteExpiredSubmissions, startRetentionJob } from '../../collector/submissions/retention';
import { testClock } from '../support/staff-session';
import { createTestCollector, intakeForm } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const DAY = 86_400_000;

describe.each(drivers)('submission retention on %s', (driver) => {
  const clock = testClock(new Date('2026-12-04T03:00:00Z'));
  let database: TestDatabase;
  let kid: string;
  let otherKid: string;
  let counter = 0;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    const collector = await createTestCollector(database, { now: clock.now });
    kid = collector.kid;
    otherKid = (await publishForm(database.db, collector.custody, { ...intakeForm(), id: 'kept-forever' }, 'test:setup')).kid;
  });

  afterAll(async () => {
    await database?.dispose();
  });

  /** Stores a placeholder submission received `ageDays` before the test clock's time. */
  async function storeSubmission(formId: string, ageDays: number): Promise<string> {
    const id = `RETENTION${String(++counter).padStart(7, '0')}`;
    await database.db.insert(submissions).values({
      id,
      formId,
      formVersion: 1,
      kid: formId === 'kept-forever' ? otherKid : kid,
      jwe: 'ciphertext',
      jweSha256: 'digest',
      idempotencyKey: id,
      byteSize: 10,
      receivedAt: new Date(clock.now().getTime() - ageDays * DAY),
    });
    return id;
  }

  async function storedIds(): Promise<string[]> {
    return (await database.db.select({ id: submissions.id }).from(submissions)).map((row) => row.id).sort();
  }

  it('keeps every submission without a policy', async () => {
    await storeSubmission('kept-forever', 4000);
    expect(await deleteExpiredSubmissions(database.db, clock.now())).toEqual({ deleted: 0, byForm: {} });
    expect(await storedIds()).toHaveLength(1);
  });

  it('deletes only submissions past the period', async () => {
    await setFormRetention(database.db, 'new-patient-intake', 30, 'staff:test-admin', clock.now());
    const old = await storeSubmission('new-patient-intake', 31);
    const older = await storeSubmission('new-patient-intake', 400);
    const young = await storeSubmission('new-patient-intake', 29);
    const kept = await storedIds();

    const result = await deleteExpiredSubmissions(database.db, clock.now());

    expect(result).toEqual({ deleted: 2, byForm: { 'new-patient-intake': 2 } });
    expect(await storedIds()).toEqual(kept.filter((id) => id !== old && id !== older));
    expect(await storedIds()).toContain(young);
  });

  it('leaves an audit entry for each deletion', async () => {
    const entries = await database.db.select().from(auditLog).where(eq(auditLog.action, 'submission.delete')).orderBy(auditLog.seq);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ actor: RETENTION_ACTOR, subjectType: 'submission', at: clock.now(), details: { reason: 'retention', formId: 'new-patient-intake', retentionDays: 30, formVersion: 1, kid } });
    expect(JSON.stringify(entries)).not.toContain('ciphertext');
    expect(await verifyAuditLog(database.db)).toMatchObject({ ok: true });
  });

  it('records the policy change', async () => {
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'form.retention_change')).orderBy(desc(auditLog.seq)).limit(1);
    expect(entry).toMatchObject({ actor: 'staff:test-admin', subjectId: 'new-patient-intake', details: { from: null, to: 30 } });
  });

  it('deletes more as the clock moves on', async () => {
    const remaining = (await storedIds()).filter((id) => id !== 'RETENTION0000001');
    expect(remaining).toHaveLength(1);
    clock.advance(2 * DAY);
    expect(await deleteExpiredSubmissions(database.db, clock.now())).toEqual({ deleted: 1, byForm: { 'new-patient-intake': 1 } });
    expect(await storedIds()).toEqual(['RETENTION0000001']);
  });

  it('rejects a period outside 1 to 36500 days', async () => {
    await expect(setFormRetention(database.db, 'new-patient-intake', 0, 'staff:test-admin')).rejects.toMatchObject({ status: 400, code: 'invalid_retention' });
    await expect(setFormRetention(database.db, 'new-patient-intake', 2.5, 'staff:test-admin')).rejects.toMatchObject({ status: 400, code: 'invalid_retention' });
    await expect(setFormRetention(database.db, 'no-such-form', 10, 'staff:test-admin')).rejects.toMatchObject({ status: 404, code: 'form_not_found' });
  });

  it('runs on its timer with the injected clock', async () => {
    const expired = await storeSubmission('new-patient-intake', 45);
    const job = startRetentionJob({ db: database.db, clock: clock.now, logger: createLogger('silent'), firstRunMs: 10, intervalMs: 60_000 });
    try {
      const deadline = Date.now() + 10_000;
      while ((await storedIds()).includes(expired) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await storedIds()).not.toContain(expired);
    } finally {
      await job.stop();
    }
  });
});

import { and, asc, eq, inArray, isNotNull, lt } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { forms, submissions } from '../db/schema';
import type { Logger } from '../log';

/** The actor that retention deletions are recorded under. */
export const RETENTION_ACTOR = 'system:retention';

/** How many submissions one transaction deletes, so a large backlog never holds locks for long. */
const BATCH_SIZE = 200;

/** Submissions deleted by one pass, per form. */
export interface RetentionResult {
  deleted: number;
  byForm: Record<string, number>;
}

/**
 * Deletes every submission older than its form's retention period at `now`.
 * Each deletion removes the row, and with it the only copy of the ciphertext,
 * and appends a `submission.delete` audit entry in the same transaction, so
 * the log keeps what was deleted, when and why. Rows are taken with SKIP
 * LOCKED, so collectors running the job at the same time delete each row once.
 */
export async function deleteExpiredSubmissions(db: Database, now: Date): Promise<RetentionResult> {
  const policies = await db.select({ id: forms.id, days: forms.retentionDays }).from(forms).where(isNotNull(forms.retentionDays)).orderBy(asc(forms.id));
  const result: RetentionResult = { deleted: 0, byForm: {} };

  for (const policy of policies) {
    const days = policy.days!;
    const cutoff = new Date(now.getTime() - days * 86_400_000);
    for (;;) {
      const deleted = await db.transaction(async (tx) => {
        const due = await tx
          .select({ id: submissions.id })
          .from(submissions)
          .where(and(eq(submissions.formId, policy.id), lt(submissions.receivedAt, cutoff)))
          .orderBy(asc(submissions.receivedAt))
          .limit(BATCH_SIZE)
          .for('update', { skipLocked: true });
        if (due.length === 0) return 0;

        const rows = await tx
          .delete(submissions)
          .where(inArray(submissions.id, due.map((row) => row.id)))
          .returning({ id: submissions.id, formVersion: submissions.formVersion, kid: submissions.kid, byteSize: submissions.byteSize, receivedAt: submissions.receivedAt });
        for (const row of rows) {
          await appendAudit(
            tx,
            {
              actor: RETENTION_ACTOR,
              action: 'submission.delete',
              subjectType: 'submission',
              subjectId: row.id,
              details: { reason: 'retention', formId: policy.id, formVersion: row.formVersion, kid: row.kid, byteSize: row.byteSize, receivedAt: row.receivedAt.toISOString(), retentionDays: days },
            },
            now,
          );
        }
        return rows.length;
      });

      if (deleted === 0) break;
      result.deleted += deleted;
      result.byForm[policy.id] = (result.byForm[policy.id] ?? 0) + deleted;
      if (deleted < BATCH_SIZE) break;
    }
  }
  return result;
}

/** A running retention job. */
export interface RetentionJob {
  /** Runs one pass now, as the timer would; resolves when it has finished. */
  runNow(): Promise<RetentionResult | undefined>;
  stop(): Promise<void>;
}

/** One day: the retention job's default period. */
export const RETENTION_INTERVAL_MS = 86_400_000;

/**
 * Runs deleteExpiredSubmissions shortly after start and then once per
 * `intervalMs` (a day by default). `clock` decides what "older than N days"
 * means, so tests can move time without waiting. A failed pass is logged
 * and the next one runs on schedule.
 */
export function startRetentionJob(options: { db: Database; clock: Clock; logger: Logger; intervalMs?: number; firstRunMs?: number }): RetentionJob {
  const intervalMs = options.intervalMs ?? RETENTION_INTERVAL_MS;
  let running: Promise<RetentionResult | undefined> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const pass = (): Promise<RetentionResult | undefined> => {
    running ??= deleteExpiredSubmissions(options.db, options.clock())
      .then((result) => {
        if (result.deleted > 0) options.logger.info({ deleted: result.deleted, byForm: result.byForm }, 'retention job deleted expired submissions');
        return result;
      })
      .catch((error: unknown) => {
        options.logger.error({ err: error }, 'retention job failed; it runs again at the next interval');
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => void pass().then(() => schedule(intervalMs)), delay);
    timer.unref?.();
  };
  schedule(options.firstRunMs ?? 60_000);

  return {
    runNow: pass,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

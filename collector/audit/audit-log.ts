import { createHash } from 'node:crypto';
import { asc, desc, sql } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { auditLog } from '../db/schema';

/** What happened, by whom, to what. Details must never hold PHI. */
export interface AuditEvent {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
}

export interface AuditEntry extends Required<AuditEvent> {
  seq: number;
  at: Date;
  prevHash: string;
  hash: string;
}

/** The verdict of verifyAuditLog: intact, or the first entry that breaks the chain. */
export type AuditVerification =
  | { ok: true; entries: number }
  | { ok: false; entries: number; seq: number; problem: 'gap' | 'hash_mismatch' | 'chain_broken'; message: string };

/** The prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * Appends one entry inside the caller's transaction, so the entry commits or
 * rolls back with the action it records. The table lock serialises writers:
 * each entry must see the hash of the one before it.
 */
export async function appendAudit(tx: Transaction, event: AuditEvent, now = new Date()): Promise<AuditEntry> {
  await tx.execute(sql`LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE`);

  const [last] = await tx.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
  const entry = {
    seq: (last?.seq ?? 0) + 1,
    at: now,
    actor: event.actor,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    details: event.details ?? {},
    prevHash: last?.hash ?? GENESIS_HASH,
  };

  const full = { ...entry, hash: hashEntry(entry) };
  await tx.insert(auditLog).values(full);
  return full;
}

/** Appends one entry in a transaction of its own. */
export async function recordAudit(db: Database, event: AuditEvent): Promise<AuditEntry> {
  return db.transaction((tx) => appendAudit(tx, event));
}

/**
 * Walks the whole log in order and reports the first entry that is missing,
 * was edited, or does not follow its predecessor.
 */
export async function verifyAuditLog(db: Database, pageSize = 1000): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;

  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.seq} >= ${expectedSeq}`)
      .orderBy(asc(auditLog.seq))
      .limit(pageSize);
    if (rows.length === 0) return { ok: true, entries: expectedSeq - 1 };

    for (const row of rows) {
      const entries = expectedSeq - 1;
      if (row.seq !== expectedSeq) {
        return { ok: false, entries, seq: expectedSeq, problem: 'gap', message: `Audit entry ${expectedSeq} is missing: the log jumps from entry ${expectedSeq - 1} to entry ${row.seq}.` };
      }
      if (row.prevHash !== prevHash) {
        return { ok: false, entries, seq: row.seq, problem: 'chain_broken', message: `Audit entry ${row.seq} (${row.action}) does not point at the hash of entry ${row.seq - 1}: an entry before it was altered or replaced.` };
      }
      if (hashEntry(row) !== row.hash) {
        return { ok: false, entries, seq: row.seq, problem: 'hash_mismatch', message: `Audit entry ${row.seq} (${row.action} at ${row.at.toISOString()}) does not match its hash: it was edited after it was written.` };
      }
      prevHash = row.hash;
      expectedSeq++;
    }
  }
}

/** Lists entries, newest first. */
export async function listAudit(db: Database, limit = 50): Promise<AuditEntry[]> {
  return db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(limit);
}

/** SHA-256 over the previous hash and a canonical encoding of the entry's fields. */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const canonical = JSON.stringify([
    entry.seq,
    entry.at.toISOString(),
    entry.actor,
    entry.action,
    entry.subjectType,
    entry.subjectId,
    canonicalJson(entry.details),
    entry.prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

// jsonb does not keep key order, so details are hashed with sorted keys.
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

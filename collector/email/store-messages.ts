import type { Database } from '../db/open-database';
import { messages, trackingLinks } from '../db/schema';
import { refreshRollups } from '../reports/refresh-rollups';
import type { PreparedMessage } from './prepare-message';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

// PostgreSQL allows 65535 bind parameters per statement; 1000 rows stay far below it.
const ROWS_PER_INSERT = 1000;

/** Inserts prepared messages, their tracking links and their rollup counts in one transaction: all of them or none. */
export async function storeMessages(db: Database, prepared: PreparedMessage[]): Promise<void> {
  await db.transaction((tx) => insertPreparedMessages(tx, prepared));
}

/** Inserts prepared messages inside a caller's transaction, such as a workflow step's. */
export async function insertPreparedMessages(tx: Transaction, prepared: PreparedMessage[]): Promise<void> {
  for (const rows of chunks(prepared.map((item) => item.message))) await tx.insert(messages).values(rows);
  for (const rows of chunks(prepared.flatMap((item) => item.links))) await tx.insert(trackingLinks).values(rows);
  await refreshRollups(tx, prepared.map((item) => item.message.id));
}

function chunks<T>(rows: T[]): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) result.push(rows.slice(start, start + ROWS_PER_INSERT));
  return result;
}

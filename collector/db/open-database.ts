import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

/** A drizzle database over either driver; code above this file does not know which. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** An open database with its driver's name and a way to close it. */
export interface OpenDatabase {
  db: Database;
  driver: 'pglite' | 'postgres';
  close(): Promise<void>;
}

const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Opens PostgreSQL when a URL is given, else PGlite in `pgliteDir` (or in
 * memory when that is undefined), and applies pending migrations in one
 * transaction before returning.
 */
export async function openDatabase(options: { databaseUrl?: string; pgliteDir?: string }): Promise<OpenDatabase> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.pgliteDir);
}

async function openPostgres(url: string): Promise<OpenDatabase> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');

  // NOTE: onnotice is silenced because migrations print NOTICEs for IF NOT EXISTS.
  const client = postgres(url, { max: 10, backoff: reconnectDelaySeconds, onnotice: () => {}, connection: { application_name: 'sealpost' } });
  const db = drizzle({ client, schema, casing: 'snake_case' });
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS });
  } catch (error) {
    await client.end({ timeout: 1 });
    throw error;
  }

  return { db: db as unknown as Database, driver: 'postgres', close: () => client.end({ timeout: 5 }) };
}

/**
 * Returns the seconds the pool waits before its next connection attempt after
 * `attempt` failures in a row. The driver's default grows to 20 s, and while
 * it waits every query fails at once with the last connection error. After a
 * 30 s outage the collector then returned 503 for up to 20 s with the database
 * back. The cap is 2 s, with jitter so that processes do not reconnect in step.
 */
export function reconnectDelaySeconds(attempt: number): number {
  return Math.min(0.05 * 2 ** attempt, 2) * (0.5 + Math.random() / 2);
}

async function openPglite(dir: string | undefined): Promise<OpenDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');

  if (dir) await mkdir(dir, { recursive: true });
  const client = new PGlite(dir);
  const db = drizzle({ client, schema, casing: 'snake_case' });
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS });
  } catch (error) {
    await client.close();
    throw error;
  }

  return { db: db as unknown as Database, driver: 'pglite', close: () => client.close() };
}

import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type OpenDatabase } from '../../collector/db/open-database';

/** A database a suite can run on, and how to throw it away afterwards. */
export interface TestDatabase extends OpenDatabase {
  /** postgres URL of this database, for tests that start a collector process. */
  url?: string;
  dispose(): Promise<void>;
}

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The server URL from TEST_DATABASE_URL, else the local server if it answers, else undefined. */
export async function findPostgres(): Promise<string | undefined> {
  const url = process.env.TEST_DATABASE_URL || DEFAULT_SERVER;
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return url;
  } catch {
    if (process.env.TEST_DATABASE_URL) throw new Error(`TEST_DATABASE_URL is set but the server does not answer; start it or unset the variable.`);
    return undefined;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Drivers to run the integration suites on: PGlite always, PostgreSQL when reachable. */
export const drivers: ('pglite' | 'postgres')[] = (await findPostgres()) ? ['pglite', 'postgres'] : ['pglite'];

/** Opens a fresh, migrated database: in-memory PGlite, or a new database on the server. */
export async function createTestDatabase(driver: 'pglite' | 'postgres'): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const open = await openDatabase({});
    return { ...open, dispose: open.close };
  }

  const server = await findPostgres();
  if (!server) throw new Error('No PostgreSQL server answers; set TEST_DATABASE_URL or start one on 127.0.0.1:5432.');

  const name = `sealpost_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);

  const url = new URL(server);
  url.pathname = `/${name}`;
  const open = await openDatabase({ databaseUrl: url.toString() });

  return {
    ...open,
    url: url.toString(),
    dispose: async () => {
      await open.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 1 });
    },
  };
}

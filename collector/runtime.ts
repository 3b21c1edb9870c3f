import path from 'node:path';
import type { CollectorConfig } from './config';
import { lockDataDir, type DataDirLock } from './control/data-dir-lock';
import { openDatabase, type Database } from './db/open-database';
import { deriveEmailKeys, type EmailKeys } from './keys/email-keys';
import { deriveStaffKeys, type StaffKeys } from './keys/derive-key';
import { KeyCustody } from './keys/key-custody';
import { loadMasterKey } from './keys/master-key';
import type { Logger } from './log';

/** An open database with its key custody: what the server and the CLI both work on. */
export interface Runtime {
  db: Database;
  driver: 'pglite' | 'postgres';
  custody: KeyCustody;
  emailKeys: EmailKeys;
  /** Keys for staff accounts and console sessions, derived from the master key. */
  staffKeys: StaffKeys;
  /** The master key, from which the contact and webhook keys are derived. */
  masterKey: Buffer;
  close(): Promise<void>;
}

/**
 * Opens the database and the master key. In embedded mode it first locks the
 * data folder, because PGlite must never be opened by two processes at once.
 */
export async function openRuntime(config: Pick<CollectorConfig, 'dataDir' | 'databaseUrl' | 'masterKey'>, logger: Logger): Promise<Runtime> {
  const embedded = !config.databaseUrl;
  let lock: DataDirLock | undefined;

  try {
    if (embedded) {
      lock = await lockDataDir(config.dataDir);
      logger.warn({ dataDir: config.dataDir }, 'embedded PGlite database: for trials only, not for real patient data, because PGlite on Node runs with fsync off; set DATABASE_URL to use PostgreSQL');
    }

    const master = await loadMasterKey({ envValue: config.masterKey, dataDir: embedded ? config.dataDir : undefined });
    if (master.source === 'generated') {
      logger.warn({ file: master.file }, 'generated a new master key; back this file up, because without it no stored submission can be decrypted, and set SEALPOST_MASTER_KEY in production');
    }

    const { db, driver, close } = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: embedded ? path.join(config.dataDir, 'pgdata') : undefined });
    return {
      db,
      driver,
      custody: new KeyCustody(db, master.key),
      emailKeys: deriveEmailKeys(master.key),
      staffKeys: deriveStaffKeys(master.key),
      masterKey: master.key,
      close: async () => {
        await close();
        await lock?.release();
      },
    };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

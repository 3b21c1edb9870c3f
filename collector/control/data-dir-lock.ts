import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

export const LOCK_FILE = 'collector.lock';

/** A held lock on an embedded data folder; release() removes it. */
export interface DataDirLock {
  release(): Promise<void>;
}

/** Thrown when a live process already has the data folder open. */
export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`The data folder ${dataDir} is in use by process ${pid}; stop it, or point SEALPOST_DATA_DIR at another folder.`);
    this.name = 'DataDirBusyError';
  }
}

/**
 * Takes the lock that keeps a second process from opening the same PGlite
 * folder, which would corrupt it. A lock left by a process that has died is
 * taken over.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);

  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return { release: () => releaseIfOurs(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }

    const owner = await readOwner(file);
    if (owner !== undefined && isAlive(owner)) throw new DataDirBusyError(dataDir, owner);
    await rm(file, { force: true });
  }

  throw new Error(`Could not lock the data folder ${dataDir}: ${file} keeps reappearing; check for another process starting at the same time.`);
}

/** Returns the pid holding the folder's lock, if that process is alive. */
export async function lockOwner(dataDir: string): Promise<number | undefined> {
  const owner = await readOwner(path.join(dataDir, LOCK_FILE));
  return owner !== undefined && isAlive(owner) ? owner : undefined;
}

async function readOwner(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function releaseIfOurs(file: string): Promise<void> {
  if ((await readOwner(file)) === process.pid) await rm(file, { force: true });
}

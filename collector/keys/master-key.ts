import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What loadMasterKey found, so the caller can log a warning for a generated key. */
export interface MasterKey {
  key: Buffer;
  source: 'environment' | 'file' | 'generated';
  file?: string;
}

export const MASTER_KEY_FILE = 'master.key';

/**
 * Reads the 32-byte master key from SEALPOST_MASTER_KEY (base64 or base64url).
 * Without it, embedded mode reads `<dataDir>/master.key`, generating one with
 * file mode 0600 the first time; a server database gets no generated key,
 * because losing that file would make every stored submission unreadable.
 */
export async function loadMasterKey(options: { envValue?: string; dataDir?: string }): Promise<MasterKey> {
  if (options.envValue) return { key: decodeMasterKey(options.envValue, 'SEALPOST_MASTER_KEY'), source: 'environment' };

  if (!options.dataDir) {
    throw new Error(
      'SEALPOST_MASTER_KEY is not set. A collector on PostgreSQL needs a master key: generate one with `npm run sealpost -- keys generate-master` and keep it in your secret store.',
    );
  }

  const file = path.join(options.dataDir, MASTER_KEY_FILE);
  try {
    const text = await readFile(file, 'utf8');
    return { key: decodeMasterKey(text.trim(), file), source: 'file', file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }

  await mkdir(options.dataDir, { recursive: true });
  const key = randomBytes(32);
  await writeFile(file, `${key.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return { key, source: 'generated', file };
}

/** Returns a new random master key, base64url-encoded. */
export function generateMasterKey(): string {
  return randomBytes(32).toString('base64url');
}

function decodeMasterKey(text: string, origin: string): Buffer {
  const key = Buffer.from(text, 'base64url');
  if (key.length !== 32 || !/^[A-Za-z0-9+/_-]+=*$/.test(text)) {
    throw new Error(`The master key in ${origin} is invalid: it must be 32 random bytes in base64url. Generate one with \`npm run sealpost -- keys generate-master\`.`);
  }
  return key;
}

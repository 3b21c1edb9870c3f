import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes';

const run = promisify(execFile);
const PG_ROOT = '/usr/lib/postgresql';

function findBin(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT).sort().reverse();
  return versions.map((version) => path.join(PG_ROOT, version, 'bin')).find((bin) => existsSync(path.join(bin, 'initdb')));
}

const BIN = findBin();

/** Why a private server cannot be started here, or undefined when it can. */
export const privatePostgresMissing = BIN ? undefined : `PostgreSQL server binaries are not installed under ${PG_ROOT}; install Debian's postgresql package to run the outage tests.`;

/** A PostgreSQL server of the test's own, which it may stop and start at will. */
export interface PrivatePostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Creates and starts a throwaway PostgreSQL cluster on a free loopback port.
 * PostgreSQL refuses to run as root, so as root it runs as the postgres user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  if (!BIN) throw new Error(privatePostgresMissing);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-pg-'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: group } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(group.trim()));
  }

  const pg = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(BIN!, tool), ...args]) : run(path.join(BIN!, tool), args));
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off -c max_connections=200`;

  await pg('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const start = async () => {
    await pg('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', 'start']);
  };
  await start();

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    // Immediate mode is a crash from the clients' side: connections drop without a goodbye.
    stop: async () => {
      await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    start,
    dispose: async () => {
      await pg('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

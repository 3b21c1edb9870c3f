import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app';
import { systemClock } from './clock';
import type { CollectorConfig } from './config';
import { startControlSocket } from './control/control-socket';
import type { Logger } from './log';
import { openRuntime, type Runtime } from './runtime';

/** A running collector: its runtime, its URL, and a way to stop it cleanly. */
export interface RunningCollector {
  runtime: Runtime;
  url: string;
  close(): Promise<void>;
}

const DEFAULT_ASSETS = fileURLToPath(new URL('../dist', import.meta.url));

/**
 * Opens the database, then serves HTTP and, in embedded mode, the control
 * socket through which CLI commands reach the same database.
 */
export async function startCollector(config: CollectorConfig, logger: Logger, options: { assetsDir?: string; beforeListen?: (runtime: Runtime) => Promise<void> } = {}): Promise<RunningCollector> {
  const runtime = await openRuntime(config, logger);
  let server: ServerType | undefined;
  let control: { close(): Promise<void> } | undefined;

  try {
    await options.beforeListen?.(runtime);
    if (!config.databaseUrl) control = await startControlSocket(config.dataDir, runtime, logger);

    const app = createApp({ db: runtime.db, custody: runtime.custody, emailKeys: runtime.emailKeys, clock: systemClock, config, logger, assetsDir: options.assetsDir ?? DEFAULT_ASSETS });
    server = await listen(app.fetch, config.port, config.host);
  } catch (error) {
    await control?.close();
    await runtime.close();
    throw error;
  }

  const url = `http://${config.host === '127.0.0.1' || config.host === '::1' ? 'localhost' : config.host}:${config.port}`;
  logger.info({ url, driver: runtime.driver }, 'collector started');

  return {
    runtime,
    url,
    close: async () => {
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      await control?.close();
      await runtime.close();
      logger.info('collector stopped');
    },
  };
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${hostname} is already in use; stop the other process or set PORT to a free port.`) : error);
    });
  });
}

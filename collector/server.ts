import net from 'node:net';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app';
import { systemClock } from './clock';
import type { CollectorConfig } from './config';
import { startControlSocket } from './control/control-socket';
import type { Logger } from './log';
import { openRuntime, type Runtime } from './runtime';
import { startRollupWorker, type RollupWorker } from './reports/rollup-worker';
import { SendWorker } from './sending/send-worker';
import { parseSmtpUrl, type SmtpSettings } from './sending/smtp-settings';
import { staffOptions } from './staff/staff-options';
import { startRetentionJob, type RetentionJob } from './submissions/retention';
import { deriveContactKeys } from './contacts/contact-crypto';
import { createWorkflowEngine, type WorkflowEngineOptions } from './workflows/workflow-engine';
import { startWorkflowWorker, type WorkflowWorker } from './workflows/worker';

/** A running collector: its runtime, its URL, and a way to stop it cleanly. */
export interface RunningCollector {
  runtime: Runtime;
  url: string;
  close(): Promise<void>;
}

/** Options of startCollector that tests set. */
export interface StartOptions {
  assetsDir?: string;
  beforeListen?: (runtime: Runtime) => Promise<void>;
  /** Runs the workflow worker loop; defaults to SEALPOST_WORKFLOW_WORKER (on). */
  workflowWorker?: boolean;
  /** Replaces parts of the workflow engine, such as its clock or email sender. */
  workflowEngine?: Partial<Omit<WorkflowEngineOptions, 'db'>>;
}

const DEFAULT_ASSETS = fileURLToPath(new URL('../dist', import.meta.url));

/**
 * Opens the database, then serves HTTP and, in embedded mode, the control
 * socket through which CLI commands reach the same database.
 */
export async function startCollector(config: CollectorConfig, logger: Logger, options: StartOptions = {}): Promise<RunningCollector> {
  // Checked before the slow database start, so a busy port fails at once.
  await assertPortFree(config.port, config.host, 'PORT');
  // An invalid SMTP_URL or CA file stops start-up before anything is opened.
  const smtp = await readSmtpSettings(config);
  const runtime = await openRuntime(config, logger);
  let server: ServerType | undefined;
  let control: { close(): Promise<void> } | undefined;
  let worker: WorkflowWorker | undefined;
  let sender: SendWorker | undefined;
  let retention: RetentionJob | undefined;
  let rollups: RollupWorker | undefined;

  try {
    await options.beforeListen?.(runtime);
    if (!config.databaseUrl) control = await startControlSocket(config.dataDir, runtime, logger);

    const staff = staffOptions(runtime.staffKeys, { idleTimeoutMs: config.staffIdleMinutes * 60_000, absoluteTimeoutMs: config.staffSessionHours * 3_600_000, trustedProxies: config.trustProxy });
    const workflowEngine = createWorkflowEngine({ db: runtime.db, masterKey: runtime.masterKey, contactKeys: deriveContactKeys(runtime.masterKey), emailKeys: runtime.emailKeys, publicOrigin: config.publicOrigins[0]!, logger, leaseMs: config.workflowLeaseMs, ...options.workflowEngine });
    const app = createApp({ db: runtime.db, custody: runtime.custody, emailKeys: runtime.emailKeys, clock: systemClock, config, logger, staff, assetsDir: options.assetsDir ?? DEFAULT_ASSETS, workflowEngine });
    server = await listen(app.fetch, config.port, config.host);
    if (options.workflowWorker ?? config.workflowWorker) worker = startWorkflowWorker(workflowEngine, { pollMs: config.workflowPollMs });
    sender = startSendWorker(smtp, runtime, logger);
    retention = startRetentionJob({ db: runtime.db, clock: systemClock, logger });
    rollups = startRollupWorker({ db: runtime.db, logger, intervalMs: config.rollupIntervalMs });
    if (config.trustProxy) logger.info({ trustProxy: config.trustProxy.description }, 'X-Forwarded-For is read from these proxies for sign-in limits');
  } catch (error) {
    await rollups?.stop();
    await retention?.stop();
    await sender?.stop();
    await worker?.stop();
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
      await retention?.stop();
      await sender?.stop();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      await rollups?.stop();
      await worker?.stop();
      await control?.close();
      await runtime.close();
      logger.info('collector stopped');
    },
  };
}

/** Throws a message naming the variable to change when nothing can listen on the port. */
export async function assertPortFree(port: number, host: string, variable: string): Promise<void> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${host} is already in use; stop the other process or set ${variable} to a free port.`) : error),
    );
    probe.listen(port, host, () => resolve());
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} on ${hostname} is already in use; stop the other process or set PORT to a free port.`) : error);
    });
  });
}

async function readSmtpSettings(config: CollectorConfig): Promise<SmtpSettings | undefined> {
  if (!config.smtpUrl) return undefined;

  let ca: string | undefined;
  if (config.smtpCaFile) {
    try {
      ca = await readFile(config.smtpCaFile, 'utf8');
    } catch (error) {
      throw new Error(`SMTP_CA_FILE=${JSON.stringify(config.smtpCaFile)} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the path.`);
    }
  }
  return parseSmtpUrl(config.smtpUrl, ca);
}

function startSendWorker(smtp: SmtpSettings | undefined, runtime: Runtime, logger: Logger): SendWorker | undefined {
  if (!smtp) {
    logger.warn('SMTP_URL is not set, so queued messages are not sent; set it to smtp://relay.example:587 to send them');
    return undefined;
  }

  const worker = new SendWorker({ db: runtime.db, keys: runtime.emailKeys, smtp, logger, clock: systemClock });
  worker.start();
  return worker;
}

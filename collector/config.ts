import path from 'node:path';
import { ROLLUP_INTERVAL_MS } from './reports/rollup-worker';
import { parseTrustedProxies, type TrustedProxies } from './staff/request-input';

/** Settings of one collector process, read from the environment. */
export interface CollectorConfig {
  /** TCP port to listen on. */
  port: number;
  /** Address to bind; loopback unless HOST says otherwise. */
  host: string;
  /** Origin under which browsers reach this collector; submissions are accepted only from it. */
  publicOrigins: string[];
  /** Folder of the embedded database and its generated master key. */
  dataDir: string;
  /** PostgreSQL URL; unset means embedded PGlite in dataDir. */
  databaseUrl?: string;
  masterKey?: string;
  /** Largest submission body accepted, in bytes, counted as read. */
  maxSubmissionBytes: number;
  /** A console session ends after this many minutes without a request. */
  staffIdleMinutes: number;
  /** A console session ends this many hours after sign-in. */
  staffSessionHours: number;
  logLevel: string;
  /** Whether this process runs the workflow worker loop. */
  workflowWorker: boolean;
  /** Milliseconds between polls of the workflow jobs table. */
  workflowPollMs: number;
  /** Milliseconds a claimed workflow job stays leased before another process may take it. */
  workflowLeaseMs: number;
  /** Milliseconds between passes that add queued opens and clicks to the report rollups. */
  rollupIntervalMs: number;
  /** SMTP relay for queued messages; unset means messages stay queued. */
  smtpUrl?: string;
  /** PEM file of extra CA certificates trusted for the relay's TLS certificate. */
  smtpCaFile?: string;
  /** Reverse proxies whose X-Forwarded-For header names the client (SEALPOST_TRUST_PROXY); none when unset. */
  trustProxy?: TrustedProxies;
}

/**
 * Reads the collector's settings. Every invalid value is reported with its
 * variable name and the expected form, before anything starts. An empty
 * variable counts as unset, as `VAR=` on a command line usually means: an
 * empty HOST would otherwise listen on every interface, and an empty
 * SEALPOST_DATA_DIR would put the database in the working folder.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): CollectorConfig {
  const port = readInteger(env, 'PORT', 8787, 1, 65535);
  const publicUrl = env.SEALPOST_PUBLIC_URL;
  const publicOrigins = publicUrl ? [readOrigin(publicUrl)] : [`http://localhost:${port}`, `http://127.0.0.1:${port}`];

  return {
    port,
    host: env.HOST || '127.0.0.1',
    publicOrigins,
    dataDir: path.resolve(env.SEALPOST_DATA_DIR || 'data'),
    databaseUrl: env.DATABASE_URL || undefined,
    masterKey: env.SEALPOST_MASTER_KEY || undefined,
    maxSubmissionBytes: readInteger(env, 'SEALPOST_MAX_SUBMISSION_BYTES', 2 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    staffIdleMinutes: readInteger(env, 'SEALPOST_STAFF_IDLE_MINUTES', 15, 1, 24 * 60),
    staffSessionHours: readInteger(env, 'SEALPOST_STAFF_SESSION_HOURS', 12, 1, 7 * 24),
    logLevel: env.LOG_LEVEL || 'info',
    workflowWorker: readSwitch(env, 'SEALPOST_WORKFLOW_WORKER', true),
    workflowPollMs: readInteger(env, 'SEALPOST_WORKFLOW_POLL_MS', 1000, 10, 600_000),
    workflowLeaseMs: readInteger(env, 'SEALPOST_WORKFLOW_LEASE_MS', 60_000, 1000, 3_600_000),
    rollupIntervalMs: readInteger(env, 'SEALPOST_ROLLUP_INTERVAL_MS', ROLLUP_INTERVAL_MS, 10, 60_000),
    smtpUrl: env.SMTP_URL || undefined,
    smtpCaFile: env.SMTP_CA_FILE || undefined,
    trustProxy: parseTrustedProxies(env.SEALPOST_TRUST_PROXY),
  };
}

function readInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;

  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name}=${JSON.stringify(text)} is invalid; set a whole number from ${min} to ${max}, or unset it for ${fallback}.`);
  }
  return value;
}

function readSwitch(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (text === 'on' || text === 'off') return text === 'on';
  throw new Error(`${name}=${JSON.stringify(text)} is invalid; set on or off, or unset it for ${fallback ? 'on' : 'off'}.`);
}

function readOrigin(text: string): string {
  try {
    const url = new URL(text);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    // Reported below with the expected form.
  }
  throw new Error(`SEALPOST_PUBLIC_URL=${JSON.stringify(text)} is invalid; set the collector's public origin, such as https://forms.clinic.example.`);
}

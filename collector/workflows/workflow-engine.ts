import { randomUUID } from 'node:crypto';
import type { ContactKeys } from '../contacts/contact-crypto';
import { deriveContactTokenKey } from '../contacts/contact-form-token';
import type { Database } from '../db/open-database';
import type { Logger } from '../log';
import { systemClock, type Clock } from './clock';
import type { EmailKeys } from '../keys/email-keys';
import type { EmailSender } from './email-sender';
import { TemplateEmailSender } from './template-email-sender';
import { nodeHttpsClient, type WebhookHttpClient } from './webhooks/https-client';
import { systemResolver, type Resolver } from './webhooks/url-guard';
import { webhookSecret } from './webhooks/webhook-signature';

/** Everything the engine's steps touch, injected so tests control time, mail, DNS and HTTPS. */
export interface WorkflowEngine {
  db: Database;
  clock: Clock;
  sender: EmailSender;
  logger: Logger;
  contactKeys: ContactKeys;
  /** HMAC key of contact form tokens (see contacts/contact-form-token.ts). */
  contactTokenKey: Buffer;
  /** Signing secret for a workflow's webhooks. */
  webhookSecret(workflowId: string): Buffer;
  resolve: Resolver;
  httpClient: WebhookHttpClient;
  /** Names this process in job leases. */
  workerId: string;
  /** How long a claimed job stays leased; after that another worker may take it. */
  leaseMs: number;
}

/** Options of createWorkflowEngine; everything but the database, keys, origin and logger has a default. */
export interface WorkflowEngineOptions {
  db: Database;
  masterKey: Buffer;
  contactKeys: ContactKeys;
  emailKeys: EmailKeys;
  /** Public origin of the collector, which tracking links in workflow emails point at. */
  publicOrigin: string;
  logger: Logger;
  clock?: Clock;
  sender?: EmailSender;
  resolve?: Resolver;
  httpClient?: WebhookHttpClient;
  workerId?: string;
  leaseMs?: number;
}

/** Builds the engine with production defaults for what the options leave out. */
export function createWorkflowEngine(options: WorkflowEngineOptions): WorkflowEngine {
  const clock = options.clock ?? systemClock;
  return {
    db: options.db,
    clock,
    sender: options.sender ?? new TemplateEmailSender({ emailKeys: options.emailKeys, contactKeys: options.contactKeys, origin: options.publicOrigin, now: () => clock.now() }),
    logger: options.logger,
    contactKeys: options.contactKeys,
    contactTokenKey: deriveContactTokenKey(options.masterKey),
    webhookSecret: (workflowId) => webhookSecret(options.masterKey, workflowId),
    resolve: options.resolve ?? systemResolver,
    httpClient: options.httpClient ?? nodeHttpsClient,
    workerId: options.workerId ?? `worker-${process.pid}-${randomUUID().slice(0, 8)}`,
    leaseMs: options.leaseMs ?? 60_000,
  };
}

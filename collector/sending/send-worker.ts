import os from 'node:os';
import { eq } from 'drizzle-orm';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { messages } from '../db/schema';
import { decryptField } from '../keys/field-encryption';
import { fieldContext, type MessageBody } from '../email/prepare-message';
import type { EmailKeys } from '../keys/email-keys';
import type { Logger } from '../log';
import { refreshRollups } from '../reports/refresh-rollups';
import { campaignTlsRequirements, stricterTls } from '../email/campaign-settings';
import type { TlsRequirement } from '../db/schema';
import { claimDueMessages } from './claim-messages';
import { SmtpDelivery, type DeliveryOutcome } from './deliver-message';
import type { SmtpSettings } from './smtp-settings';

/** Settings of the send worker; every field but the first four has a default. */
export interface SendWorkerOptions {
  db: Database;
  keys: EmailKeys;
  smtp: SmtpSettings;
  logger: Logger;
  clock: Clock;
  /** Attempts before temporary failures become a soft failure. */
  maxAttempts?: number;
  /** Delay before the second attempt; each later one doubles it, up to maxRetryDelayMs. */
  firstRetryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** Messages claimed per cycle. */
  batchSize?: number;
  /** Pause between cycles that found nothing to send. */
  pollIntervalMs?: number;
  /** Name sent in EHLO. */
  heloName?: string;
}

type Message = typeof messages.$inferSelect;

/**
 * Sends due messages over SMTP. Temporary failures (4xx, network errors) are
 * retried with exponential backoff; a 5xx reply fails the message at once
 * with its reply recorded. Logs carry message ids, never addresses or subjects.
 */
export class SendWorker {
  private readonly options: Required<SendWorkerOptions>;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(options: SendWorkerOptions) {
    this.options = { maxAttempts: 8, firstRetryDelayMs: 60_000, maxRetryDelayMs: 6 * 3_600_000, batchSize: 20, pollIntervalMs: 1_000, heloName: os.hostname(), ...options };
  }

  /** Claims one batch of due messages and sends them; returns how many were attempted. */
  async runOnce(): Promise<number> {
    const claimed = await claimDueMessages(this.options.db, this.options.clock(), this.options.batchSize);
    // Read at send time, so a campaign's requirement covers messages queued before it was set.
    const campaigns = await campaignTlsRequirements(this.options.db, claimed.flatMap((message) => (message.campaign ? [message.campaign] : [])));
    const delivery = new SmtpDelivery(this.options.smtp, this.options.heloName);
    try {
      for (const message of claimed) {
        try {
          await this.attempt(delivery, message, stricterTls(message.requiredTls, message.campaign ? campaigns.get(message.campaign) : null));
        } catch (error) {
          await this.recordError(message, error);
        }
      }
    } finally {
      delivery.close();
    }
    return claimed.length;
  }

  // An error of our own (a body that does not decrypt, a lost database connection) must not
  // retry forever: the claim's lease brings the message back until its attempts run out.
  private async recordError(message: Message, error: unknown): Promise<void> {
    this.options.logger.error({ messageId: message.id, attempt: message.attempts, err: error }, 'send attempt failed inside the collector');
    if (message.attempts < this.options.maxAttempts) return;

    await this.options.db.transaction(async (tx) => {
      await tx.update(messages).set({ status: 'failed', failedAt: this.options.clock(), failureKind: 'dropped', lastError: 'internal error; see the collector log for this message id', nextAttemptAt: null }).where(eq(messages.id, message.id));
      await refreshRollups(tx, [message.id]);
    });
  }

  /** Starts polling in the background until stop() is called. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.options.logger.info({ host: this.options.smtp.host, port: this.options.smtp.port }, 'send worker started');
    this.loop = this.poll();
  }

  /** Stops polling after the current batch. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    this.options.logger.info('send worker stopped');
  }

  private async poll(): Promise<void> {
    while (this.running) {
      let attempted = 0;
      try {
        attempted = await this.runOnce();
      } catch (error) {
        this.options.logger.error({ err: error }, 'send cycle failed; retrying after the poll interval');
      }
      if (attempted === 0 && this.running) await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.options.pollIntervalMs);
      });
    }
  }

  private async attempt(delivery: SmtpDelivery, message: Message, requiredTls: TlsRequirement | null): Promise<void> {
    const { keys } = this.options;
    const body = JSON.parse(decryptField(keys.messageEncryption, fieldContext('body', message.id), message.bodyEncrypted)) as MessageBody;
    const outgoing = {
      id: message.id,
      from: message.fromAddress,
      to: decryptField(keys.messageEncryption, fieldContext('recipient', message.id), message.recipientEncrypted),
      subject: message.subject,
      ...body,
      requiredTls,
    };

    const outcome = await delivery.deliver(outgoing);
    await this.options.db.transaction(async (tx) => {
      await tx.update(messages).set(this.update(message, outcome)).where(eq(messages.id, message.id));
      await refreshRollups(tx, [message.id]);
    });
    this.log(message, outcome);
  }

  private update(message: Message, outcome: DeliveryOutcome): Partial<typeof messages.$inferInsert> {
    const now = this.options.clock();
    switch (outcome.kind) {
      case 'sent':
        // NOTE: the relay's 250 counts as delivery; a later bounced or blocked event turns it into a failure.
        return { status: 'sent', sentAt: now, deliveredAt: now, tlsLevel: outcome.tlsLevel, nextAttemptAt: null, lastError: null, smtpCode: null };
      case 'permanent':
        return { status: 'failed', failedAt: now, failureKind: 'hard', smtpCode: outcome.smtpCode, lastError: outcome.reply, nextAttemptAt: null };
      case 'tls_required':
        return { status: 'failed', failedAt: now, failureKind: 'dropped', tlsLevel: outcome.tlsLevel, tlsResult: outcome.result, lastError: null, nextAttemptAt: null };
      case 'temporary': {
        if (message.attempts >= this.options.maxAttempts) {
          return { status: 'failed', failedAt: now, failureKind: 'soft', smtpCode: outcome.smtpCode, lastError: outcome.reply, nextAttemptAt: null };
        }
        return { status: 'queued', smtpCode: outcome.smtpCode, lastError: outcome.reply, nextAttemptAt: new Date(now.getTime() + this.retryDelay(message.attempts)) };
      }
    }
  }

  /** Returns the delay after attempt number `attempts` (1-based): first, then doubling, capped. */
  retryDelay(attempts: number): number {
    return Math.min(this.options.firstRetryDelayMs * 2 ** (attempts - 1), this.options.maxRetryDelayMs);
  }

  private log(message: Message, outcome: DeliveryOutcome): void {
    const ids = { messageId: message.id, attempt: message.attempts };
    if (outcome.kind === 'sent') this.options.logger.info({ ...ids, tlsLevel: outcome.tlsLevel }, 'message sent');
    else if (outcome.kind === 'temporary') this.options.logger.warn({ ...ids, smtpCode: outcome.smtpCode, reply: outcome.reply }, message.attempts >= this.options.maxAttempts ? 'message failed: retries exhausted' : 'message deferred; will retry');
    else if (outcome.kind === 'permanent') this.options.logger.warn({ ...ids, smtpCode: outcome.smtpCode, reply: outcome.reply }, 'message failed permanently');
    else this.options.logger.warn({ ...ids, tlsLevel: outcome.tlsLevel, tlsResult: outcome.result }, 'message not sent: TLS required');
  }
}

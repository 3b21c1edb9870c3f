import { randomUUID } from 'node:crypto';
import type { Transaction } from './transaction';

/** One email that a send_email step requests. Variables come from the definition and are PHI-free. */
export interface EmailRequest {
  workflowId: string;
  version: number;
  runId: string;
  stepId: string;
  contactId: string;
  template: string;
  variables: Record<string, string>;
}

/**
 * Hands an email to the mail system. `send` runs inside the step's
 * transaction and must only enqueue (a transactional outbox): if the
 * transaction rolls back, the email must not go out, and the engine commits
 * each send step at most once. The returned message id is what open and
 * click events name.
 */
export interface EmailSender {
  send(tx: Transaction, request: EmailRequest): Promise<{ messageId: string }>;
}

/**
 * Sender used until the email engine provides one: it delivers nothing. The
 * engine records every send in workflow_emails, which is what tests count.
 */
export class RecordingEmailSender implements EmailSender {
  async send(): Promise<{ messageId: string }> {
    return { messageId: randomUUID() };
  }
}

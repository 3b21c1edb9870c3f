import { eq } from 'drizzle-orm';
import { decryptEmail, type ContactKeys } from '../contacts/contact-crypto';
import { contacts } from '../db/schema';
import { parseMessages } from '../email/message-input';
import { prepareMessage } from '../email/prepare-message';
import { insertPreparedMessages } from '../email/store-messages';
import type { EmailKeys } from '../keys/email-keys';
import { renderTemplate, templateLanguage } from '../templates/render-template';
import { findTemplate } from '../templates/template-store';
import type { EmailRequest, EmailSender } from './email-sender';
import type { Transaction } from './transaction';

/** Options of TemplateEmailSender: keys for both encrypted columns, and the origin that tracking links point at. */
export interface TemplateEmailSenderOptions {
  emailKeys: EmailKeys;
  contactKeys: ContactKeys;
  origin: string;
  now: () => Date;
}

/**
 * Fills in the step's template for the contact and queues the result in the
 * email engine's messages table, in the step's transaction: the send worker
 * delivers it, and tracking, TLS rules and reports apply as to any message.
 * The campaign defaults to the workflow id, and custom fields name the
 * workflow, step and template, so reports can split workflow mail by them.
 */
export class TemplateEmailSender implements EmailSender {
  constructor(private readonly options: TemplateEmailSenderOptions) {}

  async send(tx: Transaction, request: EmailRequest): Promise<{ messageId: string }> {
    const found = await findTemplate(tx, request.template);
    if (!found) throw new Error(`No email template "${request.template}" is published, which step "${request.stepId}" of workflow "${request.workflowId}" sends; publish it with \`npm run sealpost -- templates publish FILE\`.`);

    const [contact] = await tx.select({ emailCiphertext: contacts.emailCiphertext, attributes: contacts.attributes }).from(contacts).where(eq(contacts.id, request.contactId));
    if (!contact) throw new Error(`Contact ${request.contactId} no longer exists, so step "${request.stepId}" of workflow "${request.workflowId}" has no one to send to.`);

    const { template } = found;
    const language = templateLanguage(contact.attributes);
    const rendered = renderTemplate(template, language, { variables: request.variables, attributes: contact.attributes });
    const [input] = parseMessages({
      to: decryptEmail(this.options.contactKeys, request.contactId, contact.emailCiphertext),
      from: template.from,
      subject: rendered.subject,
      text: rendered.text,
      ...(rendered.html !== undefined ? { html: rendered.html } : {}),
      campaign: template.campaign ?? request.workflowId,
      customFields: { workflow: request.workflowId, step: request.stepId, template: template.id, language },
      ...(template.requireTls ? { requireTls: template.requireTls } : {}),
    });

    const prepared = prepareMessage(input!, 0, { apiKeyId: null, keys: this.options.emailKeys, origin: this.options.origin, now: this.options.now(), status: 'queued' });
    await insertPreparedMessages(tx, [prepared]);
    return { messageId: prepared.message.id };
  }
}

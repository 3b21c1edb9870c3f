import type { TLSSocket } from 'node:tls';
import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { TlsLevel, TlsRequirement } from '../db/schema';
import { redactReply } from './redact-reply';
import type { SmtpSettings } from './smtp-settings';
import { tlsResultType, type TlsResultType } from './tls-result';

/** A decrypted message, ready for the wire. */
export interface OutgoingMessage {
  id: string;
  from: string;
  to: string;
  subject: string;
  html?: string;
  text?: string;
  /** TLS the connection must have before MAIL FROM, or null to send over whatever it has. */
  requiredTls: TlsRequirement | null;
}

/** Outcome of one delivery attempt. Replies have their addresses redacted. */
export type DeliveryOutcome =
  | { kind: 'sent'; tlsLevel: TlsLevel; reply: string }
  | { kind: 'temporary'; smtpCode: number | null; reply: string }
  | { kind: 'permanent'; smtpCode: number; reply: string }
  | { kind: 'tls_required'; tlsLevel: TlsLevel; result: TlsResultType };

const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/**
 * Delivers messages over one SMTP connection, opened on first use, and
 * reports each message's TLS level: none, encrypted (TLS whose certificate
 * did not verify) or verified. Certificates are checked but not enforced, so
 * that the level can be recorded. A message that requires TLS is stopped
 * before MAIL FROM, so nothing of it is sent, when the connection falls short
 * of the requirement, and the outcome names the RFC 8460 result type.
 *
 * After a successful send the next message reuses the connection, which
 * saves a connection set-up and greeting per message. A failed connect, login
 * or send closes it, so the message after a failure starts on a new
 * connection. The caller closes it with close() when its batch is done.
 */
export class SmtpDelivery {
  private connection: SMTPConnection | undefined;
  private tlsLevel: TlsLevel = 'none';
  private loggedIn = false;

  constructor(
    private readonly settings: SmtpSettings,
    private readonly heloName: string,
  ) {}

  /** Sends one message and returns its outcome, which also reports SMTP replies and network errors. */
  async deliver(message: OutgoingMessage): Promise<DeliveryOutcome> {
    try {
      const connection = await this.connected();
      if (!meetsRequirement(this.tlsLevel, message.requiredTls)) {
        return { kind: 'tls_required', tlsLevel: this.tlsLevel, result: this.tlsLevel === 'none' ? 'starttls-not-supported' : tlsResultType(tlsSocket(connection)?.authorizationError?.toString()) };
      }

      // Login waits for the first message that passes its TLS check, so credentials never cross a connection that every message so far was stopped on.
      if (this.settings.user && !this.loggedIn) {
        await login(connection, this.settings.user, this.settings.password ?? '');
        this.loggedIn = true;
      }
      const info = await send(connection, message);
      return { kind: 'sent', tlsLevel: this.tlsLevel, reply: redactReply(info.response ?? '') };
    } catch (error) {
      this.close();
      return failureOutcome(error);
    }
  }

  /** Ends the connection, if one is open, with QUIT. */
  close(): void {
    this.connection?.quit();
    this.connection = undefined;
    this.loggedIn = false;
  }

  private async connected(): Promise<SMTPConnection> {
    if (this.connection) return this.connection;

    const connection = new SMTPConnection({
      host: this.settings.host,
      port: this.settings.port,
      secure: this.settings.implicitTls,
      name: this.heloName,
      logger: false,
      ...TIMEOUTS,
      tls: { rejectUnauthorized: false, ...(this.settings.ca ? { ca: [this.settings.ca] } : {}) },
    });
    this.connection = connection;

    // A relay may close an idle connection between two messages, and then the next message opens a new one.
    connection.once('end', () => {
      if (this.connection === connection) this.close();
    });
    await connect(connection);
    this.tlsLevel = tlsLevelOf(connection);
    return connection;
  }
}

function meetsRequirement(level: TlsLevel, required: TlsRequirement | null): boolean {
  if (required === 'verified') return level === 'verified';
  if (required === 'encrypted') return level !== 'none';
  return true;
}

// Node sets `authorized` on the TLS socket only when the chain and the host name verified.
function tlsLevelOf(connection: SMTPConnection): TlsLevel {
  if (!connection.secure) return 'none';
  return tlsSocket(connection)?.authorized ? 'verified' : 'encrypted';
}

// NOTE: `_socket` is internal to nodemailer's SMTPConnection (checked on 10.6.1);
// it is the only way to read the TLS socket's verification result.
function tlsSocket(connection: SMTPConnection): TLSSocket | undefined {
  const socket = (connection as unknown as { _socket?: TLSSocket })._socket;
  return socket && 'authorized' in socket ? socket : undefined;
}

function failureOutcome(error: unknown): DeliveryOutcome {
  const { responseCode, response, message } = error as { responseCode?: number; response?: string; message?: string };
  const reply = redactReply(response ?? message ?? 'unknown error');
  if (responseCode && responseCode >= 500 && responseCode < 600) return { kind: 'permanent', smtpCode: responseCode, reply };

  // 4xx replies and network errors (refused, reset, timed out) may succeed later.
  return { kind: 'temporary', smtpCode: responseCode ?? null, reply };
}

function connect(connection: SMTPConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    connection.once('error', reject);
    connection.connect(() => {
      connection.removeListener('error', reject);

      // Errors after the handshake arrive through callbacks; this keeps a late one from crashing the process.
      connection.on('error', () => {});
      resolve();
    });
  });
}

function login(connection: SMTPConnection, user: string, pass: string): Promise<void> {
  return new Promise((resolve, reject) => connection.login({ user, pass }, (error) => (error ? reject(error) : resolve())));
}

async function send(connection: SMTPConnection, message: OutgoingMessage): Promise<{ response?: string }> {
  const raw = await new MailComposer({
    from: message.from,
    to: message.to,
    subject: message.subject,
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.text !== undefined ? { text: message.text } : {}),
    headers: { 'X-Sealpost-Message-Id': message.id },
  })
    .compile()
    .build();

  return new Promise((resolve, reject) => {
    connection.send({ from: message.from, to: [message.to] }, raw, (error, info) => (error ? reject(error) : resolve(info ?? {})));
  });
}

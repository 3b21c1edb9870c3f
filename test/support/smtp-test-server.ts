// A real SMTP server for the send tests, run as a child process.
// Environment: SMTP_PORT; SMTP_KEY_FILE and SMTP_CERT_FILE to offer STARTTLS
// (without them the server has no STARTTLS command). Recipients whose local
// part is temp-fail get 451, hard-fail get 550; the rest are accepted.
// Each accepted message prints one JSON line:
// { received: { connection, secure, size, to, subject, messageId } }, where
// connection is smtp-server's id of the SMTP connection, `to` lists the
// envelope recipients and messageId is the X-Sealpost-Message-Id header.
import { readFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';

const port = Number(process.env.SMTP_PORT);
const keyFile = process.env.SMTP_KEY_FILE;
const certFile = process.env.SMTP_CERT_FILE;

const server = new SMTPServer({
  secure: false,
  authOptional: true,
  logger: false,
  // Without this, each connection sends a PTR query for 127.0.0.1 to the system's DNS server.
  disableReverseLookup: true,
  ...(keyFile && certFile ? { key: readFileSync(keyFile), cert: readFileSync(certFile) } : { disabledCommands: ['STARTTLS'] }),
  onRcptTo(address, _session, callback) {
    const local = address.address.split('@')[0];
    if (local === 'temp-fail') return callback(Object.assign(new Error('4.3.0 Mailbox temporarily unavailable, try again later'), { responseCode: 451 }));
    if (local === 'hard-fail') return callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: user unknown`), { responseCode: 550 }));
    callback();
  },
  onData(stream, session, callback) {
    let size = 0;
    let head = '';
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (!head.includes('\r\n\r\n') && head.length < 65_536) head += chunk.toString('latin1');
    });
    stream.on('end', () => {
      const headers = readHeaders(head);
      const to = session.envelope.rcptTo.map((recipient) => recipient.address);
      process.stdout.write(`${JSON.stringify({ received: { connection: session.id, secure: session.secure, size, to, subject: headers.get('subject'), messageId: headers.get('x-sealpost-message-id') } })}\n`);
      callback();
    });
  },
});

/** Header fields of a message by lower-case name, with folded lines joined (RFC 5322 section 2.2.3). */
function readHeaders(text: string): Map<string, string> {
  const block = text.split('\r\n\r\n')[0]!.replace(/\r\n(?=[ \t])/g, '');
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

server.on('error', (error) => process.stderr.write(`smtp test server error: ${error.message}\n`));
server.listen(port, '127.0.0.1', () => process.stdout.write(`smtp test server ready on ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

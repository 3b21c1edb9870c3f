// A real SMTP server for the send tests, run as a child process.
// Environment: SMTP_PORT; SMTP_KEY_FILE and SMTP_CERT_FILE to offer STARTTLS
// (without them the server has no STARTTLS command). Recipients whose local
// part is temp-fail get 451, hard-fail get 550; the rest are accepted.
// Each accepted message prints one JSON line: { received: { secure, size } }.
import { readFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';

const port = Number(process.env.SMTP_PORT);
const keyFile = process.env.SMTP_KEY_FILE;
const certFile = process.env.SMTP_CERT_FILE;

const server = new SMTPServer({
  secure: false,
  authOptional: true,
  logger: false,
  ...(keyFile && certFile ? { key: readFileSync(keyFile), cert: readFileSync(certFile) } : { disabledCommands: ['STARTTLS'] }),
  onRcptTo(address, _session, callback) {
    const local = address.address.split('@')[0];
    if (local === 'temp-fail') return callback(Object.assign(new Error('4.3.0 Mailbox temporarily unavailable, try again later'), { responseCode: 451 }));
    if (local === 'hard-fail') return callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: user unknown`), { responseCode: 550 }));
    callback();
  },
  onData(stream, session, callback) {
    let size = 0;
    stream.on('data', (chunk: Buffer) => (size += chunk.length));
    stream.on('end', () => {
      process.stdout.write(`${JSON.stringify({ received: { secure: session.secure, size } })}\n`);
      callback();
    });
  },
});

server.on('error', (error) => process.stderr.write(`smtp test server error: ${error.message}\n`));
server.listen(port, '127.0.0.1', () => process.stdout.write(`smtp test server ready on ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

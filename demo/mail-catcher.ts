import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * Starts a local SMTP server for the demo that writes each message it receives to
 * `<folder>/<time>-<n>.eml` (mode 0600), so a trial without a mail relay can
 * read what the workflows sent. It listens on loopback only. The files
 * contain recipient addresses in clear, which is why `npm start` runs it only
 * without SMTP_URL, for trials with test contacts.
 */
export async function startMailCatcher(folder: string): Promise<{ url: string; close(): Promise<void> }> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  let received = 0;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // The client is always this machine, so a reverse DNS query for it would only wait on the resolver.
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${++received}.eml`;
        writeFile(path.join(folder, name), Buffer.concat(chunks), { mode: 0o600 }).then(
          () => callback(),
          (error: Error) => callback(Object.assign(new Error(`4.3.0 Writing the message to ${folder} failed: ${error.message}`), { responseCode: 451 })),
        );
      });
    },
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as { port: number }).port));
  });
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

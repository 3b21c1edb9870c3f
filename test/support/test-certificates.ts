import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Files of a test certificate authority and the server certificates it signed. */
export interface TestCertificates {
  dir: string;
  /** PEM of the CA certificate, for clients that should trust it. */
  caPem: string;
  /** Key of every server certificate below. */
  serverKey: string;
  /** Valid for localhost and 127.0.0.1. */
  validCert: string;
  /** Valid names, but its notAfter lies in the past. */
  expiredCert: string;
  /** Valid dates, but only for mail.other.example. */
  wrongHostCert: string;
}

/**
 * Generates a throwaway CA and server certificates with openssl into a new
 * temporary folder. Node cannot create X.509 certificates itself.
 */
export async function createTestCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sealpost-certs-'));
  const file = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

  await run('openssl', ['req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.crt'), '-days', '2', '-subj', '/CN=Sealpost Test CA']);
  await run('openssl', ['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=localhost']);

  // A negative -days gives a notAfter before notBefore: a certificate that has already expired.
  await sign(dir, 'valid.crt', 'DNS:localhost,IP:127.0.0.1', '2');
  await sign(dir, 'expired.crt', 'DNS:localhost,IP:127.0.0.1', '-1');
  await sign(dir, 'wrong-host.crt', 'DNS:mail.other.example', '2');

  return {
    dir,
    caPem: await readFile(file('ca.crt'), 'utf8'),
    serverKey: file('server.key'),
    validCert: file('valid.crt'),
    expiredCert: file('expired.crt'),
    wrongHostCert: file('wrong-host.crt'),
  };
}

async function sign(dir: string, name: string, subjectAltName: string, days: string): Promise<void> {
  const extensions = path.join(dir, `${name}.ext`);
  await writeFile(extensions, `subjectAltName=${subjectAltName}\n`);
  await run('openssl', ['x509', '-req', '-in', path.join(dir, 'server.csr'), '-CA', path.join(dir, 'ca.crt'), '-CAkey', path.join(dir, 'ca.key'), '-CAcreateserial', '-out', path.join(dir, name), '-days', days, '-extfile', extensions]);
}

/** Connection settings of the send worker, read from SMTP_URL. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** smtps: TLS from the first byte. smtp: plain, upgraded with STARTTLS when the server offers it. */
  implicitTls: boolean;
  user?: string;
  password?: string;
  /** Extra trusted CA certificates in PEM, for a relay with a private CA. */
  ca?: string;
}

/**
 * Parses `smtp://[user:password@]host[:port]` (port 587 by default) or
 * `smtps://…` (port 465). Throws naming SMTP_URL and the expected form.
 */
export function parseSmtpUrl(text: string, ca?: string): SmtpSettings {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('SMTP_URL is not a URL; set it to smtp://relay.example:587 or smtps://relay.example:465.');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL has the scheme ${url.protocol}; use smtp: (STARTTLS) or smtps: (implicit TLS).`);
  }
  if (!url.hostname) throw new Error('SMTP_URL has no host; set it to smtp://relay.example:587.');

  const implicitTls = url.protocol === 'smtps:';
  const defaultPort = implicitTls ? 465 : 587;
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : defaultPort,
    implicitTls,
    ...(url.username ? { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : {}),
    ...(ca ? { ca } : {}),
  };
}

/**
 * Result types of RFC 8460 (SMTP TLS Reporting), section 4.3, for a
 * delivery that required TLS and did not get a verified connection.
 */
export type TlsResultType = 'starttls-not-supported' | 'certificate-host-mismatch' | 'certificate-expired' | 'certificate-not-trusted' | 'validation-failure';

// OpenSSL's verification error codes, as Node reports them in TLSSocket.authorizationError.
const NOT_TRUSTED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED']);

/** Maps a TLS verification error code of Node to its RFC 8460 result type. */
export function tlsResultType(authorizationError: string | undefined): TlsResultType {
  if (authorizationError === 'CERT_HAS_EXPIRED') return 'certificate-expired';
  if (authorizationError === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'certificate-host-mismatch';
  if (authorizationError && NOT_TRUSTED.has(authorizationError)) return 'certificate-not-trusted';
  return 'validation-failure';
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { deriveKey } from '../../keys/derive-key';

/** The header that carries the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'sealpost-signature';

/** Derives a workflow's webhook signing secret from the master key with HKDF-SHA256. */
export function webhookSecret(masterKey: Buffer, workflowId: string): Buffer {
  return deriveKey(masterKey, `workflow-webhook-signing:v1:${workflowId}`);
}

/** Signs `<timestamp>.<body>`, so a receiver can reject a replayed body with an old timestamp. */
export function signWebhook(secret: Buffer, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** Checks a signature header against a body in constant time; what a receiver runs. */
export function verifyWebhookSignature(secret: Buffer, header: string, body: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = Buffer.from(signWebhook(secret, Number(match[1]), body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

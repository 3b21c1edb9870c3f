/**
 * Returns a random idempotency key (128 bits, hex). One key belongs to one
 * submit attempt and all of its retries.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Formats a submission id as the receipt number shown to patients, in groups of four.
 *
 * @example
 * formatReceipt('7K3M9QXD2BNP4R6T'); // '7K3M-9QXD-2BNP-4R6T'
 */
export function formatReceipt(id: string): string {
  return id.match(/.{1,4}/g)?.join('-') ?? id;
}

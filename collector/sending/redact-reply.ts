/**
 * Replaces anything shaped like an email address in an SMTP reply, because
 * servers often quote the recipient ("550 5.1.1 <a@b>: user unknown") and
 * stored replies must not contain PHI. Also caps the length.
 */
export function redactReply(reply: string): string {
  return reply.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[address]').replace(/\s+/g, ' ').trim().slice(0, 500);
}

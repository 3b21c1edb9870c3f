/**
 * Messages that the form inside the iframe posts to the host page's loader.
 * None carries PHI: only sizes, receipt ids and error codes cross the frame.
 */
export type EmbedMessage =
  | { source: 'sealpost'; type: 'ready' }
  | { source: 'sealpost'; type: 'resize'; height: number }
  | { source: 'sealpost'; type: 'submitted'; receiptId: string }
  | { source: 'sealpost'; type: 'error'; code: string }
  | { source: 'sealpost'; type: 'timeout' };

/** Names of the DOM events that `<sealpost-form>` dispatches on the host page. */
export const HOST_EVENTS = {
  ready: 'sealpost-ready',
  submitted: 'sealpost-submitted',
  error: 'sealpost-error',
  timeout: 'sealpost-timeout',
} as const;

/** Checks the shape of a message received from a frame before trusting any field of it. */
export function isEmbedMessage(data: unknown): data is EmbedMessage {
  if (typeof data !== 'object' || data === null) return false;

  const message = data as Record<string, unknown>;
  if (message.source !== 'sealpost') return false;

  switch (message.type) {
    case 'ready':
    case 'timeout':
      return true;
    case 'resize':
      return typeof message.height === 'number' && Number.isFinite(message.height) && message.height >= 0;
    case 'submitted':
      return typeof message.receiptId === 'string' && /^[0-9A-Z]{1,64}$/.test(message.receiptId);
    case 'error':
      return typeof message.code === 'string' && /^[a-z_]{1,64}$/.test(message.code);
    default:
      return false;
  }
}

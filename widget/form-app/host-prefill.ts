import { isPrefillMessage, type PrefillValue } from '../../sdk/embed-messages';

/**
 * Passes prefill messages from the embedding page to `apply`. Only messages
 * from the parent window, on the origin that the form's channel posts to (one
 * of its `allowedOrigins`), are read. Returns a function that stops listening.
 *
 * @example
 * const stop = listenForPrefill(window, channel.targetOrigin, (values) => app.prefill(values));
 */
export function listenForPrefill(env: Window, parentOrigin: string | undefined, apply: (values: Record<string, PrefillValue>) => void): () => void {
  const onMessage = (event: MessageEvent) => {
    if (parentOrigin === undefined || event.origin !== parentOrigin || event.source !== env.parent) return;
    if (isPrefillMessage(event.data)) apply(event.data.values);
  };

  env.addEventListener('message', onMessage);
  return () => env.removeEventListener('message', onMessage);
}

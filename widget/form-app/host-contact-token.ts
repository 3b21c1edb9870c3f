import { isContactTokenMessage } from '../../sdk/embed-messages';

/**
 * Passes contact-token messages from the embedding page to `apply`: the
 * latest token, or null when the page removed it. Only messages from the
 * parent window, on the origin that the form's channel posts to, are read.
 * The token is kept in memory only, never in a URL or browser storage.
 * Returns a function that stops listening.
 *
 * @example
 * const stop = listenForContactToken(window, channel.targetOrigin, (token) => (app.contactToken = token));
 */
export function listenForContactToken(env: Window, parentOrigin: string | undefined, apply: (token: string | null) => void): () => void {
  const onMessage = (event: MessageEvent) => {
    if (parentOrigin === undefined || event.origin !== parentOrigin || event.source !== env.parent) return;
    if (isContactTokenMessage(event.data)) apply(event.data.token);
  };

  env.addEventListener('message', onMessage);
  return () => env.removeEventListener('message', onMessage);
}

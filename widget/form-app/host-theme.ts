import { isThemeMessage } from '../../sdk/embed-messages';

/**
 * Applies theme messages from the embedding page to `element` as CSS custom
 * properties. Only messages from the parent window, on the origin that the
 * form's channel posts to (one of its `allowedOrigins`), are applied.
 * Returns a function that stops listening.
 *
 * @example
 * const stop = listenForTheme(window, channel.targetOrigin, app);
 */
export function listenForTheme(env: Window, parentOrigin: string | undefined, element: HTMLElement): () => void {
  const onMessage = (event: MessageEvent) => {
    if (parentOrigin === undefined || event.origin !== parentOrigin || event.source !== env.parent) return;
    if (!isThemeMessage(event.data)) return;

    for (const [name, value] of Object.entries(event.data.theme)) element.style.setProperty(name, value);
  };

  env.addEventListener('message', onMessage);
  return () => env.removeEventListener('message', onMessage);
}

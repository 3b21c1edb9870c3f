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

/**
 * CSS custom properties that theme a form. A host page sets them on
 * `<sealpost-form>`, and the loader passes their computed values into the
 * iframe, where they fall through to the form's styles.
 *
 * @example
 * <sealpost-form form="phq-9" style="--sealpost-accent: #2f5d50; --sealpost-radius: 8px"></sealpost-form>
 */
export const THEME_PROPERTIES = [
  '--sealpost-text',
  '--sealpost-help',
  '--sealpost-error',
  '--sealpost-success',
  '--sealpost-border',
  '--sealpost-focus',
  '--sealpost-accent',
  '--sealpost-background',
  '--sealpost-radius',
  '--sealpost-font',
] as const;

/** A message from the host page's loader to the form inside the iframe. */
export interface ThemeMessage {
  source: 'sealpost-host';
  type: 'theme';
  /** Values by property name, each from {@link THEME_PROPERTIES}. */
  theme: Record<string, string>;
}

// A theme value may not load anything (url(), image-set(), @import) or leave its declaration.
const UNSAFE_THEME_VALUE = /url\(|image|@|[;{}\\<>]/i;

/**
 * Checks a theme message, including every value: at most 200 characters, and
 * nothing that could load a resource or end the declaration.
 *
 * @example
 * isThemeMessage({ source: 'sealpost-host', type: 'theme', theme: { '--sealpost-accent': '#0b6e4f' } }); // true
 */
export function isThemeMessage(data: unknown): data is ThemeMessage {
  if (typeof data !== 'object' || data === null) return false;

  const message = data as Record<string, unknown>;
  if (message.source !== 'sealpost-host' || message.type !== 'theme') return false;
  if (typeof message.theme !== 'object' || message.theme === null) return false;

  return Object.entries(message.theme).every(
    ([name, value]) => (THEME_PROPERTIES as readonly string[]).includes(name) && typeof value === 'string' && value.length <= 200 && !UNSAFE_THEME_VALUE.test(value),
  );
}

/**
 * Messages that the form inside the iframe posts to the host page's loader.
 * None carries PHI: only sizes, receipt ids and error codes cross the frame.
 */
export type EmbedMessage =
  | { source: 'sealpost'; type: 'ready' }
  | { source: 'sealpost'; type: 'resize'; height: number }
  | { source: 'sealpost'; type: 'submitted'; receiptId: string }
  | { source: 'sealpost'; type: 'error'; code: string }
  | { source: 'sealpost'; type: 'timeout' }
  | { source: 'sealpost'; type: 'prefill-refused'; items: PrefillRefusal[] };

/** Why a prefilled value was not used: the form has no such item, does not mark it prefillable, or the value is not a valid answer. */
export type PrefillRefusalReason = 'unknown_item' | 'not_prefillable' | 'invalid_value';

/** One prefilled value the form refused, named by the item id the page gave. */
export interface PrefillRefusal {
  id: string;
  reason: PrefillRefusalReason;
}

const REFUSAL_REASONS: readonly string[] = ['unknown_item', 'not_prefillable', 'invalid_value'];

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
    case 'prefill-refused':
      return (
        Array.isArray(message.items) &&
        message.items.length <= PREFILL_MAX_ITEMS &&
        message.items.every((item: unknown) => {
          const refusal = item as Record<string, unknown> | null;
          return typeof refusal === 'object' && refusal !== null && isPrefillId(refusal.id) && REFUSAL_REASONS.includes(refusal.reason as string);
        })
      );
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

/** A value the embedding page may prefill: text, a number, yes/no, or several option values. */
export type PrefillValue = string | number | boolean | string[];

/** Most values one prefill message may carry. */
export const PREFILL_MAX_ITEMS = 100;
/** Longest prefilled text, in characters. */
export const PREFILL_MAX_CHARS = 1000;

/** A message from the host page's loader with values for the form's prefillable items, by item id. */
export interface PrefillMessage {
  source: 'sealpost-host';
  type: 'prefill';
  values: Record<string, PrefillValue>;
}

/** True for a string that can be a field id (the loader lower-cases ids read from `prefill-ID` attributes). */
export function isPrefillId(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(value);
}

/**
 * Checks a prefill value: text of at most {@link PREFILL_MAX_CHARS}
 * characters, a finite number, true or false, or a list of such texts.
 *
 * @example
 * isPrefillValue('Riverside, 2nd floor'); // true
 */
export function isPrefillValue(value: unknown): value is PrefillValue {
  if (typeof value === 'string') return value.length <= PREFILL_MAX_CHARS;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'boolean') return true;
  return Array.isArray(value) && value.length <= PREFILL_MAX_ITEMS && value.every((item) => typeof item === 'string' && item.length <= PREFILL_MAX_CHARS);
}

/**
 * Checks a prefill message before the form reads any of it: at most
 * {@link PREFILL_MAX_ITEMS} values, each keyed by a possible field id.
 *
 * @example
 * isPrefillMessage({ source: 'sealpost-host', type: 'prefill', values: { location: 'Riverside' } }); // true
 */
export function isPrefillMessage(data: unknown): data is PrefillMessage {
  if (typeof data !== 'object' || data === null) return false;

  const message = data as Record<string, unknown>;
  if (message.source !== 'sealpost-host' || message.type !== 'prefill') return false;
  if (typeof message.values !== 'object' || message.values === null || Array.isArray(message.values)) return false;

  const entries = Object.entries(message.values);
  return entries.length <= PREFILL_MAX_ITEMS && entries.every(([id, value]) => isPrefillId(id) && isPrefillValue(value));
}

/** Longest contact token a host message may carry. */
export const CONTACT_TOKEN_MAX_CHARS = 512;

/**
 * A message from the host page's loader with the `contact-token` attribute's
 * current value: the signed token that ties the submission to a contact, or
 * null once the attribute is removed. The latest message wins.
 */
export interface ContactTokenMessage {
  source: 'sealpost-host';
  type: 'contact-token';
  token: string | null;
}

/** True for a string that can be a contact token: base64url parts joined by dots, at most {@link CONTACT_TOKEN_MAX_CHARS} characters. */
export function isContactToken(value: unknown): value is string {
  return typeof value === 'string' && value.length <= CONTACT_TOKEN_MAX_CHARS && /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(value);
}

/**
 * Checks a contact-token message before the form keeps the token.
 *
 * @example
 * isContactTokenMessage({ source: 'sealpost-host', type: 'contact-token', token: null }); // true
 */
export function isContactTokenMessage(data: unknown): data is ContactTokenMessage {
  if (typeof data !== 'object' || data === null) return false;

  const message = data as Record<string, unknown>;
  return message.source === 'sealpost-host' && message.type === 'contact-token' && (message.token === null || isContactToken(message.token));
}

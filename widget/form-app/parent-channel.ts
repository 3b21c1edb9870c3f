import { isEmbedMessage, type EmbedMessage } from '../../sdk/embed-messages';

/** A message to the host page; the channel adds `source: 'sealpost'`. */
export type OutgoingMessage = EmbedMessage extends infer Message
  ? Message extends EmbedMessage
    ? Omit<Message, 'source'>
    : never
  : never;

/** The parts of `window` that the channel reads; tests pass a stand-in. */
export interface FrameEnvironment {
  readonly self: unknown;
  readonly parent: { postMessage(message: unknown, targetOrigin: string): void };
  readonly location: { readonly ancestorOrigins?: ArrayLike<string> };
  readonly document: { readonly referrer: string };
}

/** Sends PHI-free messages to the page that embeds the form. */
export interface ParentChannel {
  /** Origin that messages go to, or undefined when nothing may be posted. */
  readonly targetOrigin: string | undefined;
  /** Posts a message; returns false when it was not sent. */
  post(message: OutgoingMessage): boolean;
}

/**
 * Opens a channel to the embedding page that posts only to that page's exact
 * origin, and only when the form lists it in `allowedOrigins`. A page that is
 * not framed, or framed by an unlisted origin, gets nothing.
 *
 * @example
 * const channel = openParentChannel(definition.allowedOrigins);
 * channel.post({ type: 'ready' });
 */
export function openParentChannel(allowedOrigins: readonly string[], env: FrameEnvironment = window): ParentChannel {
  const origin = env.parent === env.self ? undefined : findParentOrigin(env);
  const targetOrigin = origin !== undefined && allowedOrigins.includes(origin) ? origin : undefined;

  return {
    targetOrigin,
    post(message) {
      const full = { source: 'sealpost', ...message };
      if (targetOrigin === undefined || !isEmbedMessage(full)) return false;

      env.parent.postMessage(full, targetOrigin);
      return true;
    },
  };
}

/**
 * Finds the embedding page's origin: `location.ancestorOrigins[0]` where the
 * browser has it, else the origin of `document.referrer`,
 * which the loader's iframe sends with `referrerpolicy="origin"`. Returns
 * undefined when neither names a real origin.
 *
 * @example
 * findParentOrigin(window); // 'https://clinic.example'
 */
export function findParentOrigin(env: Pick<FrameEnvironment, 'location' | 'document'>): string | undefined {
  const ancestor = env.location.ancestorOrigins?.[0];
  if (ancestor) return realOrigin(ancestor);

  try {
    return env.document.referrer ? realOrigin(new URL(env.document.referrer).origin) : undefined;
  } catch {
    return undefined;
  }
}

// A sandboxed or data: parent has the opaque origin "null", which no message
// may target (postMessage throws on it), whatever a definition lists.
function realOrigin(origin: string): string | undefined {
  return origin === 'null' ? undefined : origin;
}

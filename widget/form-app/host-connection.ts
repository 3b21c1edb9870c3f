import type { PrefillValue } from '../../sdk/embed-messages';
import { listenForContactToken } from './host-contact-token';
import { FrameSize } from './frame-size';
import { listenForPrefill } from './host-prefill';
import { listenForTheme } from './host-theme';
import { openParentChannel, type OutgoingMessage, type ParentChannel } from './parent-channel';

/**
 * The form app's link to the page that embeds it: PHI-free messages out
 * (only to a parent on one of the form's allowed origins), the theme,
 * prefilled values and the contact token in from that parent, and the
 * document's height once the form has announced that it is ready.
 *
 * @example
 * const host = new HostConnection();
 * host.open(definition.allowedOrigins, app, (values) => app.prefill(values), (token) => (contactToken = token));
 * host.announceReady();
 */
export class HostConnection {
  private channel: ParentChannel | undefined;
  private stopListening: (() => void) | undefined;
  private readyPosted = false;
  private readonly frameSize = new FrameSize((height) => this.post({ type: 'resize', height }));

  /** Opens the channel for a loaded form; `themed` receives the theme's custom properties, `contactToken` each token the page sends. */
  open(allowedOrigins: readonly string[], themed: HTMLElement, prefill: (values: Record<string, PrefillValue>) => void, contactToken: (token: string | null) => void = () => {}): void {
    this.stopListening?.();
    this.channel = openParentChannel(allowedOrigins);
    const stopTheme = listenForTheme(window, this.channel.targetOrigin, themed);
    const stopPrefill = listenForPrefill(window, this.channel.targetOrigin, prefill);
    const stopToken = listenForContactToken(window, this.channel.targetOrigin, contactToken);
    this.stopListening = () => {
      stopTheme();
      stopPrefill();
      stopToken();
    };
  }

  post(message: OutgoingMessage): void {
    this.channel?.post(message);
  }

  /** Posts `ready` once per app, then reports the height whenever it changes. */
  announceReady(): void {
    if (this.readyPosted) return;

    this.readyPosted = true;
    this.post({ type: 'ready' });
    this.frameSize.observe();
  }

  /** Resumes height reports when the app is connected again. */
  connected(): void {
    if (this.readyPosted) this.frameSize.observe();
  }

  disconnected(): void {
    this.frameSize.disconnect();
    this.stopListening?.();
    this.stopListening = undefined;
  }
}

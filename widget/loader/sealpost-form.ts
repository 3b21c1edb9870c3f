import { HOST_EVENTS, THEME_PROPERTIES, isEmbedMessage, type EmbedMessage, type ThemeMessage } from '../../sdk/embed-messages';
import { localize, resolveLocale } from '../../sdk/localize';
import { FRAME_TITLE } from '../../sdk/messages';
import { SEALPOST_VERSION } from '../version';
import type { SealpostErrorDetail } from './events';

// The iframe starts at a height that shows the loading text, then follows the form's resize messages.
const STYLES = ':host{display:block}iframe{display:block;width:100%;height:12rem;border:0}';

/** The iframe's URL and title, and the origin that its messages must come from. */
interface FrameConfig {
  src: string;
  origin: string;
  title: string;
}

/**
 * `<sealpost-form>` embeds a Sealpost form from the collector in an iframe, so
 * scripts on the host page cannot read what the patient types. It passes on the
 * frame's PHI-free messages as DOM events that bubble out of its shadow root:
 * `sealpost-ready`, `sealpost-submitted` (detail `{ receiptId }`),
 * `sealpost-error` (detail `{ code }`) and `sealpost-timeout` (the idle limit
 * passed and the form cleared every answer).
 *
 * Theme: CSS custom properties set on the element (`--sealpost-accent`,
 * `--sealpost-text`, `--sealpost-radius`, `--sealpost-font` and the others in
 * `THEME_PROPERTIES`) are passed into the form when it reports ready.
 *
 * Attributes: `form` (form id, required), `collector` (collector URL, default
 * the origin of the loader script), `lang` (`en` or `es`, default the
 * browser's language) and `idle-timeout` (seconds without activity before
 * the form clears its answers, 60 to 86400; default the form's own limit).
 *
 * @example
 * <sealpost-form form="new-patient-intake" collector="https://collector.example" lang="es"></sealpost-form>
 * <script>
 *   document.querySelector('sealpost-form')
 *     .addEventListener('sealpost-submitted', (event) => showThanks(event.detail.receiptId));
 * </script>
 */
export class SealpostFormElement extends HTMLElement {
  /** Version of the Sealpost build that defined this class, compared on registration. */
  static readonly sealpostVersion = SEALPOST_VERSION;

  /** Collector URL for elements without a `collector` attribute; the loader sets it to its own script's origin. */
  static defaultCollector: string | undefined;

  static readonly observedAttributes = ['form', 'collector', 'lang', 'idle-timeout'];

  #frame: HTMLIFrameElement | undefined;
  #collectorOrigin: string | undefined;
  readonly #onMessage = (event: MessageEvent): void => this.#receive(event);

  constructor() {
    super();
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = STYLES;
    root.append(style);
  }

  /** Starts listening for the frame's messages and renders the frame. */
  connectedCallback(): void {
    window.addEventListener('message', this.#onMessage);
    this.#render();
  }

  /** Stops listening; the browser unloads the iframe with the element. */
  disconnectedCallback(): void {
    window.removeEventListener('message', this.#onMessage);
  }

  /** Points the frame at the new form, collector or language. */
  attributeChangedCallback(): void {
    if (this.isConnected) this.#render();
  }

  #render(): void {
    const config = this.#readConfig();
    if ('code' in config) {
      this.#removeFrame();
      this.#dispatch(HOST_EVENTS.error, config);
      return;
    }

    const frame = this.#frame ?? this.#createFrame();
    this.#collectorOrigin = config.origin;
    frame.title = config.title;
    // Setting src again, even to the same URL, would reload the form and lose the answers.
    if (frame.getAttribute('src') !== config.src) frame.setAttribute('src', config.src);

    // Inserting the frame only once it has a src skips a first load of about:blank.
    // NOTE: until the collector's page commits, the frame still shows an empty
    // initial document of the host's origin, which host scripts can read.
    if (!frame.isConnected) this.shadowRoot?.append(frame);
  }

  #readConfig(): FrameConfig | SealpostErrorDetail {
    const form = this.getAttribute('form')?.trim();
    if (!form) return { code: 'missing_form' };

    const collector = parseCollector(this.getAttribute('collector') ?? SealpostFormElement.defaultCollector);
    if (!collector) return { code: 'invalid_collector' };

    const locale = resolveLocale(this.getAttribute('lang') ?? navigator.language);
    const idle = this.getAttribute('idle-timeout')?.trim();
    return {
      src: `${collector.base}/embed/forms/${encodeURIComponent(form)}?lang=${locale}${idle && /^\d{1,6}$/.test(idle) ? `&idle=${idle}` : ''}`,
      origin: collector.origin,
      title: localize(FRAME_TITLE, locale),
    };
  }

  #createFrame(): HTMLIFrameElement {
    const frame = document.createElement('iframe');
    // In browsers without location.ancestorOrigins the form finds its parent
    // from the referrer, so send the origin, and no path, as the referrer.
    frame.referrerPolicy = 'origin';
    this.#frame = frame;
    return frame;
  }

  #removeFrame(): void {
    this.#frame?.remove();
    this.#frame = undefined;
    this.#collectorOrigin = undefined;
  }

  #receive(event: MessageEvent): void {
    // Any window can post to this page, so only this element's own frame, on
    // the collector's origin, with a well-formed message is trusted.
    const frameWindow = this.#frame?.contentWindow;
    if (!frameWindow || event.source !== frameWindow) return;
    if (event.origin !== this.#collectorOrigin) return;
    if (!isEmbedMessage(event.data)) return;

    this.#handle(event.data);
  }

  #handle(message: EmbedMessage): void {
    switch (message.type) {
      case 'resize':
        if (this.#frame) this.#frame.style.height = `${Math.ceil(message.height)}px`;
        return;
      case 'ready':
        this.#sendTheme();
        this.#dispatch(HOST_EVENTS.ready, null);
        return;
      case 'submitted':
        this.#dispatch(HOST_EVENTS.submitted, { receiptId: message.receiptId });
        return;
      case 'error':
        this.#dispatch(HOST_EVENTS.error, { code: message.code });
        return;
      case 'timeout':
        this.#dispatch(HOST_EVENTS.timeout, null);
        return;
    }
  }

  /**
   * Passes the host element's `--sealpost-*` custom properties into the frame, which cannot read the host's styles.
   * NOTE: sent once per ready message, so a theme changed after the form loads reaches it only on reload.
   */
  #sendTheme(): void {
    const frameWindow = this.#frame?.contentWindow;
    if (!frameWindow || !this.#collectorOrigin) return;

    const style = getComputedStyle(this);
    const theme: Record<string, string> = {};
    for (const name of THEME_PROPERTIES) {
      const value = style.getPropertyValue(name).trim();
      if (value) theme[name] = value;
    }
    if (Object.keys(theme).length === 0) return;

    const message: ThemeMessage = { source: 'sealpost-host', type: 'theme', theme };
    frameWindow.postMessage(message, this.#collectorOrigin);
  }

  #dispatch(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

/** Splits a collector URL into the base for frame URLs and the origin that messages must come from. */
function parseCollector(value: string | null | undefined): { base: string; origin: string } | undefined {
  if (!value) return undefined;

  let url: URL;
  try {
    url = new URL(value, document.baseURI);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;

  // A collector may sit under a path prefix behind a proxy, so keep the path but drop a trailing slash.
  return { base: url.origin + url.pathname.replace(/\/+$/, ''), origin: url.origin };
}

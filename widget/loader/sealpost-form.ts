import {
  HOST_EVENTS,
  THEME_PROPERTIES,
  isContactToken,
  isEmbedMessage,
  isPrefillId,
  isPrefillValue,
  type ContactTokenMessage,
  type EmbedMessage,
  type PrefillMessage,
  type PrefillRefusalReason,
  type PrefillValue,
  type ThemeMessage,
} from '../../sdk/embed-messages';
import { localize, primaryLanguage } from '../../sdk/localize';
import { FRAME_NOT_LOADED, FRAME_TITLE } from '../../sdk/messages';
import { SEALPOST_VERSION } from '../version';
import type { SealpostErrorDetail } from './events';

// The iframe starts at a height that shows the loading text, then follows the form's resize messages.
const STYLES = ':host{display:block}iframe{display:block;width:100%;height:12rem;border:0}p{margin:0;padding:1rem;border:1px solid;border-radius:.25rem}';

/** Time a frame may take to report ready before the element reports that the form did not load. */
export const LOAD_TIMEOUT_MS = 20_000;

/** The iframe's URL and title, and the origin that its messages must come from. */
interface FrameConfig {
  src: string;
  origin: string;
  title: string;
  lang: string;
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
 * the origin of the loader script), `lang` (a language tag such as `en`, `es`
 * or `ar`, default the browser's language), `idle-timeout` (seconds without
 * activity before the form clears its answers, 60 to 86400; default the
 * form's own limit), `kiosk` (the form starts again for the next patient
 * after a submit or a timeout, and browser autofill is off), and prefilled
 * values of non-PHI items: `prefill-ID="value"` for item ID, or `prefill`
 * with a JSON object of values by item id, and `contact-token` (the signed
 * token from the collector's `POST /v1/contacts/:id/form-token`, so that the
 * submission starts the form's workflows for that contact; it is passed into
 * the frame by postMessage, never in its URL, and the latest value counts).
 * In kiosk mode a token is used for one submission: after the submit or a
 * timeout, the next patient gets no token until the attribute is set again.
 *
 * Prefill from script with `element.prefill({ location: 'riverside' })`. Only
 * items the form marks `prefillable` accept a value; for any other the
 * element warns in the console, naming the item.
 *
 * @example
 * <sealpost-form form="new-patient-intake" collector="https://collector.example" lang="es" prefill-location="riverside"></sealpost-form>
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

  static readonly observedAttributes = ['form', 'collector', 'lang', 'idle-timeout', 'kiosk', 'prefill', 'contact-token'];

  #frame: HTMLIFrameElement | undefined;
  #collectorOrigin: string | undefined;
  /** True once the current frame reported ready, until its URL changes. */
  #ready = false;
  /** Values given to `prefill()`, which win over the attributes'. */
  #scriptPrefill: Record<string, PrefillValue> = {};
  /** A kiosk's token after its patient submitted or timed out: not sent again, unless the attribute is set again. */
  #spentToken: string | undefined;
  #loadTimer: ReturnType<typeof setTimeout> | undefined;
  /** The notice shown in place of a form that did not load. */
  #notice: HTMLParagraphElement | undefined;
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
    clearTimeout(this.#loadTimer);
  }

  /** Points the frame at the new form, collector, language or mode; sends a changed `prefill` to the loaded form. */
  attributeChangedCallback(name: string): void {
    if (name === 'contact-token') this.#spentToken = undefined;
    if (!this.isConnected) return;
    if (name === 'prefill') this.#sendPrefill(this.#prefillValues());
    else if (name === 'contact-token') this.#sendContactToken(true);
    else this.#render();
  }

  /**
   * Sets starting values of the form's prefillable items, by item id, such as
   * a clinic location. Values sent before the form is ready wait for it. A
   * value for an item the form does not mark prefillable is refused with a
   * console warning naming the item.
   *
   * @example
   * document.querySelector('sealpost-form').prefill({ location: 'riverside' });
   */
  prefill(values: Record<string, PrefillValue>): void {
    const accepted = this.#checkPrefill(values, 'prefill()');
    Object.assign(this.#scriptPrefill, accepted);
    if (this.#ready) this.#sendPrefill(accepted);
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
    if (frame.getAttribute('src') !== config.src) {
      this.#ready = false;
      frame.setAttribute('src', config.src);
      this.#watchLoad(config.lang);
    }

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

    // The form picks its language from the primary subtag: en and es have every patient string, and a form may offer others, such as ar.
    const lang = primaryLanguage(this.getAttribute('lang') ?? navigator.language) || 'en';
    const idle = this.getAttribute('idle-timeout')?.trim();
    const kiosk = this.hasAttribute('kiosk') ? '&kiosk=1' : '';
    return {
      src: `${collector.base}/embed/forms/${encodeURIComponent(form)}?lang=${lang}${idle && /^\d{1,6}$/.test(idle) ? `&idle=${idle}` : ''}${kiosk}`,
      origin: collector.origin,
      title: localize(FRAME_TITLE, lang),
      lang,
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

  /**
   * A frame that never reports ready (its page blocked by frame-ancestors
   * because this page's origin is not allowed, or the collector unreachable)
   * shows the browser's empty or error page. After LOAD_TIMEOUT_MS the
   * element shows the patient a notice in their language, warns the page's developer
   * with the likely causes, and sends `sealpost-error` with `form_not_loaded`.
   * A form that reports ready later removes the notice.
   */
  #watchLoad(lang: string): void {
    this.#clearLoadWatch();
    this.#loadTimer = setTimeout(() => {
      if (this.#ready) return;
      const notice = document.createElement('p');
      notice.setAttribute('role', 'alert');
      notice.lang = lang;
      notice.textContent = localize(FRAME_NOT_LOADED, lang);
      this.#notice = notice;
      this.shadowRoot?.prepend(notice);
      this.#warn(`the form did not load within ${LOAD_TIMEOUT_MS / 1000} s. Check that this page's origin is in the form's allowedOrigins (the browser console names a frame-ancestors violation then) and that the collector URL is reachable.`);
      this.#dispatch(HOST_EVENTS.error, { code: 'form_not_loaded' });
    }, LOAD_TIMEOUT_MS);
  }

  #clearLoadWatch(): void {
    clearTimeout(this.#loadTimer);
    this.#loadTimer = undefined;
    this.#notice?.remove();
    this.#notice = undefined;
  }

  #removeFrame(): void {
    this.#clearLoadWatch();
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
        this.#ready = true;
        this.#clearLoadWatch();
        this.#sendTheme();
        this.#sendPrefill(this.#prefillValues());
        this.#sendContactToken(false);
        this.#dispatch(HOST_EVENTS.ready, null);
        return;
      case 'submitted':
        this.#spendKioskToken();
        this.#dispatch(HOST_EVENTS.submitted, { receiptId: message.receiptId });
        return;
      case 'error':
        this.#dispatch(HOST_EVENTS.error, { code: message.code });
        return;
      case 'timeout':
        this.#spendKioskToken();
        this.#dispatch(HOST_EVENTS.timeout, null);
        return;
      case 'prefill-refused':
        for (const { id, reason } of message.items) this.#warn(`the prefill of "${id}" was refused: ${REFUSALS[reason]}.`);
        return;
    }
  }

  /** Collects the prefilled values: the `prefill` JSON, then `prefill-ID` attributes, then `prefill()` calls. */
  #prefillValues(): Record<string, PrefillValue> {
    let fromJson: Record<string, PrefillValue> = {};
    const json = this.getAttribute('prefill');
    if (json) {
      try {
        const parsed: unknown = JSON.parse(json);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError();
        fromJson = this.#checkPrefill(parsed as Record<string, unknown>, 'the prefill attribute');
      } catch {
        this.#warn('the prefill attribute is not a JSON object of values by item id, such as {"location":"riverside"}; it was ignored.');
      }
    }

    const fromAttributes: Record<string, string> = {};
    for (const { name, value } of Array.from(this.attributes)) {
      if (name.startsWith('prefill-')) fromAttributes[name.slice(8)] = value;
    }
    return { ...fromJson, ...this.#checkPrefill(fromAttributes, 'a prefill- attribute'), ...this.#scriptPrefill };
  }

  /** Keeps the values that a prefill message can carry; warns about the others by item id. */
  #checkPrefill(values: Record<string, unknown>, origin: string): Record<string, PrefillValue> {
    const accepted: Record<string, PrefillValue> = {};
    for (const [id, value] of Object.entries(values)) {
      if (isPrefillId(id) && isPrefillValue(value)) accepted[id] = value;
      else this.#warn(`the prefill of "${id}" from ${origin} was refused: use an item id and a text of at most 1000 characters, a number, true or false, or a list of texts.`);
    }
    return accepted;
  }

  #sendPrefill(values: Record<string, PrefillValue>): void {
    const frameWindow = this.#frame?.contentWindow;
    if (!this.#ready || !frameWindow || !this.#collectorOrigin || Object.keys(values).length === 0) return;

    const message: PrefillMessage = { source: 'sealpost-host', type: 'prefill', values };
    frameWindow.postMessage(message, this.#collectorOrigin);
  }

  /**
   * Sends the `contact-token` attribute's value to the ready form, so that it
   * has the latest one: on ready when there is one, and on every change,
   * null when it was removed. Only by postMessage to the collector's origin,
   * never in the frame's URL.
   */
  #sendContactToken(changed: boolean): void {
    const frameWindow = this.#frame?.contentWindow;
    if (!this.#ready || !frameWindow || !this.#collectorOrigin) return;

    const value = this.getAttribute('contact-token')?.trim() || null;
    if (value !== null && !isContactToken(value)) this.#warn('the contact-token attribute is not a token from POST /v1/contacts/:id/form-token; the form was sent none.');
    const token = value !== null && isContactToken(value) && value !== this.#spentToken ? value : null;
    if (token === null && !changed) return;
    const message: ContactTokenMessage = { source: 'sealpost-host', type: 'contact-token', token };
    frameWindow.postMessage(message, this.#collectorOrigin);
  }

  /** In kiosk mode, the form forgot the token when its patient finished; the loader does not send it to a reloaded frame either. */
  #spendKioskToken(): void {
    if (this.hasAttribute('kiosk')) this.#spentToken = this.getAttribute('contact-token')?.trim() || undefined;
  }

  #warn(text: string): void {
    console.warn(`[sealpost] <sealpost-form form="${this.getAttribute('form') ?? ''}">: ${text}`);
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

const REFUSALS: Record<PrefillRefusalReason, string> = {
  unknown_item: 'the form has no item with this id',
  not_prefillable: 'the form does not mark this item "prefillable", and only items marked so accept a value from the page',
  invalid_value: 'the value is not a valid answer to this item',
};

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

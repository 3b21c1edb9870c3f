import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { CollectorError, createCollectorClient, type CollectorClient } from '../../sdk/collector-client';
import { ATTACHMENT_MAX_BYTES, type AnswerValue, type Answers, type Locale, type PublishedForm, type SubmissionReceipt } from '../../sdk/form-definition';
import { formatReceipt } from '../../sdk/ids';
import { DEFAULT_IDLE_TIMEOUT_SECONDS, systemClock, type Clock } from '../../sdk/idle-timer';
import { localize, resolveLocale } from '../../sdk/localize';
import { UI_MESSAGES } from '../../sdk/messages';
import { localDateString, validateAnswers, type AnswerError } from '../../sdk/validate-answers';
import { SEALPOST_VERSION } from '../version';
import { answerErrorText } from './error-messages';
import { controlId } from './field-ids';
import { fieldOfName, indexFields, type FieldIndex } from './field-index';
import { formAppStyles } from './form-app.styles';
import { formatMessage } from './format-message';
import { listenForTheme } from './host-theme';
import { IdleSession } from './idle-session';
import { renderIdleNotice, renderIdleWarning } from './render-idle';
import { renderReview } from './render-review';
import { renderActions, renderProgress, type StepState } from './render-steps';
import { StepNavigation, sectionOfName } from './form-steps';
import { openParentChannel, type ParentChannel } from './parent-channel';
import { PointerSettle } from './pointer-settle';
import { readAnswers } from './read-answers';
import { readAttachment } from './read-file';
import { renderFields, type FieldContext } from './render-fields';
import { RepeatKeys } from './repeat-keys';
import { SubmissionSender, buildPayload } from './submit-answers';

/** Stages of the app: `sending` keeps the form on screen but accepts no second submit. */
type Phase = 'loading' | 'load-failed' | 'ready' | 'sending' | 'done';

/**
 * `<sealpost-form-app>` is the patient form that runs inside the iframe, on the
 * collector's origin. It loads the published form, validates answers with the
 * SDK's rules, encrypts them in the page and posts the ciphertext. The host page
 * gets only PHI-free messages: `ready`, `resize`, `submitted` and `error`.
 *
 * @example
 * <script type="module" src="/embed/assets/form-app.js"></script>
 * <sealpost-form-app form="new-patient-intake" lang="es"></sealpost-form-app>
 */
export class SealpostFormApp extends LitElement {
  /** Version of the Sealpost build that defined this class, compared on registration. */
  static readonly sealpostVersion = SEALPOST_VERSION;

  static override styles = formAppStyles;

  /** Id of the published form to load, such as `new-patient-intake`. */
  @property() form = '';

  /** Language tag from the `lang` attribute, such as `es` or `es-MX`; the browser's language when absent. */
  @property({ attribute: 'lang' }) language?: string;

  /** Seconds without activity before the answers are cleared; overrides the form's `idleTimeoutSeconds`. */
  @property({ attribute: 'idle-timeout', type: Number }) idleTimeout?: number;

  /** Time source of the idle timer; tests replace it so that they never sleep. */
  clock: Clock = systemClock;

  @state() private phase: Phase = 'loading';
  @state() private loadFailure: 'not_found' | 'unavailable' = 'unavailable';
  @state() private published: PublishedForm | undefined;
  @state() private errors: ReadonlyMap<string, AnswerError> = new Map();
  @state() private summaryVisible = false;
  @state() private sendFailed = false;
  @state() private insecure = false;
  @state() private receiptId: string | undefined;
  @state() private timedOut = false;
  /** Changes on each cleared session, so that Lit replaces the form's DOM and with it every typed value. */
  @state() private generation = 0;

  // Answers live only here and in the controls: never in storage, URLs or logs.
  // Values are replaced on each input event rather than bound back into the
  // controls, so a re-render never rewrites what the patient is typing.
  @state() private answers: Answers = {};
  /** Field names (`id`, or `group[index].id`) the patient has changed. */
  private readonly touched = new Set<string>();
  /** Chosen files and drawn signatures by field id, stored as they happen because neither is read from a control's value. */
  private readonly attachments = new Map<string, AnswerValue>();
  private readonly repeatKeys = new RepeatKeys(() => this.requestUpdate());
  private fieldIndex: FieldIndex = new Map();
  private readonly steps = new StepNavigation(
    () => this.requestUpdate(),
    (id) => void this.focusAfterRender(id),
  );
  private readonly sender = new SubmissionSender();
  private readonly idle = new IdleSession(this, () => this.clock);
  /** Element that had focus when the idle warning took it, to give it back. */
  private focusBeforeWarning: Element | null = null;
  private stopThemeListener: (() => void) | undefined;
  private client: CollectorClient | undefined;
  private channel: ParentChannel | undefined;
  private readyPosted = false;
  private resizeObserver: ResizeObserver | undefined;
  private lastHeight = -1;
  private loadCount = 0;
  private pointerSettle: PointerSettle | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.pointerSettle = new PointerSettle(window);
    if (this.readyPosted) this.observeSize();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.pointerSettle?.dispose();
    this.pointerSettle = undefined;
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
    this.stopThemeListener?.();
    this.stopThemeListener = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('form')) void this.load();
  }

  private get locale(): Locale {
    return resolveLocale(this.language ?? navigator.language);
  }

  /** Client for the collector that served this page, created on first use. */
  private get collector(): CollectorClient {
    this.client ??= createCollectorClient({ baseUrl: location.origin });
    return this.client;
  }

  private text(message: keyof typeof UI_MESSAGES, values?: Record<string, string>): string {
    return formatMessage(UI_MESSAGES[message], this.locale, values);
  }

  /** Loads the form named by `form`; a newer call makes an older one's result stale. */
  private async load(): Promise<void> {
    const formId = this.form;
    const attempt = ++this.loadCount;
    this.wipeAnswers();
    this.timedOut = false;
    this.published = undefined;
    this.phase = 'loading';

    if (!formId) {
      this.loadFailure = 'not_found';
      this.phase = 'load-failed';
      return;
    }

    try {
      const published = await this.collector.getForm(formId);
      if (attempt !== this.loadCount) return;

      this.published = published;
      this.fieldIndex = indexFields(published.definition.fields);
      this.steps.load(published.definition.fields);
      this.insecure = !hasWebCrypto();
      this.channel = openParentChannel(published.definition.allowedOrigins);
      this.stopThemeListener?.();
      this.stopThemeListener = listenForTheme(window, this.channel.targetOrigin, this);
      this.phase = 'ready';
      this.idle.start(this.idleSeconds);
      await this.updateComplete;
      this.announceReady();
    } catch (error) {
      if (attempt !== this.loadCount) return;

      this.loadFailure = error instanceof CollectorError && error.status === 404 ? 'not_found' : 'unavailable';
      this.phase = 'load-failed';
    }
  }

  private announceReady(): void {
    if (this.readyPosted) return;

    this.readyPosted = true;
    this.channel?.post({ type: 'ready' });
    this.observeSize();
  }

  /** Reports the document's height so that the loader can size the iframe to fit without a scrollbar. */
  private observeSize(): void {
    if (this.resizeObserver || typeof ResizeObserver === 'undefined') return;

    this.resizeObserver = new ResizeObserver(() => this.postHeight());
    this.resizeObserver.observe(document.documentElement);
    this.postHeight();
  }

  private postHeight(): void {
    // The root element's own box is as tall as the content, whatever the
    // iframe's height, so growing the iframe does not feed back into this.
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === this.lastHeight) return;

    this.lastHeight = height;
    this.channel?.post({ type: 'resize', height });
  }

  private get formElement(): HTMLFormElement | null | undefined {
    return this.shadowRoot?.querySelector('form');
  }

  /**
   * Reads every answer from the controls, then renders again until the set of
   * shown fields stops changing: an answer can show a field whose own answer
   * shows another. Each pass can only add or remove fields, so a few suffice.
   */
  private async refreshAnswers(): Promise<void> {
    const definition = this.published?.definition;
    for (let pass = 0; definition && pass < 8; pass++) {
      const form = this.formElement;
      if (!form) return;

      const answers = readAnswers(definition.fields, form, this.attachments);
      if (JSON.stringify(answers) === JSON.stringify(this.answers)) break;
      this.answers = answers;
      await this.updateComplete;
    }
    this.dropErrorsOfHiddenFields();
  }

  /** Forgets the errors of fields that conditions have hidden, since the patient can no longer fix them. */
  private dropErrorsOfHiddenFields(): void {
    const shown = [...this.errors.keys()].filter((name) => this.shadowRoot?.getElementById(controlId(name)));
    if (shown.length !== this.errors.size) this.errors = new Map(shown.map((name) => [name, this.errors.get(name)!]));
  }

  private fieldName(target: EventTarget | null): string | undefined {
    const control = target instanceof Element ? target.closest('input, select, textarea') : null;
    return control?.getAttribute('name') ?? undefined;
  }

  private async onInput(event: Event): Promise<void> {
    const name = this.fieldName(event.target);
    if (name) this.touched.add(name);
    await this.refreshAnswers();
  }

  private async onChange(event: Event): Promise<void> {
    const name = this.fieldName(event.target);
    if (!name) return;

    this.touched.add(name);
    if (event.target instanceof HTMLInputElement && event.target.type === 'file') await this.storeFile(name, event.target);
    await this.refreshAnswers();
    // A text field's change fires as focus leaves it, possibly in the middle of a click elsewhere.
    this.validateSettled(name);
  }

  /** Reads the chosen file of an attachment field, or forgets it when the choice was cleared. */
  private async storeFile(name: string, input: HTMLInputElement): Promise<void> {
    const field = this.fieldIndex.get(name);
    const file = input.files?.[0];
    if (!file || field?.type !== 'attachment') {
      this.attachments.delete(name);
      return;
    }

    const max = Math.min(field.maxBytes ?? ATTACHMENT_MAX_BYTES, ATTACHMENT_MAX_BYTES);
    try {
      this.attachments.set(name, await readAttachment(file, max));
    } catch {
      // An unreadable file (moved or deleted after choosing) is rejected by validation as unreadable.
      this.attachments.set(name, { name: file.name, type: file.type, size: file.size, data: '!' });
    }
  }

  /** Validates a field the patient has changed once focus leaves it, but not when focus moves within a group. */
  private onFocusOut(event: FocusEvent): void {
    const name = this.fieldName(event.target);
    if (!name || !this.touched.has(name)) return;

    const container = (event.target as Element).closest('[data-field]');
    if (event.relatedTarget instanceof Node && container?.contains(event.relatedTarget)) return;
    this.validateSettled(name);
  }

  /** Validates once any pointer press has ended, so the layout does not move under a click. */
  private validateSettled(name: string): void {
    const validate = () => {
      if (this.phase === 'ready') this.validate(name);
    };
    if (this.pointerSettle) this.pointerSettle.run(validate);
    else validate();
  }

  /** Validates the whole form with the SDK's rules and updates the error of one field name. */
  private validate(name: string): void {
    if (!this.published) return;

    const error = validateAnswers(this.published.definition, this.answers, localDateString(new Date())).find((candidate) => candidate.field === name);
    const errors = new Map(this.errors);
    if (error) errors.set(name, error);
    else errors.delete(name);
    this.errors = errors;
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    // The phase changes to `sending` before the first await, so a second click
    // or a second Enter arrives here while sending and is dropped.
    if (this.phase !== 'ready' || !this.published) return;

    const { definition } = this.published;
    // Read synchronously: an await here would let a second click in before the phase changes.
    const form = this.formElement;
    if (form) this.answers = readAnswers(definition.fields, form, this.attachments);
    // Enter in a field of an earlier step moves on, as the Next button does.
    if (this.steps.paged && !this.steps.reviewing) return this.nextStep();

    const errors = validateAnswers(definition, this.answers, localDateString(new Date()));
    for (const error of errors) this.touched.add(error.field);
    this.errors = new Map(errors.map((error) => [error.field, error]));
    this.sendFailed = false;

    if (errors.length > 0) {
      this.summaryVisible = true;
      return this.focusAfterRender('error-summary');
    }
    this.summaryVisible = false;

    if (!hasWebCrypto()) {
      this.insecure = true;
      this.channel?.post({ type: 'error', code: 'insecure_context' });
      return this.focusAfterRender('insecure-notice');
    }

    await this.send(this.published);
  }

  /** Validates the current step; moves to the next one, or to the review page after the last. */
  private nextStep(): void {
    if (!this.published) return;

    const form = this.formElement;
    if (form) this.answers = readAnswers(this.published.definition.fields, form, this.attachments);
    const errors = validateAnswers(this.published.definition, this.answers, localDateString(new Date())).filter(
      (error) => sectionOfName(this.steps.sections, error.field) === this.steps.step,
    );
    for (const error of errors) this.touched.add(error.field);
    this.errors = new Map(errors.map((error) => [error.field, error]));
    this.summaryVisible = errors.length > 0;
    if (errors.length > 0) return void this.focusAfterRender('error-summary');

    this.summaryVisible = false;
    if (this.steps.onLastStep) this.steps.review();
    else this.steps.goTo(this.steps.step + 1);
  }

  private async send(published: PublishedForm): Promise<void> {
    this.phase = 'sending';
    try {
      const receipt = await this.sender.submit(this.collector, published, buildPayload(published.definition, this.answers, this.locale));
      this.finish(receipt);
    } catch (error) {
      // NOTE: field errors that the collector returns are shown as one general
      // failure, because they name no limit for the sentences and local
      // validation already applies the same rules.
      this.phase = 'ready';
      this.sendFailed = true;
      this.channel?.post({ type: 'error', code: sendErrorCode(error) });
      await this.focusAfterRender('send-error');
    }
  }

  /** Returns the idle limit: the page's `idle-timeout` when valid, else the form's, else 10 minutes. */
  private get idleSeconds(): number {
    const fromPage = this.idleTimeout;
    if (fromPage !== undefined && Number.isSafeInteger(fromPage) && fromPage >= 60 && fromPage <= 86_400) return fromPage;
    return this.published?.definition.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS;
  }

  /**
   * Clears the session: every answer in memory, and the form's DOM, which is
   * rendered anew. On timeout the host page gets a PHI-free `timeout` message
   * and the patient a notice. A page restored from the back/forward cache
   * starts clean without either.
   */
  clearSession(reason: 'timeout' | 'restored'): void {
    if (this.phase !== 'ready' && this.phase !== 'sending') return;

    this.wipeAnswers();
    this.generation++;
    this.focusBeforeWarning = null;
    this.timedOut = reason === 'timeout';
    if (reason === 'timeout') {
      this.channel?.post({ type: 'timeout' });
      void this.focusAfterRender('timeout-notice');
    }
  }

  private keepWorking(): void {
    this.idle.extend();
    const previous = this.focusBeforeWarning;
    this.focusBeforeWarning = null;
    void this.updateComplete.then(() => (previous as HTMLElement | null)?.focus?.());
  }

  protected override updated(): void {
    // The warning takes focus once, when it opens.
    if (this.idle.remainingSeconds !== undefined && this.focusBeforeWarning === null) {
      this.focusBeforeWarning = this.shadowRoot?.activeElement ?? this.shadowRoot?.querySelector('form') ?? null;
      this.shadowRoot?.getElementById('keep-working')?.focus();
    }
  }

  private finish(receipt: SubmissionReceipt): void {
    // Dropping every reference lets the answers be garbage-collected. JavaScript
    // strings cannot be overwritten, so this is the most a page can do.
    this.wipeAnswers();
    this.idle.stop();
    this.receiptId = receipt.id;
    this.phase = 'done';
    this.channel?.post({ type: 'submitted', receiptId: receipt.id });
    void this.focusAfterRender('confirmation-title');
  }

  private wipeAnswers(): void {
    this.answers = {};
    this.touched.clear();
    this.repeatKeys.clear();
    this.attachments.clear();
    this.sender.forget();
    this.steps.reset();
    this.errors = new Map();
    this.summaryVisible = false;
    this.sendFailed = false;
  }

  private async focusAfterRender(id: string): Promise<void> {
    await this.updateComplete;
    this.shadowRoot?.getElementById(id)?.focus();
  }

  /** Focuses a field from the error summary: its control, or the checked (else first) input of a group. */
  private async focusField(name: string): Promise<void> {
    if (this.steps.reveal(name)) await this.updateComplete;

    const target = this.shadowRoot?.getElementById(controlId(name));
    const control = target?.tagName === 'FIELDSET' ? (target.querySelector('input:checked') ?? target.querySelector('input')) : target;
    (control as HTMLElement | null | undefined)?.focus();
  }

  private errorText(name: string): string | undefined {
    const error = this.errors.get(name);
    return error ? answerErrorText(error, fieldOfName(this.fieldIndex, name), this.locale) : undefined;
  }

  override render(): TemplateResult {
    // The iframe has a document of its own, so the form is that document's main landmark.
    return html`<main class="app" lang=${this.locale}>${this.renderPhase()}</main>`;
  }

  private renderPhase(): TemplateResult {
    switch (this.phase) {
      case 'loading':
        return html`<p role="status">${this.text('loading')}</p>`;
      case 'load-failed':
        return this.renderLoadFailure();
      case 'done':
        return html`${this.renderHeader()}${this.renderConfirmation()}`;
      default:
        return html`${this.renderHeader()}${renderIdleNotice(this.locale, this.idleSeconds, this.timedOut)}${this.renderInsecureNotice()}${this.renderSummary()}${this.renderForm()}${renderIdleWarning(this.locale, this.idle.remainingSeconds, () => this.keepWorking())}`;
    }
  }

  private renderLoadFailure(): TemplateResult {
    if (this.loadFailure === 'not_found') return html`<p role="alert">${this.text('formNotFound')}</p>`;

    return html`
      <div role="alert">
        <p>${this.text('loadFailed')}</p>
        <button type="button" @click=${() => void this.load()}>${this.text('retry')}</button>
      </div>
    `;
  }

  private renderHeader(): TemplateResult {
    const definition = this.published?.definition;
    const description = definition?.description
      ? html`<p class="description">${localize(definition.description, this.locale)}</p>`
      : nothing;
    return html`<h1>${localize(definition?.title, this.locale)}</h1>${description}`;
  }

  private renderInsecureNotice(): TemplateResult | typeof nothing {
    if (!this.insecure) return nothing;

    return html`<p class="notice" id="insecure-notice" role="alert" tabindex="-1">${this.text('insecureContext')}</p>`;
  }

  private renderSummary(): TemplateResult | typeof nothing {
    const names = [...this.errors.keys()];
    if (!this.summaryVisible || names.length === 0) return nothing;

    return html`
      <div class="error-summary" id="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
        <h2 id="error-summary-title">${this.text('errorSummaryTitle')}</h2>
        <ul>
          ${names.map((name) => html`<li><button type="button" @click=${() => void this.focusField(name)}>${this.errorText(name)}</button></li>`)}
        </ul>
      </div>
    `;
  }

  private renderForm(): TemplateResult {
    const sending = this.phase === 'sending';
    const context = this.fieldContext(localDateString(new Date()));
    const sendError = this.sendFailed
      ? html`<p class="notice" id="send-error" role="alert" tabindex="-1">${this.text('sendFailed')}</p>`
      : nothing;

    // Sections of other steps stay rendered but hidden, so their controls keep
    // what the patient typed. While the idle warning shows, the form is inert,
    // so focus stays in the dialog.
    const steps = this.stepState(sending);
    const { sections, step, reviewing } = this.steps;
    const body = this.steps.paged
      ? html`${renderProgress(steps)}
          ${sections.map((section, index) => html`<div class="section" ?hidden=${reviewing || index !== step}>${renderFields(section.fields, context)}</div>`)}
          ${reviewing ? renderReview(sections, this.answers, this.locale, (target) => {
            this.summaryVisible = false;
            this.steps.goTo(target);
          }) : nothing}`
      : renderFields(this.published?.definition.fields ?? [], context);

    return html`${keyed(
      this.generation,
      html`
        <form novalidate aria-busy=${sending ? 'true' : 'false'} ?inert=${this.idle.remainingSeconds !== undefined} @submit=${this.onSubmit}
          @input=${this.onInput} @change=${this.onChange} @focusout=${this.onFocusOut}>
          ${body} ${sendError} ${renderActions(steps)}
        </form>
      `,
    )}`;
  }

  private stepState(sending: boolean): StepState {
    return {
      locale: this.locale,
      paged: this.steps.paged,
      step: this.steps.step,
      total: this.steps.sections.length,
      reviewing: this.steps.reviewing,
      sending,
      back: () => {
        this.summaryVisible = false;
        this.steps.back();
      },
      next: () => this.nextStep(),
    };
  }

  private fieldContext(today: string): FieldContext {
    return {
      locale: this.locale,
      today,
      errorFor: (name) => this.errorText(name),
      scope: { own: this.answers },
      prefix: '',
      signatures: {
        drawn: (name, image) => {
          this.attachments.set(name, { method: 'drawn', image });
          this.touched.add(name);
          void this.refreshAnswers().then(() => this.validate(name));
        },
        cleared: (name) => {
          this.attachments.delete(name);
          void this.refreshAnswers();
        },
      },
      repeats: {
        keys: (name) => this.repeatKeys.keys(name),
        add: (name) => this.repeatKeys.add(name),
        remove: (name, index) => {
          this.repeatKeys.remove(name, index);
          void this.updateComplete.then(() => this.refreshAnswers());
        },
      },
    };
  }

  private renderConfirmation(): TemplateResult {
    const receipt = formatReceipt(this.receiptId ?? '');
    return html`
      <div class="confirmation">
        <h2 id="confirmation-title" tabindex="-1">${this.text('submittedTitle')}</h2>
        <p>${this.text('receipt', { receipt })}</p>
      </div>
    `;
  }
}

/** WebCrypto, which jose needs, exists only in secure contexts (HTTPS, localhost). */
function hasWebCrypto(): boolean {
  return Boolean(globalThis.crypto?.subtle);
}

/**
 * Picks the code to post to the host page for a failed submit: the collector's
 * error code, `submit_failed` for a code outside `[a-z_]`, and `encryption_failed`
 * for an error thrown before any request, which only encryption can throw.
 */
function sendErrorCode(error: unknown): string {
  if (!(error instanceof CollectorError)) return 'encryption_failed';
  return /^[a-z_]{1,64}$/.test(error.code) ? error.code : 'submit_failed';
}

declare global {
  interface HTMLElementTagNameMap {
    'sealpost-form-app': SealpostFormApp;
  }
}

import { LitElement, html, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { CollectorError, createCollectorClient, type CollectorClient } from '../../sdk/collector-client';
import { formFields } from '../../sdk/consent';
import type { PrefillValue } from '../../sdk/embed-messages';
import type { Field, FormDefinition, PublishedForm, SubmissionReceipt } from '../../sdk/form-definition';
import { systemClock, type Clock } from '../../sdk/idle-timer';
import { formLanguage, resolveLocale, type FormLanguage } from '../../sdk/localize';
import { localDateString } from '../../sdk/validate-answers';
import { SEALPOST_VERSION } from '../version';
import { AnswerTracker } from './answer-tracker';
import { answerErrorText } from './error-messages';
import { fieldContext } from './field-context';
import { controlId } from './field-ids';
import { fieldOfName, indexFields, type FieldIndex } from './field-index';
import { formAppStyles } from './form-app.styles';
import { StepNavigation, sectionOfName } from './form-steps';
import { HostConnection } from './host-connection';
import { IdleSession, idleLimit } from './idle-session';
import { KIOSK_RESET_SECONDS, KioskReset } from './kiosk-reset';
import { applyPrefill } from './prefill';
import { renderForm } from './render-form';
import { renderIdleNotice, renderIdleWarning } from './render-idle';
import { renderConfirmation, renderHeader, renderInsecureNotice, renderLoadFailure, renderLoading } from './render-status';
import { renderErrorSummary } from './render-summary';
import { RepeatKeys } from './repeat-keys';
import { classifySendFailure, hasWebCrypto, sendErrorCode, type SendFailure } from './send-errors';
import { SubmissionSender, preparePayload } from './submit-answers';

/** Stages of the app: `sending` keeps the form on screen but accepts no second submit. */
type Phase = 'loading' | 'load-failed' | 'ready' | 'sending' | 'done';

/**
 * `<sealpost-form-app>` is the patient form that runs inside the iframe, on the
 * collector's origin. It loads the published form, validates answers with the
 * SDK's rules, encrypts them in the page and posts the ciphertext. The host page
 * gets only PHI-free messages: `ready`, `resize`, `submitted`, `error`,
 * `timeout` and `prefill-refused`.
 *
 * @example
 * <script type="module" src="/embed/assets/form-app.js"></script>
 * <sealpost-form-app form="new-patient-intake" lang="es" kiosk></sealpost-form-app>
 */
export class SealpostFormApp extends LitElement {
  /** Version of the Sealpost build that defined this class, compared on registration. */
  static readonly sealpostVersion = SEALPOST_VERSION;

  static override styles = formAppStyles;

  /** Id of the published form to load, such as `new-patient-intake`. */
  @property() form = '';

  /** Language tag from the `lang` attribute, such as `es`, `es-MX` or `ar`; the browser's language when absent. */
  @property({ attribute: 'lang' }) language?: string;

  /** Seconds without activity before the answers are cleared; overrides the form's `idleTimeoutSeconds`. */
  @property({ attribute: 'idle-timeout', type: Number }) idleTimeout?: number;

  /** Kiosk mode: autofill is off, and after a submit or a timeout the form starts again for the next patient. */
  @property({ type: Boolean }) kiosk = false;

  /** Time source of the idle timer and the kiosk's restart; tests replace it so that they never sleep. */
  clock: Clock = systemClock;

  @state() private phase: Phase = 'loading';
  @state() private loadFailure: 'not_found' | 'unavailable' = 'unavailable';
  @state() private published: PublishedForm | undefined;
  /** The published definition with the host page's prefilled values as starting values. */
  @state() private definition: FormDefinition | undefined;
  @state() private sendFailure: SendFailure | undefined;
  @state() private insecure = false;
  @state() private receiptId: string | undefined;
  @state() private timedOut = false;
  /** Changes on each cleared session, so that Lit replaces the form's DOM and with it every typed value. */
  @state() private generation = 0;
  /** Sections rendered so far: the first step renders at once, the others one per task after it (see renderRemainingSections). */
  @state() private renderedSections = 1;
  private renderMoreHandle: ReturnType<typeof setTimeout> | undefined;

  private readonly tracker = new AnswerTracker(this, () => ({
    definition: this.definition,
    fields: this.fields,
    fieldIndex: this.fieldIndex,
    accepting: this.phase === 'ready',
  }));
  private readonly repeatKeys = new RepeatKeys(() => this.requestUpdate());
  /** The items shown: the definition's fields, and a consent form's authorization section. */
  private fields: Field[] = [];
  private fieldIndex: FieldIndex = new Map();
  /** Values the host page prefilled, kept across sessions because they are not PHI. */
  private prefillValues: Record<string, PrefillValue> = {};
  /** The prefilled values the current session's controls start with: a late value never replaces what the patient changed. */
  private appliedPrefill: Record<string, PrefillValue> = {};
  /** The host page's latest contact token, in memory only; sent beside the JWE, and forgotten when a kiosk starts over. */
  private contactToken: string | undefined;
  private readonly steps = new StepNavigation(
    () => this.requestUpdate(),
    (id) => void this.focusAfterRender(id),
  );
  private readonly sender = new SubmissionSender();
  private readonly idle = new IdleSession(this, () => this.clock);
  private readonly kioskReset = new KioskReset(() => this.clock, () => this.startOver());
  private client: CollectorClient | undefined;
  private readonly host = new HostConnection();
  private loadCount = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.host.connected();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.host.disconnected();
    this.kioskReset.stop();
    clearTimeout(this.renderMoreHandle);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('form')) void this.load();
  }

  /** The form's language and direction; before the form loads, the patient strings' language. */
  private get shownLanguage(): FormLanguage {
    const requested = this.language ?? navigator.language;
    if (this.published) return formLanguage(this.published.definition, requested);
    return { locale: resolveLocale(requested), contentLanguage: resolveLocale(requested), dir: 'ltr' };
  }

  private get locale(): string {
    return this.shownLanguage.locale;
  }

  /** Client for the collector that served this page, created on first use. */
  private get collector(): CollectorClient {
    this.client ??= createCollectorClient({ baseUrl: location.origin });
    return this.client;
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
      this.appliedPrefill = { ...this.prefillValues };
      this.useDefinition(applyPrefill(published.definition, this.appliedPrefill, localDateString(new Date())).definition);
      this.insecure = !hasWebCrypto();
      this.host.open(
        published.definition.allowedOrigins,
        this,
        (values) => this.prefill(values),
        (token) => (this.contactToken = token ?? undefined),
      );
      this.phase = 'ready';
      this.renderedSections = 1;
      this.idle.start(this.idleSeconds);
      await this.updateComplete;
      // The render benchmark measures from the definition's arrival to this mark.
      performance.mark?.('sealpost:interactive');
      this.host.announceReady();
      this.renderRemainingSections();
    } catch (error) {
      if (attempt !== this.loadCount) return;

      this.loadFailure = error instanceof CollectorError && error.status === 404 ? 'not_found' : 'unavailable';
      this.phase = 'load-failed';
    }
  }

  private useDefinition(definition: FormDefinition): void {
    this.definition = definition;
    this.fields = formFields(definition);
    this.fieldIndex = indexFields(this.fields);
    this.steps.load(this.fields);
  }

  /**
   * Renders the sections after the first step one per task, so that a long
   * form is interactive as soon as its first step is, and the main thread
   * stays free for the patient meanwhile. Once all are in the DOM, their
   * starting values are read into the answers.
   */
  private renderRemainingSections(): void {
    clearTimeout(this.renderMoreHandle);
    if (this.renderedSections >= this.steps.sections.length) {
      performance.mark?.('sealpost:all-sections');
      return void this.tracker.refresh();
    }

    this.renderMoreHandle = setTimeout(() => {
      this.renderedSections++;
      void this.updateComplete.then(() => this.renderRemainingSections());
    }, 0);
  }

  /**
   * Sets starting values of prefillable items from the host page. A control
   * the patient has not changed shows the value at once; the host page hears
   * of each refused value, by item id, and warns about it.
   */
  prefill(values: Record<string, PrefillValue>): void {
    if (!this.published) return;

    this.prefillValues = { ...this.prefillValues, ...values };
    for (const [id, value] of Object.entries(values)) {
      if (!this.tracker.touched.has(id)) this.appliedPrefill[id] = value;
    }
    this.applyPrefilled();

    const { refused } = applyPrefill(this.published.definition, values, localDateString(new Date()));
    if (refused.length > 0) this.host.post({ type: 'prefill-refused', items: refused });
  }

  /** Renders the form with the session's prefilled starting values, on the step the patient is on. */
  private applyPrefilled(): void {
    if (!this.published) return;

    const { definition } = applyPrefill(this.published.definition, this.appliedPrefill, localDateString(new Date()));
    const steps = { step: this.steps.step, reviewing: this.steps.reviewing };
    this.useDefinition(definition);
    Object.assign(this.steps, steps);
    void this.updateComplete.then(() => this.tracker.refresh());
  }

  /** The session's answers, for the review page and the payload. */
  private get answers() {
    return this.tracker.answers;
  }

  private readonly onSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    // The phase changes to `sending` before the first await, so a second click
    // or a second Enter arrives here while sending and is dropped.
    if (this.phase !== 'ready' || !this.definition) return;

    // Read synchronously: an await here would let a second click in before the phase changes.
    this.tracker.readControls();
    // Enter in a field before the review page moves on, as the Next button does.
    if (!this.steps.reviewing) return this.nextStep();

    this.sendFailure = undefined;
    if (this.tracker.showErrors(this.tracker.validateAll())) return this.focusAfterRender('error-summary');

    if (!hasWebCrypto()) {
      this.insecure = true;
      this.host.post({ type: 'error', code: 'insecure_context' });
      return this.focusAfterRender('insecure-notice');
    }

    await this.send(this.definition);
  };

  /** Validates the current step; moves to the next one, or to the review page after the last. */
  private nextStep(): void {
    if (!this.definition) return;

    this.tracker.readControls();
    const errors = this.tracker.validateAll().filter((error) => sectionOfName(this.steps.sections, error.field) === this.steps.step);
    if (this.tracker.showErrors(errors)) return void this.focusAfterRender('error-summary');

    if (this.steps.onLastStep) this.steps.review();
    else this.steps.goTo(this.steps.step + 1);
  }

  private async send(definition: FormDefinition): Promise<void> {
    const published = this.published!;
    this.phase = 'sending';
    try {
      const payload = await preparePayload(definition, this.answers, this.locale);
      this.finish(await this.sender.submit(this.collector, published, payload, this.contactToken));
    } catch (error) {
      // NOTE: field errors that the collector returns are shown as one general
      // rejection, because they name no limit for the sentences and local
      // validation already applies the same rules.
      this.phase = 'ready';
      this.sendFailure = classifySendFailure(error);
      this.host.post({ type: 'error', code: sendErrorCode(error) });
      await this.focusAfterRender('send-error');
    }
  }

  private get idleSeconds(): number {
    return idleLimit(this.idleTimeout, this.published?.definition.idleTimeoutSeconds);
  }

  /**
   * Clears the session: every answer in memory, and the form's DOM, which is
   * rendered anew. On timeout the host page gets a PHI-free `timeout` message
   * and the patient a notice; a kiosk starts clean for the next patient
   * instead. A page restored from the back/forward cache starts clean without either.
   */
  clearSession(reason: 'timeout' | 'restored'): void {
    if (this.phase !== 'ready' && this.phase !== 'sending') return;

    this.wipeAnswers();
    this.generation++;
    this.timedOut = reason === 'timeout' && !this.kiosk;
    // A kiosk's next patient is someone else.
    if (reason === 'timeout' && this.kiosk) this.contactToken = undefined;
    if (reason === 'timeout') {
      this.host.post({ type: 'timeout' });
      void this.focusAfterRender(this.kiosk ? 'form-title' : 'timeout-notice');
    }
  }

  /** Leaves a kiosk's confirmation for a clean form, with the prefilled values, for the next patient. */
  private startOver(): void {
    if (this.phase !== 'done') return;

    this.kioskReset.stop();
    this.wipeAnswers();
    // The token named the patient who just submitted; the next one needs their own.
    this.contactToken = undefined;
    this.receiptId = undefined;
    this.timedOut = false;
    this.generation++;
    this.phase = 'ready';
    this.idle.start(this.idleSeconds);
    void this.focusAfterRender('form-title').then(() => this.tracker.refresh());
  }

  private finish(receipt: SubmissionReceipt): void {
    // Dropping every reference lets the answers be garbage-collected. JavaScript
    // strings cannot be overwritten, so this is the most a page can do.
    this.wipeAnswers();
    this.idle.stop();
    this.receiptId = receipt.id;
    this.phase = 'done';
    this.host.post({ type: 'submitted', receiptId: receipt.id });
    if (this.kiosk) this.kioskReset.start();
    void this.focusAfterRender('confirmation-title');
  }

  private wipeAnswers(): void {
    this.tracker.clear();
    this.repeatKeys.clear();
    this.sender.forget();
    this.steps.reset();
    this.sendFailure = undefined;
    // The next session starts with every prefilled value again.
    if (Object.keys(this.prefillValues).length > 0) {
      this.appliedPrefill = { ...this.prefillValues };
      this.applyPrefilled();
    }
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
    const error = this.tracker.errors.get(name);
    return error ? answerErrorText(error, fieldOfName(this.fieldIndex, name), this.locale) : undefined;
  }

  override render(): TemplateResult {
    // The iframe has a document of its own, so the form is that document's main landmark.
    const { contentLanguage, dir } = this.shownLanguage;
    return html`<main class="app" lang=${contentLanguage} dir=${dir}>${this.renderPhase()}</main>`;
  }

  private renderPhase(): TemplateResult {
    const locale = this.locale;
    switch (this.phase) {
      case 'loading':
        return renderLoading(locale);
      case 'load-failed':
        return renderLoadFailure(locale, this.loadFailure, () => void this.load());
      case 'done': {
        const kiosk = this.kiosk ? { seconds: KIOSK_RESET_SECONDS, startOver: () => this.startOver() } : undefined;
        return html`${renderHeader(this.definition, locale)}${renderConfirmation(locale, this.receiptId ?? '', kiosk)}`;
      }
      default: {
        const { errors: shown, summaryVisible } = this.tracker;
        const errors: [string, string][] = summaryVisible ? [...shown.keys()].map((name) => [name, this.errorText(name) ?? '']) : [];
        return html`${renderHeader(this.definition, locale)}${renderIdleNotice(locale, this.idleSeconds, this.timedOut)}${renderInsecureNotice(locale, this.insecure)}${renderErrorSummary(locale, errors, (name) => void this.focusField(name))}${this.renderForm()}${renderIdleWarning(locale, this.idle.remainingSeconds, () => this.idle.keepWorking())}`;
      }
    }
  }

  private renderForm(): TemplateResult {
    const context = fieldContext({
      locale: this.locale,
      kiosk: this.kiosk,
      today: localDateString(new Date()),
      answers: this.answers,
      repeatKeys: this.repeatKeys,
      errorFor: (name) => this.errorText(name),
      signatureChanged: (name, image) => this.tracker.signatureChanged(name, image),
      instanceRemoved: () => void this.updateComplete.then(() => this.tracker.refresh()),
    });
    const form = renderForm({
      locale: this.locale,
      kiosk: this.kiosk,
      sending: this.phase === 'sending',
      sendFailure: this.sendFailure,
      inert: this.idle.remainingSeconds !== undefined,
      answers: this.answers,
      steps: this.steps,
      // The current step and, on the review page, every step are always rendered.
      renderedSections: this.steps.reviewing ? this.steps.sections.length : Math.max(this.renderedSections, this.steps.step + 1),
      tracker: this.tracker,
      context,
      onSubmit: this.onSubmit,
      back: () => {
        this.tracker.hideSummary();
        this.steps.back();
      },
      next: () => this.nextStep(),
      goTo: (step) => {
        this.tracker.hideSummary();
        this.steps.goTo(step);
      },
    });
    return html`${keyed(this.generation, form)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sealpost-form-app': SealpostFormApp;
  }
}

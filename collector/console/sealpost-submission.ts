import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { CONSENT_GROUP_ID, formFields } from '../../sdk/consent';
import type { AnswerValue, Answers, Field, FormDefinition } from '../../sdk/form-definition';
import { formatReceipt } from '../../sdk/ids';
import { localize } from '../../sdk/localize';
import { ApiError, type ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';

/** The authorization a consent submission signed, as the collector found it. */
interface SignedConsent {
  formVersion: number;
  locale: string;
  textSha256: string;
  text: string;
  signedAt?: string;
  verified: boolean;
}

interface OpenedSubmission {
  submission: { id: string; formId: string; formVersion: number; receivedAt: string };
  form: FormDefinition;
  locale: string;
  answers: Answers;
  consent?: SignedConsent;
}

const LANGUAGES: Record<string, string> = { en: 'English', es: 'Spanish' };

/**
 * One decrypted submission, its answers laid out under the labels of the
 * form version the patient answered, and for a consent form the exact text
 * that was signed. Opening it writes an audit entry on the server, and so
 * does each export. Fires `sealpost-close-submission` to go back to the inbox.
 */
@customElement('sealpost-submission')
export class SealpostSubmission extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .signed-text {
        border-left: 4px solid #2f5d8a;
        margin: 0.5rem 0 1rem;
        padding: 0.25rem 1rem;
        white-space: pre-wrap;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75rem;
        align-items: center;
      }
      code.hash {
        overflow-wrap: anywhere;
      }
    `,
  ];

  /** Client for the staff API. */
  @property({ attribute: false }) api!: ConsoleApi;

  /** Id of the submission to open. */
  @property() submissionId = '';

  @state() private opened?: OpenedSubmission;
  @state() private error = '';
  @state() private exportStatus = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Drop the answers as soon as the view closes.
    this.opened = undefined;
  }

  private async load(): Promise<void> {
    this.error = '';
    try {
      this.opened = await this.api.request<OpenedSubmission>('GET', `/submissions/${encodeURIComponent(this.submissionId)}`);
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The submission could not be opened; try again.';
    }

    // Focus lands on the heading either way, so a link to a missing submission reads its heading, then the error.
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('sealpost-close-submission', { bubbles: true, composed: true }));
  }

  /** Fetches the FHIR QuestionnaireResponse (the server records the export) and hands it to the browser as a file. */
  private async exportFhir(): Promise<void> {
    this.exportStatus = 'Exporting…';
    try {
      const response = await this.api.request<unknown>('GET', `/submissions/${encodeURIComponent(this.submissionId)}/export?format=fhir`);
      const url = URL.createObjectURL(new Blob([JSON.stringify(response, null, 2)], { type: 'application/fhir+json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `questionnaire-response-${this.submissionId}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 0);
      this.exportStatus = 'Downloaded the FHIR QuestionnaireResponse; the export was recorded in the audit log.';
    } catch (error) {
      this.exportStatus = error instanceof ApiError ? error.message : 'The export failed; try again.';
    }
  }

  private renderAnswer(field: Field, value: AnswerValue | undefined): string {
    if (value === undefined) return 'No answer';
    const options = 'options' in field ? field.options : [];
    const label = (choice: string) => localize(options.find((option) => option.value === choice)?.label, 'en') || choice;
    if (Array.isArray(value)) return value.length === 0 ? 'None selected' : value.map((item) => (typeof item === 'string' ? label(item) : 'group entry')).join(', ');
    if (typeof value === 'object') {
      if ('method' in value) return value.method === 'typed' ? `Signed by typing “${value.name}”` : 'Signed by drawing';
      return `File ${value.name}`;
    }
    if (typeof value === 'boolean') return value ? 'Yes' : 'No';
    return typeof value === 'string' ? label(value) : String(value);
  }

  /** Lists answers field by field: plain groups' fields in place, each repeating group entry under its own heading. */
  private renderFields(fields: Field[], answers: Answers): TemplateResult[] {
    return fields.flatMap((field) => {
      if (field.type === 'display' || field.id === CONSENT_GROUP_ID) return [];
      if (field.type === 'group' && !field.repeats) return this.renderFields(field.fields, answers);
      if (field.type === 'group') {
        const entries = Array.isArray(answers[field.id]) ? (answers[field.id] as Answers[]) : [];
        if (entries.length === 0) return [html`<dt>${localize(field.label, 'en')}</dt><dd>No answer</dd>`];
        return entries.map(
          (entry, index) => html`<dt>${localize(field.label, 'en')}, entry ${index + 1}</dt><dd><dl>${this.renderFields(field.fields, entry)}</dl></dd>`,
        );
      }
      return [html`<dt>${localize(field.label, 'en')}</dt><dd>${this.renderAnswer(field, answers[field.id])}</dd>`];
    });
  }

  /** Shows the authorization text exactly as signed, in the language the patient saw, with its hash. */
  private renderConsent(opened: OpenedSubmission): TemplateResult | typeof nothing {
    const consent = opened.consent;
    const group = formFields(opened.form).find((field) => field.id === CONSENT_GROUP_ID);
    if (!opened.form.consent || !group || group.type !== 'group') return nothing;
    if (!consent) return html`<section aria-labelledby="consent-title"><h3 id="consent-title">Signed authorization</h3><p class="error">This submission carries no record of the authorization text it signed.</p></section>`;

    const language = LANGUAGES[consent.locale] ?? consent.locale;
    const check = consent.verified
      ? html`<p class="ok">The stored text matches the SHA-256 the patient's browser computed over the text it showed, and the consent ledger records the same hash.</p>`
      : html`<p class="error" role="alert">The stored text does NOT match the hash recorded at signing; do not rely on the text below.</p>`;
    return html`
      <section aria-labelledby="consent-title">
        <h3 id="consent-title">Signed authorization</h3>
        <p>Version ${consent.formVersion}, shown in ${language}. SHA-256 <code class="hash">${consent.textSha256}</code>.</p>
        ${check}
        <blockquote class="signed-text" lang=${consent.locale}>${consent.text}</blockquote>
        <dl>${this.renderFields(group.fields, opened.answers)}</dl>
      </section>
    `;
  }

  private renderOpened(opened: OpenedSubmission) {
    const { submission, form, answers } = opened;
    return html`
      ${this.renderHeading()}
      <p>
        ${localize(form.title, 'en')} (form ${submission.formId}, version ${submission.formVersion}), received
        <time datetime=${submission.receivedAt}>${new Date(submission.receivedAt).toLocaleString()}</time>, answered in ${opened.locale}.
      </p>
      <dl>${this.renderFields(form.fields, answers)}</dl>
      ${this.renderConsent(opened)}
      <p class="status">Opening this submission was recorded in the audit log under your name.</p>
    `;
  }

  private renderHeading() {
    return html`<h2 tabindex="-1">Submission <code>${formatReceipt(this.submissionId)}</code></h2>`;
  }

  private renderBody() {
    if (this.opened) return this.renderOpened(this.opened);
    if (this.error) return html`${this.renderHeading()}<p class="error" role="alert">${this.error}</p>`;
    return html`<p class="status" role="status">Decrypting the submission…</p>`;
  }

  override render() {
    const exports = this.opened
      ? html`<a href="/v1/staff/submissions/${encodeURIComponent(this.submissionId)}/export" download>Download as JSON (recorded in the audit log)</a>
          <button class="secondary" @click=${() => void this.exportFhir()}>Export as FHIR QuestionnaireResponse</button>`
      : nothing;
    return html`
      <div class="actions"><button class="secondary" @click=${this.close}>Back to submissions</button>${exports}</div>
      <p class="status" role="status">${this.exportStatus}</p>
      ${this.renderBody()}
    `;
  }
}

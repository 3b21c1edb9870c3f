import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { isAnswerField, type AnswerValue, type Field, type FormDefinition } from '../../sdk/form-definition';
import { formatReceipt } from '../../sdk/ids';
import { localize } from '../../sdk/localize';
import { ApiError, type ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';

interface OpenedSubmission {
  submission: { id: string; formId: string; formVersion: number; receivedAt: string };
  form: FormDefinition;
  locale: string;
  answers: Record<string, AnswerValue>;
}

/**
 * One decrypted submission, its answers laid out under the labels of the
 * form version the patient answered. Opening it writes an audit entry on
 * the server. Fires `sealpost-close-submission` to go back to the inbox.
 */
@customElement('sealpost-submission')
export class SealpostSubmission extends LitElement {
  static override styles = sharedStyles;

  /** Client for the staff API. */
  @property({ attribute: false }) api!: ConsoleApi;

  /** Id of the submission to open. */
  @property() submissionId = '';

  @state() private opened?: OpenedSubmission;
  @state() private error = '';

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
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The submission could not be opened; try again.';
    }
  }

  private close(): void {
    this.dispatchEvent(new CustomEvent('sealpost-close-submission', { bubbles: true, composed: true }));
  }

  private renderAnswer(field: Field, value: AnswerValue | undefined): string {
    if (value === undefined) return 'No answer';
    const options = 'options' in field ? field.options : [];
    const label = (choice: string) => localize(options.find((option) => option.value === choice)?.label, 'en') || choice;
    // NOTE: entries of repeating groups are summarised, not laid out field by field as the CLI does.
    if (Array.isArray(value)) return value.length === 0 ? 'None selected' : value.map((item) => (typeof item === 'string' ? label(item) : 'group entry')).join(', ');
    if (typeof value === 'object') return 'name' in value ? `File ${String(value.name)}` : 'Signature';
    if (typeof value === 'boolean') return value ? 'Yes' : 'No';
    return typeof value === 'string' ? label(value) : String(value);
  }

  private renderOpened(opened: OpenedSubmission) {
    const { submission, form, answers } = opened;
    return html`
      <h2 tabindex="-1">Submission <code>${formatReceipt(submission.id)}</code></h2>
      <p>
        ${localize(form.title, 'en')} (form ${submission.formId}, version ${submission.formVersion}), received
        <time datetime=${submission.receivedAt}>${new Date(submission.receivedAt).toLocaleString()}</time>, answered in ${opened.locale}.
      </p>
      <dl>
        ${form.fields.filter(isAnswerField).map((field) => html`<dt>${localize(field.label, 'en')}</dt><dd>${this.renderAnswer(field, answers[field.id])}</dd>`)}
      </dl>
      <p class="status">Opening this submission was recorded in the audit log under your name.</p>
    `;
  }

  private renderBody() {
    if (this.opened) return this.renderOpened(this.opened);
    if (this.error) return nothing;
    return html`<p class="status" role="status">Decrypting the submission…</p>`;
  }

  override render() {
    return html`
      <p><button class="secondary" @click=${this.close}>Back to submissions</button>
        ${this.opened ? html`<a href="/v1/staff/submissions/${encodeURIComponent(this.submissionId)}/export" download>Download as JSON (recorded in the audit log)</a>` : nothing}</p>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.renderBody()}
    `;
  }
}

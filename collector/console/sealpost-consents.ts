import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { formatReceipt } from '../../sdk/ids';
import { ApiError, type ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';

/** One consent ledger row: the text signed, when, and by which submission. It names no patient. */
interface ConsentRow {
  seq: number;
  formId: string;
  formVersion: number;
  locale: string;
  textSha256: string;
  signedAt: string;
  submissionId: string;
}

const PAGE_SIZE = 50;

/**
 * The consent ledger, newest first: each signed consent with the form
 * version, language and SHA-256 of the text the patient saw. Opening a row
 * shows the submission, which decrypts it and writes an audit entry.
 */
@customElement('sealpost-consents')
export class SealpostConsents extends LitElement {
  static override styles = [sharedStyles];

  /** Client for the staff API. */
  @property({ attribute: false }) api!: ConsoleApi;

  @state() private rows: ConsentRow[] = [];
  @state() private loading = true;
  @state() private error = '';
  @state() private nextBefore: number | null = null;
  @state() private formFilter = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(before?: number): Promise<void> {
    this.loading = true;
    this.error = '';
    try {
      const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (before) params.set('before', String(before));
      if (this.formFilter) params.set('form', this.formFilter);
      const page = await this.api.request<{ items: ConsentRow[]; nextBefore: number | null }>('GET', `/consents?${params.toString()}`);
      this.rows = before ? [...this.rows, ...page.items] : page.items;
      this.nextBefore = page.nextBefore;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The consent ledger could not be loaded; check the connection and try again.';
    } finally {
      this.loading = false;
    }
  }

  private applyFilter(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.formFilter = String(data.get('form') ?? '').trim();
    this.rows = [];
    void this.load();
  }

  private open(submissionId: string): void {
    this.dispatchEvent(new CustomEvent('sealpost-open-submission', { detail: { id: submissionId }, bubbles: true, composed: true }));
  }

  private renderTable() {
    if (this.rows.length === 0) {
      return html`<p class="status">${this.formFilter ? `No consents were signed on the form "${this.formFilter}".` : 'No consents have been signed yet.'}</p>`;
    }

    return html`
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Signed</th>
            <th scope="col">Form</th>
            <th scope="col">Version</th>
            <th scope="col">Language</th>
            <th scope="col">Text SHA-256</th>
            <th scope="col">Submission</th>
          </tr>
        </thead>
        <tbody>
          ${this.rows.map(
            (row) => html`<tr>
              <td>${row.seq}</td>
              <td><time datetime=${row.signedAt}>${new Date(row.signedAt).toLocaleString()}</time></td>
              <td>${row.formId}</td>
              <td>${row.formVersion}</td>
              <td>${row.locale}</td>
              <td><code title=${row.textSha256}>${row.textSha256.slice(0, 12)}…</code></td>
              <td><button class="secondary" @click=${() => this.open(row.submissionId)} aria-label=${`Open submission ${formatReceipt(row.submissionId)}`}>Open</button></td>
            </tr>`,
          )}
        </tbody>
      </table>
    `;
  }

  override render() {
    return html`
      <h2>Consent ledger</h2>
      <form @submit=${this.applyFilter} aria-label="Consent ledger filter">
        <label for="consent-form">Form id</label>
        <input id="consent-form" name="form" .value=${this.formFilter} placeholder="any form" />
        <button type="submit" ?disabled=${this.loading}>Filter</button>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error} <button class="secondary" @click=${() => this.load()}>Retry</button></p>` : nothing}
      ${this.loading && this.rows.length === 0 ? html`<p class="status" role="status">Loading the consent ledger…</p>` : this.renderTable()}
      ${this.nextBefore ? html`<p><button class="secondary" ?disabled=${this.loading} @click=${() => this.load(this.nextBefore!)}>Load older consents</button></p>` : nothing}
    `;
  }
}

import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { formatReceipt } from '../../sdk/ids';
import { ApiError, type ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';

interface SubmissionRow {
  id: string;
  formId: string;
  formVersion: number;
  receivedAt: string;
}

const PAGE_SIZE = 20;

/**
 * Submissions inbox: form, version and time received, newest first, a page
 * at a time. Nothing here is decrypted. Fires `sealpost-open-submission`
 * with the submission id when a row is opened.
 */
@customElement('sealpost-inbox')
export class SealpostInbox extends LitElement {
  static override styles = sharedStyles;

  /** Client for the staff API. */
  @property({ attribute: false }) api!: ConsoleApi;

  @state() private rows: SubmissionRow[] = [];
  @state() private loading = true;
  @state() private error = '';
  @state() private nextCursor: string | null = null;
  // Cursors of the pages before this one; the first page has the empty cursor.
  @state() private previous: string[] = [];
  private cursor = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load('');
  }

  private async load(cursor: string): Promise<void> {
    this.loading = true;
    this.error = '';
    try {
      const query = `?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await this.api.request<{ items: SubmissionRow[]; nextCursor: string | null }>('GET', `/submissions${query}`);
      this.rows = page.items;
      this.nextCursor = page.nextCursor;
      this.cursor = cursor;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The submissions could not be loaded; try again.';
    } finally {
      this.loading = false;
    }
  }

  private nextPage(): void {
    if (!this.nextCursor) return;
    this.previous = [...this.previous, this.cursor];
    void this.load(this.nextCursor);
  }

  private previousPage(): void {
    const cursor = this.previous.at(-1) ?? '';
    this.previous = this.previous.slice(0, -1);
    void this.load(cursor);
  }

  private open(id: string): void {
    this.dispatchEvent(new CustomEvent('sealpost-open-submission', { detail: { id }, bubbles: true, composed: true }));
  }

  private renderTable() {
    if (this.rows.length === 0) return html`<p class="status">No submissions yet. They appear here as patients send forms.</p>`;
    return html`
      <table>
        <caption class="status">Page ${this.previous.length + 1}, newest first</caption>
        <thead>
          <tr><th scope="col">Receipt</th><th scope="col">Form</th><th scope="col">Version</th><th scope="col">Received</th><th scope="col"><span class="status">Action</span></th></tr>
        </thead>
        <tbody>
          ${this.rows.map(
            (row) => html`
              <tr>
                <td><code>${formatReceipt(row.id)}</code></td>
                <td>${row.formId}</td>
                <td>${row.formVersion}</td>
                <td><time datetime=${row.receivedAt}>${new Date(row.receivedAt).toLocaleString()}</time></td>
                <td><button class="secondary" @click=${() => this.open(row.id)} aria-label="Open submission ${formatReceipt(row.id)}">Open</button></td>
              </tr>
            `,
          )}
        </tbody>
      </table>
    `;
  }

  private renderBody() {
    if (this.loading) return html`<p class="status" role="status">Loading submissions…</p>`;
    if (this.error) return nothing;
    return this.renderTable();
  }

  override render() {
    return html`
      <h2>Submissions</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error} <button class="secondary" @click=${() => this.load(this.cursor)}>Retry</button></p>` : nothing}
      ${this.renderBody()}
      <p>
        <button class="secondary" ?disabled=${this.loading || this.previous.length === 0} @click=${this.previousPage}>Newer</button>
        <button class="secondary" ?disabled=${this.loading || !this.nextCursor} @click=${this.nextPage}>Older</button>
      </p>
    `;
  }
}

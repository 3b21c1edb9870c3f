import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
}

type Verification = { ok: true; entries: number } | { ok: false; entries: number; seq: number; message: string };

const PAGE_SIZE = 50;

/**
 * The audit log, newest first, with the result of checking its hash chain.
 * Reviewers get only reads of submissions from the server; admins get every entry.
 */
@customElement('sealpost-audit')
export class SealpostAudit extends LitElement {
  static override styles = sharedStyles;

  /** Client for the staff API. */
  @property({ attribute: false }) api!: ConsoleApi;

  @state() private rows: AuditRow[] = [];
  @state() private verification?: Verification;
  @state() private loading = true;
  @state() private error = '';
  @state() private nextBefore: number | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(before?: number): Promise<void> {
    this.loading = true;
    this.error = '';
    try {
      const query = `?limit=${PAGE_SIZE}${before ? `&before=${before}` : ''}`;
      const [page, verification] = await Promise.all([
        this.api.request<{ items: AuditRow[]; nextBefore: number | null }>('GET', `/audit${query}`),
        this.api.request<Verification>('GET', '/audit/verification'),
      ]);
      this.rows = before ? [...this.rows, ...page.items] : page.items;
      this.nextBefore = page.nextBefore;
      this.verification = verification;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The audit log could not be loaded; try again.';
    } finally {
      this.loading = false;
    }
  }

  private renderVerification() {
    const result = this.verification;
    if (!result) return nothing;
    if (result.ok) return html`<p class="ok" role="status">Hash chain intact: all ${result.entries} entries verified.</p>`;
    return html`<p class="error" role="alert">Hash chain broken at entry ${result.seq}: ${result.message}</p>`;
  }

  private renderTable() {
    if (this.rows.length === 0) return html`<p class="status">The audit log has no entries you can see yet.</p>`;
    return html`
      <table>
        <thead>
          <tr><th scope="col">#</th><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Subject</th></tr>
        </thead>
        <tbody>
          ${this.rows.map(
            (row) => html`<tr>
              <td>${row.seq}</td>
              <td><time datetime=${row.at}>${new Date(row.at).toLocaleString()}</time></td>
              <td>${row.actor}</td>
              <td>${row.action}</td>
              <td>${row.subjectType} <code>${row.subjectId}</code></td>
            </tr>`,
          )}
        </tbody>
      </table>
    `;
  }

  override render() {
    return html`
      <h2>Audit log</h2>
      ${this.renderVerification()}
      ${this.error ? html`<p class="error" role="alert">${this.error} <button class="secondary" @click=${() => this.load()}>Retry</button></p>` : nothing}
      ${this.loading && this.rows.length === 0 ? html`<p class="status" role="status">Loading the audit log…</p>` : this.renderTable()}
      ${this.nextBefore ? html`<p><button class="secondary" ?disabled=${this.loading} @click=${() => this.load(this.nextBefore!)}>Load older entries</button></p>` : nothing}
    `;
  }
}

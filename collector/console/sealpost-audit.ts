import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';
import { formatReceipt } from '../../sdk/ids';

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  /** The account's email address for a staff actor; the actor itself otherwise. */
  actorName: string;
  action: string;
  subjectType: string;
  subjectId: string;
}

type Verification = { ok: true; entries: number } | { ok: false; entries: number; seq: number; message: string };

const PAGE_SIZE = 50;

/** Actions the collector records, offered as suggestions in the action filter. */
const KNOWN_ACTIONS = [
  'submission.decrypt',
  'submission.delete',
  'form.publish',
  'form.key_rotate',
  'form.retention_change',
  'staff.sign_in',
  'staff.sign_in_failed',
  'staff.sign_out',
  'staff.totp_enabled',
  'staff_user.create',
  'staff_user.role_change',
  'staff_user.totp_reset',
  'staff_user.password_change',
  'staff_user.password_change_failed',
  'workflow.publish',
  'workflow.delete',
  'apikey.create',
];

interface AuditFilters {
  action: string;
  actor: string;
  from: string;
  to: string;
}

/**
 * The audit log, newest first, with the result of checking its hash chain.
 * Reviewers get only reads of submissions from the server; admins get every entry.
 */
@customElement('sealpost-audit')
export class SealpostAudit extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      form.filters {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr));
        gap: 0 1rem;
        align-items: end;
        margin-bottom: 1rem;
      }
      form.filters input {
        width: 100%;
        box-sizing: border-box;
      }
      .filter-actions {
        display: flex;
        gap: 0.5rem;
      }
    `,
  ];

  /** Client for the staff API. */
  @property({ attribute: false }) api!: ConsoleApi;

  @state() private rows: AuditRow[] = [];
  @state() private verification?: Verification;
  @state() private loading = true;
  @state() private error = '';
  @state() private nextBefore: number | null = null;
  @state() private filters: AuditFilters = { action: '', actor: '', from: '', to: '' };

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
      if (this.filters.action) params.set('action', this.filters.action);
      if (this.filters.actor) params.set('actor', this.filters.actor);
      // Dates are whole days in the browser's time zone; "to" includes its day.
      if (this.filters.from) params.set('from', new Date(`${this.filters.from}T00:00:00`).toISOString());
      if (this.filters.to) params.set('to', new Date(new Date(`${this.filters.to}T00:00:00`).getTime() + 86_400_000).toISOString());
      const query = `?${params.toString()}`;
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

  private applyFilters(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    this.filters = { action: text('action'), actor: text('actor'), from: text('from'), to: text('to') };
    this.rows = [];
    void this.load();
  }

  private clearFilters(): void {
    this.filters = { action: '', actor: '', from: '', to: '' };
    this.rows = [];
    void this.load();
  }

  private renderFilters() {
    return html`
      <form class="filters" @submit=${this.applyFilters} aria-label="Audit filters">
        <div>
          <label for="action">Action</label>
          <input id="action" name="action" list="actions" .value=${this.filters.action} placeholder="any" />
          <datalist id="actions">${KNOWN_ACTIONS.map((action) => html`<option value=${action}></option>`)}</datalist>
        </div>
        <div>
          <label for="actor">Actor</label>
          <input id="actor" name="actor" .value=${this.filters.actor} placeholder="any, or staff:ID" />
        </div>
        <div>
          <label for="audit-from">From</label>
          <input id="audit-from" name="from" type="date" .value=${this.filters.from} />
        </div>
        <div>
          <label for="audit-to">To (inclusive)</label>
          <input id="audit-to" name="to" type="date" .value=${this.filters.to} />
        </div>
        <div class="filter-actions">
          <button type="submit" ?disabled=${this.loading}>Filter</button>
          <button type="button" class="secondary" ?disabled=${this.loading} @click=${this.clearFilters}>Clear</button>
        </div>
      </form>
    `;
  }

  private renderTable() {
    const filtered = Object.values(this.filters).some(Boolean);
    if (this.rows.length === 0) return html`<p class="status">${filtered ? 'No audit entries match these filters.' : 'The audit log has no entries you can see yet.'}</p>`;
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
              <td>${row.actorName}${row.actorName === row.actor ? nothing : html`<br /><small><code>${row.actor}</code></small>`}</td>
              <td>${row.action}</td>
              <td>${row.subjectType} <code>${row.subjectType === 'submission' ? formatReceipt(row.subjectId) : row.subjectId}</code></td>
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
      ${this.renderFilters()}
      ${this.error ? html`<p class="error" role="alert">${this.error} <button class="secondary" @click=${() => this.load()}>Retry</button></p>` : nothing}
      ${this.loading && this.rows.length === 0 ? html`<p class="status" role="status">Loading the audit log…</p>` : this.renderTable()}
      ${this.nextBefore ? html`<p><button class="secondary" ?disabled=${this.loading} @click=${() => this.load(this.nextBefore!)}>Load older entries</button></p>` : nothing}
    `;
  }
}

import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';

interface CountRow {
  formId: string;
  formVersion: number;
  submissions: number;
}

/** Submission counts per form and version: the figures analysts may see, without PHI. */
@customElement('sealpost-statistics')
export class SealpostStatistics extends LitElement {
  static override styles = sharedStyles;

  /** Client for the staff API. */
  @property({ attribute: false }) api!: ConsoleApi;

  @state() private rows?: CountRow[];
  @state() private error = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    this.error = '';
    try {
      this.rows = (await this.api.request<{ items: CountRow[] }>('GET', '/statistics/submissions')).items;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The statistics could not be loaded; try again.';
    }
  }

  private renderRows(rows: CountRow[]) {
    if (rows.length === 0) return html`<p class="status">No submissions yet, so there is nothing to count.</p>`;
    return html`
      <table>
        <thead><tr><th scope="col">Form</th><th scope="col">Version</th><th scope="col">Submissions</th></tr></thead>
        <tbody>${rows.map((row) => html`<tr><td>${row.formId}</td><td>${row.formVersion}</td><td>${row.submissions}</td></tr>`)}</tbody>
      </table>
    `;
  }

  private renderBody() {
    if (this.rows) return this.renderRows(this.rows);
    if (this.error) return nothing;
    return html`<p class="status" role="status">Loading statistics…</p>`;
  }

  override render() {
    return html`
      <h2>Statistics</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.renderBody()}
    `;
  }
}

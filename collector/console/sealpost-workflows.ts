import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';
import { CHART_COLORS } from './sealpost-chart';
import './sealpost-chart';

interface WorkflowRow {
  id: string;
  name: string;
  status: 'active' | 'deleted';
  version: number;
  updatedAt: string;
  trigger: string;
  steps: { id: string; type: string }[];
  runs: { active: number; completed: number; exited: number; failed: number };
}

interface FunnelStep {
  stepId: string;
  type: string | null;
  entered: number;
  completed: number;
  waiting: number;
  timedOut: number;
  exited: number;
  failed: number;
  emailsQueued: number;
  emailsSent: number;
  emailsFailed: number;
  emailsOpened: number;
  emailsClicked: number;
}

/** A row of GET /staff/templates. */
interface TemplateRow {
  id: string;
  version: number;
  publishedAt: string;
}

const FUNNEL_COLUMNS = [
  ['entered', 'Entered'],
  ['completed', 'Completed'],
  ['waiting', 'Waiting'],
  ['timedOut', 'Timed out'],
  ['exited', 'Exited'],
  ['failed', 'Failed'],
  ['emailsQueued', 'Emails queued'],
  ['emailsSent', 'Sent'],
  ['emailsFailed', 'Failed to send'],
  ['emailsOpened', 'Opened'],
  ['emailsClicked', 'Clicked'],
] as const;

/**
 * Workflows with their status and version, and for the chosen one the
 * number of contacts that reached each step, as a bar chart and a table.
 * Counts only: no contact is named.
 */
@customElement('sealpost-workflows')
export class SealpostWorkflows extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      td.number,
      th.number {
        text-align: right;
      }
      .table-scroll {
        overflow-x: auto;
      }
      figure {
        margin: 1rem 0;
      }
      figcaption {
        font-weight: 600;
      }
    `,
  ];

  /** Client for the staff API. */
  @property({ attribute: false }) api!: ConsoleApi;

  @state() private workflows?: WorkflowRow[];
  @state() private error = '';
  @state() private selected?: WorkflowRow;
  @state() private funnel?: FunnelStep[];
  @state() private funnelError = '';
  @state() private templates?: TemplateRow[];
  @state() private templatesError = '';

  private readonly timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    void this.loadTemplates();
  }

  private async loadTemplates(): Promise<void> {
    this.templatesError = '';
    try {
      this.templates = (await this.api.request<{ items: TemplateRow[] }>('GET', '/templates')).items;
    } catch (error) {
      this.templatesError = error instanceof ApiError ? error.message : 'The email templates could not be loaded; try again.';
    }
  }

  private renderTemplates() {
    if (this.templatesError) return html`<p class="error" role="alert">${this.templatesError} <button class="secondary" @click=${() => this.loadTemplates()}>Retry</button></p>`;
    if (!this.templates) return html`<p class="status" role="status">Loading email templates…</p>`;
    if (this.templates.length === 0) return html`<p class="status">No email templates are published yet. Publish one with <code>npm run sealpost -- templates publish FILE</code> or POST /v1/templates.</p>`;
    return html`
      <table>
        <thead>
          <tr><th scope="col">Template</th><th scope="col" class="number">Version</th><th scope="col">Published</th></tr>
        </thead>
        <tbody>
          ${this.templates.map(
            (template) => html`<tr>
              <th scope="row"><code>${template.id}</code></th>
              <td class="number">${template.version}</td>
              <td>${new Date(template.publishedAt).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' })}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    `;
  }

  private async load(): Promise<void> {
    this.error = '';
    try {
      this.workflows = (await this.api.request<{ items: WorkflowRow[] }>('GET', '/workflows')).items;
      const first = this.workflows.find((workflow) => workflow.status === 'active') ?? this.workflows[0];
      if (first && !this.selected) void this.open(first);
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The workflows could not be loaded; try again.';
    }
  }

  private async open(workflow: WorkflowRow): Promise<void> {
    this.selected = workflow;
    this.funnel = undefined;
    this.funnelError = '';
    try {
      const report = await this.api.get<{ funnel: FunnelStep[] }>(`/v1/reports/workflows/${encodeURIComponent(workflow.id)}?tz=${encodeURIComponent(this.timeZone)}`);
      if (this.selected === workflow) this.funnel = report.funnel;
    } catch (error) {
      if (this.selected === workflow) this.funnelError = error instanceof ApiError ? error.message : 'The funnel could not be loaded; try again.';
    }
  }

  private renderList(workflows: WorkflowRow[]) {
    if (workflows.length === 0) return html`<p class="status">No workflows are published yet. Publish one with <code>npm run sealpost -- workflows publish FILE</code> or POST /v1/workflows.</p>`;
    return html`
      <table>
        <thead>
          <tr><th scope="col">Workflow</th><th scope="col">Status</th><th scope="col" class="number">Version</th><th scope="col">Trigger</th><th scope="col" class="number">Active runs</th><th scope="col" class="number">Completed runs</th><th scope="col"><span class="status">Funnel</span></th></tr>
        </thead>
        <tbody>
          ${workflows.map(
            (workflow) => html`<tr>
              <th scope="row">${workflow.name}${workflow.name === workflow.id ? nothing : html` <code>${workflow.id}</code>`}</th>
              <td>${workflow.status === 'active' ? 'Active' : 'Deleted'}</td>
              <td class="number">${workflow.version}</td>
              <td>${workflow.trigger.replace(/_/g, ' ')}</td>
              <td class="number">${workflow.runs.active}</td>
              <td class="number">${workflow.runs.completed}</td>
              <td>
                <button class="secondary" aria-pressed=${this.selected?.id === workflow.id ? 'true' : 'false'} aria-label="Show funnel of ${workflow.name}" @click=${() => this.open(workflow)}>Show funnel</button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    `;
  }

  private renderFunnel(workflow: WorkflowRow) {
    if (this.funnelError) return html`<p class="error" role="alert">${this.funnelError} <button class="secondary" @click=${() => this.open(workflow)}>Retry</button></p>`;
    if (!this.funnel) return html`<p class="status" role="status">Loading the funnel of ${workflow.name}…</p>`;
    const steps = this.funnel;
    if (steps.every((step) => step.entered === 0)) return html`<p class="status">No contact has entered ${workflow.name} yet, so every step is at zero.</p>`;

    const summary = `Contacts that entered each step of ${workflow.name}: ${steps.map((step) => `${step.stepId} ${step.entered}`).join(', ')}.`;
    return html`
      <figure>
        <figcaption>Contacts entering each step</figcaption>
        <sealpost-chart .categories=${steps.map((step) => step.stepId)} .series=${[{ label: 'Entered', values: steps.map((step) => step.entered), color: CHART_COLORS[0]! }]} summary=${summary}></sealpost-chart>
      </figure>
      <div class="table-scroll" tabindex="0" role="region" aria-label="Funnel table">
        <table>
          <caption class="status">Every entry since the workflow was published; emails are counted by the step that sent them.</caption>
          <thead>
            <tr><th scope="col">Step</th><th scope="col">Type</th>${FUNNEL_COLUMNS.map(([, label]) => html`<th scope="col" class="number">${label}</th>`)}</tr>
          </thead>
          <tbody>
            ${steps.map(
              (step) => html`<tr>
                <th scope="row"><code>${step.stepId}</code></th>
                <td>${step.type ? step.type.replace(/_/g, ' ') : html`<span class="status">removed in a later version</span>`}</td>
                ${FUNNEL_COLUMNS.map(([key]) => html`<td class="number">${step[key]}</td>`)}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    `;
  }

  private renderBody() {
    if (this.workflows) return this.renderList(this.workflows);
    if (this.error) return nothing;
    return html`<p class="status" role="status">Loading workflows…</p>`;
  }

  override render() {
    return html`
      <h2>Workflows</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error} <button class="secondary" @click=${() => this.load()}>Retry</button></p>` : nothing}
      ${this.renderBody()}
      ${this.selected ? html`<h3>Funnel of ${this.selected.name}, version ${this.selected.version}</h3>${this.renderFunnel(this.selected)}` : nothing}
      <h3>Email templates</h3>
      ${this.renderTemplates()}
    `;
  }
}

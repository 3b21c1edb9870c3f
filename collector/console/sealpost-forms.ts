import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';

interface FormRow {
  id: string;
  title: string;
  currentVersion: number;
  updatedAt: string;
  retentionDays: number | null;
  submissions: number;
  versions: { version: number; publishedAt: string }[];
  keys?: { kid: string; createdAt: string; retiredAt: string | null; current: boolean }[];
}

/**
 * Form administration: each form with its versions, keys and retention
 * period; publishing a definition from a JSON file; rotating a form's key.
 * Every change is recorded in the audit log by the collector.
 */
@customElement('sealpost-forms')
export class SealpostForms extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      section.form {
        border: 1px solid #d0d7de;
        border-radius: 6px;
        padding: 0 1rem 1rem;
        margin-bottom: 1rem;
      }
      .inline {
        display: flex;
        gap: 0.5rem;
        align-items: end;
        flex-wrap: wrap;
      }
      .inline input {
        width: 8rem;
      }
      input[type='file'] {
        width: auto;
        border: none;
        padding-left: 0;
      }
      code.kid {
        word-break: break-all;
      }
    `,
  ];

  /** Client for the staff API. */
  @property({ attribute: false }) api!: ConsoleApi;

  @state() private forms?: FormRow[];
  @state() private error = '';
  @state() private message = '';
  @state() private publishError = '';
  @state() private busy = false;
  @state() private confirmingRotation = '';

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    this.error = '';
    try {
      this.forms = (await this.api.request<{ items: FormRow[] }>('GET', '/forms')).items;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The forms could not be loaded; try again.';
    }
  }

  private async publish(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const formElement = event.target as HTMLFormElement;
    const file = (formElement.elements.namedItem('definition') as HTMLInputElement).files?.[0];
    this.publishError = '';
    this.message = '';
    if (!file) {
      this.publishError = 'Choose a form definition file (JSON) first.';
      return;
    }

    let definition: unknown;
    try {
      definition = JSON.parse(await file.text());
    } catch {
      this.publishError = `${file.name} is not valid JSON; check the file, or export the definition again.`;
      return;
    }

    this.busy = true;
    try {
      const result = await this.api.request<{ formId: string; version: number; status: string }>('POST', '/forms', definition);
      this.message =
        result.status === 'unchanged' ? `Version ${result.version} of ${result.formId} was already published with the same content; nothing changed.` : `Published ${result.formId} version ${result.version}.`;
      formElement.reset();
      await this.load();
    } catch (error) {
      this.publishError = error instanceof ApiError ? error.message : 'The form could not be published; try again.';
    } finally {
      this.busy = false;
    }
  }

  private async rotate(form: FormRow): Promise<void> {
    this.busy = true;
    this.message = '';
    this.error = '';
    try {
      const result = await this.api.request<{ kid: string }>('POST', `/forms/${encodeURIComponent(form.id)}/keys`);
      this.message = `${form.id} now encrypts new submissions to key ${result.kid}. Earlier submissions stay readable with their own keys.`;
      this.confirmingRotation = '';
      await this.load();
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The key could not be rotated; try again.';
    } finally {
      this.busy = false;
    }
  }

  private async saveRetention(event: SubmitEvent, form: FormRow): Promise<void> {
    event.preventDefault();
    const text = String(new FormData(event.target as HTMLFormElement).get('days') ?? '').trim();
    this.busy = true;
    this.message = '';
    this.error = '';
    try {
      const result = await this.api.request<{ retentionDays: number | null }>('PATCH', `/forms/${encodeURIComponent(form.id)}/retention`, { days: text === '' ? null : Number(text) });
      this.message = result.retentionDays === null ? `Submissions of ${form.id} are kept until deleted by hand.` : `Submissions of ${form.id} older than ${result.retentionDays} days are deleted by the daily retention job.`;
      await this.load();
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The retention period could not be saved; try again.';
    } finally {
      this.busy = false;
    }
  }

  private keyState(key: NonNullable<FormRow['keys']>[number]) {
    if (key.current) return html`, <strong>encrypts new submissions</strong>`;
    if (key.retiredAt) return html`, retired <time datetime=${key.retiredAt}>${new Date(key.retiredAt).toLocaleString()}</time>, still decrypts`;
    return nothing;
  }

  private renderForms() {
    if (this.forms) return this.forms.length === 0 ? html`<p class="status">No forms are published yet.</p>` : this.forms.map((form) => this.renderForm(form));
    if (this.error) return nothing;
    return html`<p class="status" role="status">Loading forms…</p>`;
  }

  private renderForm(form: FormRow) {
    const date = (text: string) => html`<time datetime=${text}>${new Date(text).toLocaleString()}</time>`;
    const retentionId = `retention-${form.id}`;
    return html`
      <section class="form" aria-labelledby="title-${form.id}">
        <h3 id="title-${form.id}">${form.title} <code>${form.id}</code></h3>
        <p>Current version ${form.currentVersion}, ${form.submissions} stored ${form.submissions === 1 ? 'submission' : 'submissions'}.</p>
        <h4>Versions</h4>
        <ul>
          ${[...form.versions].reverse().map((version) => html`<li>Version ${version.version}, published ${date(version.publishedAt)}${version.version === form.currentVersion ? ' (current)' : ''}</li>`)}
        </ul>
        <h4>Keys</h4>
        <ul>
          ${(form.keys ?? []).map(
            (key) => html`<li><code class="kid">${key.kid}</code>: created ${date(key.createdAt)}${this.keyState(key)}</li>`,
          )}
        </ul>
        ${this.confirmingRotation === form.id
          ? html`<p role="group" aria-label="Confirm key rotation">
              Rotate the key of ${form.id}? New submissions will be encrypted to a new key; earlier ones stay readable.
              <button ?disabled=${this.busy} @click=${() => this.rotate(form)}>Rotate key</button>
              <button class="secondary" @click=${() => (this.confirmingRotation = '')}>Cancel</button>
            </p>`
          : html`<p><button class="secondary" aria-label="Rotate key of ${form.id}…" @click=${() => (this.confirmingRotation = form.id)}>Rotate key…</button></p>`}
        <h4>Retention</h4>
        <form class="inline" @submit=${(event: SubmitEvent) => this.saveRetention(event, form)}>
          <div>
            <label for=${retentionId}>Delete submissions older than (days)</label>
            <input id=${retentionId} name="days" type="number" min="1" max="36500" step="1" .value=${form.retentionDays === null ? '' : String(form.retentionDays)} aria-describedby="${retentionId}-help" />
          </div>
          <button type="submit" class="secondary" ?disabled=${this.busy}>Save retention</button>
        </form>
        <p id="${retentionId}-help" class="status">Leave empty to keep submissions. A daily job deletes expired ones; the audit log keeps an entry for each.</p>
      </section>
    `;
  }

  override render() {
    return html`
      <h2>Forms</h2>
      ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error} <button class="secondary" @click=${() => this.load()}>Reload</button></p>` : nothing}
      <form @submit=${this.publish} aria-labelledby="publish-title">
        <h3 id="publish-title">Publish a form definition</h3>
        <label for="definition">Definition file (JSON)</label>
        <input id="definition" name="definition" type="file" accept="application/json,.json" aria-describedby="publish-help" />
        <p id="publish-help" class="status">A new id creates a form with its own key; a higher version of an existing id becomes its current version.</p>
        ${this.publishError ? html`<p class="error" role="alert">${this.publishError}</p>` : nothing}
        <p><button type="submit" ?disabled=${this.busy}>Publish</button></p>
      </form>
      ${this.renderForms()}
    `;
  }
}

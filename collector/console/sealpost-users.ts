import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';
import type { SignedInUser } from './sealpost-sign-in';

interface StaffRow {
  id: string;
  email: string;
  role: SignedInUser['role'];
  totpEnabled: boolean;
  createdAt: string;
}

const ROLES: { value: SignedInUser['role']; label: string }[] = [
  { value: 'admin', label: 'Admin' },
  { value: 'reviewer', label: 'Reviewer' },
  { value: 'analyst', label: 'Analyst' },
];

/**
 * Staff accounts: list, add (with a one-time initial password), change a
 * role and reset an authenticator. The collector writes an audit entry for
 * each change.
 */
@customElement('sealpost-users')
export class SealpostUsers extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      select {
        padding: 0.3rem;
      }
      .inline {
        display: flex;
        gap: 0.75rem;
        align-items: end;
        flex-wrap: wrap;
      }
      td .inline {
        flex-wrap: nowrap;
        align-items: center;
      }
      td button {
        white-space: nowrap;
      }
      .inline input {
        width: 18rem;
      }
      .inline label {
        margin-top: 0;
      }
      .secret {
        font-size: 1.1rem;
        user-select: all;
      }
    `,
  ];

  /** Client for the staff API. */
  @property({ attribute: false }) api!: ConsoleApi;

  /** The signed-in admin; their own row is marked. */
  @property({ attribute: false }) user?: SignedInUser;

  @state() private users?: StaffRow[];
  @state() private error = '';
  @state() private message = '';
  @state() private added?: { email: string; initialPassword: string };
  @state() private confirmingReset = '';
  @state() private busy = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      this.users = (await this.api.request<{ items: StaffRow[] }>('GET', '/users')).items;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The staff accounts could not be loaded; try again.';
    }
  }

  private async run(action: () => Promise<string>): Promise<void> {
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      this.message = await action();
      await this.load();
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The change could not be saved; try again.';
    } finally {
      this.busy = false;
    }
  }

  private add(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this.added = undefined;
    return this.run(async () => {
      const result = await this.api.request<{ user: StaffRow; initialPassword: string }>('POST', '/users', { email: String(data.get('email') ?? ''), role: String(data.get('role') ?? '') });
      this.added = { email: result.user.email, initialPassword: result.initialPassword };
      form.reset();
      return `Added ${result.user.email} as ${result.user.role}.`;
    });
  }

  private changeRole(event: SubmitEvent, row: StaffRow): Promise<void> {
    event.preventDefault();
    const role = String(new FormData(event.target as HTMLFormElement).get('role') ?? '');
    return this.run(async () => {
      await this.api.request('PATCH', `/users/${encodeURIComponent(row.id)}/role`, { role });
      return `${row.email} is now ${role}.`;
    });
  }

  private resetTotp(row: StaffRow): Promise<void> {
    return this.run(async () => {
      await this.api.request('DELETE', `/users/${encodeURIComponent(row.id)}/totp`);
      this.confirmingReset = '';
      return `${row.email} sets up an authenticator app again at the next sign-in; their open sessions have ended.`;
    });
  }

  private renderRow(row: StaffRow) {
    const self = row.id === this.user?.id;
    const roleId = `role-${row.id}`;
    return html`<tr>
      <th scope="row">${row.email}${self ? html` <span class="status">(you)</span>` : nothing}</th>
      <td>
        <form class="inline" @submit=${(event: SubmitEvent) => this.changeRole(event, row)}>
          <label for=${roleId} class="visually-hidden">Role of ${row.email}</label>
          <select id=${roleId} name="role">
            ${ROLES.map((role) => html`<option value=${role.value} ?selected=${role.value === row.role}>${role.label}</option>`)}
          </select>
          <button type="submit" class="secondary" ?disabled=${this.busy} aria-label="Save role of ${row.email}">Save</button>
        </form>
      </td>
      <td>${row.totpEnabled ? 'Set up' : 'At next sign-in'}</td>
      <td><time datetime=${row.createdAt}>${new Date(row.createdAt).toLocaleDateString()}</time></td>
      <td>
        ${this.confirmingReset === row.id
          ? html`<span role="group" aria-label="Confirm authenticator reset for ${row.email}">
              <button ?disabled=${this.busy} @click=${() => this.resetTotp(row)}>Reset and sign out</button>
              <button class="secondary" @click=${() => (this.confirmingReset = '')}>Cancel</button>
            </span>`
          : html`<button class="secondary" aria-label="Reset authenticator of ${row.email}…" @click=${() => (this.confirmingReset = row.id)}>Reset authenticator…</button>`}
      </td>
    </tr>`;
  }

  override render() {
    return html`
      <h2>Staff accounts</h2>
      ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.added
        ? html`<p role="status">
            Initial password for ${this.added.email}, shown only now: <code class="secret">${this.added.initialPassword}</code>. Pass it on privately; they set up an authenticator app at first sign-in.
          </p>`
        : nothing}
      ${!this.users
        ? this.error
          ? nothing
          : html`<p class="status" role="status">Loading staff accounts…</p>`
        : html`<table>
            <thead>
              <tr><th scope="col">Email address</th><th scope="col">Role</th><th scope="col">Authenticator</th><th scope="col">Added</th><th scope="col"><span class="status">Actions</span></th></tr>
            </thead>
            <tbody>
              ${this.users.map((row) => this.renderRow(row))}
            </tbody>
          </table>`}
      <form @submit=${this.add} aria-labelledby="add-title">
        <h3 id="add-title">Add a staff account</h3>
        <div class="inline">
          <div>
            <label for="new-email">Email address</label>
            <input id="new-email" name="email" type="email" autocomplete="off" required />
          </div>
          <div>
            <label for="new-role">Role</label>
            <select id="new-role" name="role">
              ${ROLES.map((role) => html`<option value=${role.value} ?selected=${role.value === 'reviewer'}>${role.label}</option>`)}
            </select>
          </div>
          <button type="submit" ?disabled=${this.busy}>Add account</button>
        </div>
        <p class="status">Admins manage everything; reviewers read and export submissions; analysts see reports and workflow figures only.</p>
      </form>
    `;
  }
}

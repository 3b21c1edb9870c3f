import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ApiError, type ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';

/** The shortest password the collector accepts. */
const MIN_PASSWORD_LENGTH = 12;

/** The signed-in user's own account: a password change that needs the current password. */
@customElement('sealpost-account')
export class SealpostAccount extends LitElement {
  static override styles = sharedStyles;

  /** Client for the staff API. */
  @property({ attribute: false }) api!: ConsoleApi;

  @state() private error = '';
  @state() private message = '';
  @state() private busy = false;

  private async submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const currentPassword = String(data.get('current') ?? '');
    const newPassword = String(data.get('new') ?? '');
    this.error = '';
    this.message = '';
    if (newPassword !== String(data.get('repeat') ?? '')) {
      this.error = 'The new password and its repetition differ; type the same password twice.';
      return;
    }

    this.busy = true;
    try {
      const result = await this.api.request<{ endedSessions: number }>('POST', '/session/password', { currentPassword, newPassword });
      form.reset();
      this.message = `Your password is changed.${result.endedSessions > 0 ? ` ${result.endedSessions} other ${result.endedSessions === 1 ? 'session was' : 'sessions were'} signed out.` : ''}`;
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'The password could not be changed; try again.';
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`
      <h2>Your account</h2>
      <form @submit=${this.submit} aria-labelledby="password-title">
        <h3 id="password-title">Change your password</h3>
        ${this.message ? html`<p class="ok" role="status">${this.message}</p>` : nothing}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <label for="current">Current password</label>
        <input id="current" name="current" type="password" autocomplete="current-password" required />
        <label for="new">New password</label>
        <input id="new" name="new" type="password" autocomplete="new-password" minlength=${MIN_PASSWORD_LENGTH} required aria-describedby="new-help" />
        <p id="new-help" class="status">At least ${MIN_PASSWORD_LENGTH} characters; a few unrelated words work well. Your other sessions are signed out.</p>
        <label for="repeat">New password again</label>
        <input id="repeat" name="repeat" type="password" autocomplete="new-password" minlength=${MIN_PASSWORD_LENGTH} required />
        <p><button type="submit" ?disabled=${this.busy}>${this.busy ? 'Changing…' : 'Change password'}</button></p>
      </form>
    `;
  }
}

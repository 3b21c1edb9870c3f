import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import QRCode from 'qrcode';
import { ApiError, type ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';

/** Response of the sign-in route. */
type SignInAnswer =
  | { status: 'signed_in'; user: SignedInUser; idleTimeoutSeconds: number }
  | { status: 'totp_setup_required'; otpauthUri: string }
  | { status: 'totp_required' };

/** The staff member a session belongs to. */
export interface SignedInUser {
  id: string;
  role: 'admin' | 'reviewer' | 'analyst';
}

/**
 * Sign-in form: email and password, then the authenticator code. At first
 * sign-in it shows the QR code to scan before asking for the code. Fires
 * `sealpost-signed-in` with the user and the idle timeout once a session exists.
 */
@customElement('sealpost-sign-in')
export class SealpostSignIn extends LitElement {
  static override styles = sharedStyles;

  /** Client for the staff API. */
  @property({ attribute: false }) api!: ConsoleApi;

  /** A message to show above the form, such as why the last session ended. */
  @property() notice = '';

  @state() private step: 'password' | 'setup' | 'code' = 'password';
  @state() private qrImage = '';
  @state() private manualKey = '';
  @state() private error = '';
  @state() private busy = false;

  @query('h1') private heading!: HTMLElement;

  // Kept only between the password step and the code step, and cleared after.
  private email = '';
  private password = '';

  override firstUpdated(): void {
    this.heading.focus();
  }

  private async submitPassword(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.email = String(data.get('email') ?? '');
    this.password = String(data.get('password') ?? '');
    await this.send();
  }

  private async submitCode(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const code = String(new FormData(event.target as HTMLFormElement).get('code') ?? '').replace(/\s/g, '');
    await this.send(code);
  }

  private async send(code?: string): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      const answer = await this.api.request<SignInAnswer>('POST', '/session', { email: this.email, password: this.password, ...(code ? { code } : {}) });
      await this.handle(answer);
    } catch (error) {
      this.error = error instanceof ApiError ? error.message : 'Sign-in failed unexpectedly; reload the page and try again.';
    } finally {
      this.busy = false;
    }
  }

  private async handle(answer: SignInAnswer): Promise<void> {
    if (answer.status === 'signed_in') {
      this.email = '';
      this.password = '';
      this.dispatchEvent(new CustomEvent('sealpost-signed-in', { detail: { user: answer.user, idleTimeoutSeconds: answer.idleTimeoutSeconds }, bubbles: true, composed: true }));
      return;
    }

    if (answer.status === 'totp_setup_required') {
      const svg = await QRCode.toString(answer.otpauthUri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
      this.qrImage = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
      this.manualKey = new URL(answer.otpauthUri).searchParams.get('secret') ?? '';
      this.step = 'setup';
    } else {
      this.step = 'code';
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('input[name="code"]')?.focus();
  }

  private renderPasswordStep() {
    return html`
      <form @submit=${this.submitPassword}>
        <label for="email">Email address</label>
        <input id="email" name="email" type="email" autocomplete="username" required />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <p><button type="submit" ?disabled=${this.busy}>${this.busy ? 'Signing in…' : 'Sign in'}</button></p>
      </form>
    `;
  }

  private renderCodeStep() {
    const setup = this.step === 'setup';
    return html`
      ${setup
        ? html`
            <h2>Set up your authenticator app</h2>
            <p>Scan this QR code with an authenticator app, then enter the 6-digit code it shows.</p>
            <img src=${this.qrImage} width="200" height="200" alt="QR code for your authenticator app. If you cannot scan it, enter the key shown below the image." />
            <p>Key for manual entry: <code>${this.manualKey}</code></p>
          `
        : html`<p>Enter the 6-digit code from your authenticator app.</p>`}
      <form @submit=${this.submitCode}>
        <label for="code">Authenticator code</label>
        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required />
        <p><button type="submit" ?disabled=${this.busy}>${this.busy ? 'Checking…' : 'Continue'}</button></p>
      </form>
    `;
  }

  override render() {
    return html`
      <h1 tabindex="-1">Sign in to Sealpost</h1>
      ${this.notice ? html`<p class="status" role="status">${this.notice}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.step === 'password' ? this.renderPasswordStep() : this.renderCodeStep()}
    `;
  }
}

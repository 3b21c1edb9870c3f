import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { ConsoleApi } from './api-client';
import { sharedStyles } from './console-styles';
import { IdleTimer } from './idle-timer';
import './sealpost-audit';
import './sealpost-inbox';
import type { SignedInUser } from './sealpost-sign-in';
import './sealpost-sign-in';
import './sealpost-statistics';
import './sealpost-submission';

type View = 'inbox' | 'submission' | 'audit' | 'statistics';

/**
 * The staff console: sign-in, then the views the user's role allows.
 * It warns a minute before the idle timeout and, when the session ends or
 * the user signs out, removes every view, and with them any decrypted answers.
 */
@customElement('sealpost-console')
export class SealpostConsole extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      header {
        display: flex;
        gap: 1rem;
        align-items: center;
        flex-wrap: wrap;
        border-bottom: 1px solid #d0d7de;
        padding-bottom: 0.5rem;
      }
      nav {
        display: flex;
        gap: 0.5rem;
      }
      button[aria-current='page'] {
        background: #1b3a57;
        color: #fff;
      }
      main {
        max-width: 60rem;
        margin: 1rem auto;
        padding: 0 1rem;
      }
    `,
  ];

  @state() private user?: SignedInUser;
  @state() private checking = true;
  @state() private view: View = 'inbox';
  @state() private submissionId = '';
  @state() private notice = '';
  @state() private warningSeconds = 0;

  @query('dialog') private dialog?: HTMLDialogElement;

  private timer?: IdleTimer;
  private interval?: ReturnType<typeof setInterval>;

  private readonly api = new ConsoleApi({
    onActivity: () => this.timer?.touch(),
    onSessionEnded: (message) => this.endSession(message),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    void this.resume();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.interval);
  }

  /** Picks up a session that a reload left open. */
  private async resume(): Promise<void> {
    try {
      const session = await this.api.request<{ user: SignedInUser; idleTimeoutSeconds: number }>('GET', '/session');
      this.start(session.user, session.idleTimeoutSeconds);
    } catch {
      // No session: the sign-in form shows.
    } finally {
      this.checking = false;
    }
  }

  private start(user: SignedInUser, idleTimeoutSeconds: number): void {
    this.user = user;
    this.notice = '';
    this.view = user.role === 'analyst' ? 'statistics' : 'inbox';
    this.timer = new IdleTimer(idleTimeoutSeconds * 1000);
    this.timer.touch();
    clearInterval(this.interval);
    this.interval = setInterval(() => this.tick(), 1000);
  }

  private tick(): void {
    const state = this.timer?.tick();
    if (state === 'expired') return this.endSession('Your session ended after a period without activity. Sign in again to continue.');

    if (state === 'warn') {
      this.warningSeconds = this.timer!.secondsLeft();
      if (!this.dialog?.open) this.dialog?.showModal();
    } else if (this.dialog?.open) {
      this.dialog.close();
    }
  }

  private async staySignedIn(): Promise<void> {
    // Any successful request counts as activity, and the session route is the cheapest one.
    await this.api.request('GET', '/session').catch(() => undefined);
    this.dialog?.close();
  }

  private async signOut(): Promise<void> {
    await this.api.request('DELETE', '/session').catch(() => undefined);
    this.endSession('You are signed out.');
  }

  /** Forgets the user and removes every view, so no decrypted answer stays in the page. */
  private endSession(notice: string): void {
    clearInterval(this.interval);
    this.dialog?.close();
    this.timer = undefined;
    this.user = undefined;
    this.submissionId = '';
    this.notice = notice;
  }

  private show(view: View): void {
    this.view = view;
    this.submissionId = '';
  }

  private renderNav(user: SignedInUser) {
    const views: [View, string][] = user.role === 'analyst' ? [['statistics', 'Statistics']] : [['inbox', 'Submissions'], ['audit', 'Audit log'], ['statistics', 'Statistics']];
    return html`
      <header>
        <strong>Sealpost console</strong>
        <nav aria-label="Console sections">
          ${views.map(([view, label]) => html`<button class="secondary" aria-current=${this.view === view ? 'page' : 'false'} @click=${() => this.show(view)}>${label}</button>`)}
        </nav>
        <span class="status">Signed in as ${user.role}</span>
        <button @click=${this.signOut}>Sign out</button>
      </header>
    `;
  }

  private renderView() {
    switch (this.view) {
      case 'inbox':
        return html`<sealpost-inbox .api=${this.api} @sealpost-open-submission=${(event: CustomEvent<{ id: string }>) => ((this.submissionId = event.detail.id), (this.view = 'submission'))}></sealpost-inbox>`;
      case 'submission':
        return html`<sealpost-submission .api=${this.api} submissionId=${this.submissionId} @sealpost-close-submission=${() => this.show('inbox')}></sealpost-submission>`;
      case 'audit':
        return html`<sealpost-audit .api=${this.api}></sealpost-audit>`;
      case 'statistics':
        return html`<sealpost-statistics .api=${this.api}></sealpost-statistics>`;
    }
  }

  private renderWarning() {
    return html`
      <dialog aria-labelledby="idle-title" aria-describedby="idle-text">
        <h2 id="idle-title">Are you still there?</h2>
        <p id="idle-text">You will be signed out in ${this.warningSeconds} seconds because of inactivity.</p>
        <button autofocus @click=${this.staySignedIn}>Stay signed in</button>
        <button class="secondary" @click=${this.signOut}>Sign out now</button>
      </dialog>
    `;
  }

  override render() {
    if (this.checking) return html`<main><p class="status" role="status">Loading the console…</p></main>`;
    if (!this.user) {
      return html`<main>
        <sealpost-sign-in .api=${this.api} notice=${this.notice} @sealpost-signed-in=${(event: CustomEvent<{ user: SignedInUser; idleTimeoutSeconds: number }>) => this.start(event.detail.user, event.detail.idleTimeoutSeconds)}></sealpost-sign-in>
      </main>`;
    }
    return html`${this.renderNav(this.user)}
      <main>${this.renderView()}</main>
      ${this.renderWarning()}`;
  }
}

import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { formatReceipt } from '../../sdk/ids';
import { ConsoleApi } from './api-client';
import { formatRoute, parseRoute, type ConsoleRoute, type View } from './console-route';
import { sharedStyles } from './console-styles';
import { IdleTimer } from './idle-timer';
import './sealpost-account';
import './sealpost-audit';
import './sealpost-consents';
import './sealpost-forms';
import './sealpost-inbox';
import type { SignedInUser } from './sealpost-sign-in';
import './sealpost-sign-in';
import './sealpost-statistics';
import './sealpost-submission';
import './sealpost-users';

/** The sections shown to each role, in navigation order. */
const SECTIONS: Record<SignedInUser['role'], [View, string][]> = {
  admin: [
    ['inbox', 'Submissions'],
    ['consents', 'Consent ledger'],
    ['audit', 'Audit log'],
    ['statistics', 'Statistics'],
    ['reports', 'Reports'],
    ['workflows', 'Workflows'],
    ['forms', 'Forms'],
    ['users', 'Users'],
    ['account', 'Your account'],
  ],
  reviewer: [
    ['inbox', 'Submissions'],
    ['consents', 'Consent ledger'],
    ['audit', 'Audit log'],
    ['statistics', 'Statistics'],
    ['account', 'Your account'],
  ],
  analyst: [
    ['reports', 'Reports'],
    ['workflows', 'Workflows'],
    ['statistics', 'Statistics'],
    ['account', 'Your account'],
  ],
};

/** Returns the name of a section as its button shows it. An open submission belongs to Submissions. */
function sectionName(view: View): string {
  const section = view === 'submission' ? 'inbox' : view;
  return Object.values(SECTIONS).flat().find(([candidate]) => candidate === section)![1];
}

/** Returns whether a role may see a page. An open submission belongs to the Submissions page. */
function roleMaySee(role: SignedInUser['role'], view: View): boolean {
  const views = SECTIONS[role].map(([section]) => section);
  return views.includes(view === 'submission' ? 'inbox' : view);
}

/**
 * Views whose code is loaded when first opened. Both draw charts with uPlot,
 * which no other view needs, so the console's first load stays small.
 */
const LAZY_VIEWS: Partial<Record<View, () => Promise<unknown>>> = {
  reports: () => import('./sealpost-reports'),
  workflows: () => import('./sealpost-workflows'),
};

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
      .account {
        display: flex;
        gap: 0.75rem;
        align-items: center;
        margin-left: auto;
      }
      header h1 {
        margin: 0;
        font-size: 1.15rem;
      }
      nav {
        display: flex;
        flex-wrap: wrap;
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
      .route-notice p {
        border-left: 4px solid #2f5d8a;
        padding: 0.25rem 0.75rem;
      }
    `,
  ];

  @state() private user?: SignedInUser;
  @state() private checking = true;
  @state() private view: View = 'inbox';
  @state() private submissionId = '';
  @state() private notice = '';
  /** Notice that the page shown is not the one the URL requested, or empty. */
  @state() private routeNotice = '';
  @state() private warningSeconds = 0;
  @state() private loadedViews = new Set<View>();
  @state() private viewLoadError = '';

  @query('dialog') private dialog?: HTMLDialogElement;

  private timer?: IdleTimer;
  private interval?: ReturnType<typeof setInterval>;

  private readonly api = new ConsoleApi({
    onActivity: () => this.timer?.touch(),
    onSessionEnded: (message) => this.endSession(message),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    void this.resume();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
    clearInterval(this.interval);
  }

  override updated(): void {
    document.title = `${this.pageTitle()} – Sealpost console`;
  }

  /**
   * Shows the page that Back, Forward or an edited fragment names. While
   * signed out the sign-in form stays, and signing in opens the page the
   * URL names then.
   */
  private readonly onPopState = (): void => {
    if (this.user) this.openRoute(location.hash);
  };

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
    this.openRoute(location.hash);
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
    // The next person to sign in starts on their own role's first page, not on the page left open.
    history.replaceState(null, '', location.pathname + location.search);
    this.endSession('You are signed out.');
  }

  /**
   * Forgets the user and removes every view, so no decrypted answer stays in
   * the page. The URL keeps its fragment, so after an expired session the
   * next sign-in returns to the same page.
   */
  private endSession(notice: string): void {
    clearInterval(this.interval);
    this.dialog?.close();
    this.timer = undefined;
    this.user = undefined;
    this.submissionId = '';
    this.routeNotice = '';
    this.notice = notice;
  }

  /**
   * Shows the page a URL fragment names. An empty fragment, an unknown
   * address or a page the role may not see shows the role's first page, and
   * the URL is replaced to name the page shown. The last two add a notice.
   */
  private openRoute(hash: string): void {
    const role = this.user!.role;
    const landing: ConsoleRoute = { view: SECTIONS[role][0]![0] };
    const requested = parseRoute(hash);

    let route = landing;
    let notice = '';
    if (requested === 'unknown') notice = `The console has no page at this address, so it shows ${sectionName(landing.view)}.`;
    else if (requested && !roleMaySee(role, requested.view)) notice = `The ${sectionName(requested.view)} page is not available to the ${role} role, so the console shows ${sectionName(landing.view)}.`;
    else if (requested) route = requested;

    if (route === landing) history.replaceState(null, '', formatRoute(landing));
    this.show(route);

    // The status region is rendered first and filled after, so screen readers announce the notice.
    void this.updateComplete.then(() => (this.routeNotice = notice));
  }

  /** Moves to a page from the console's own buttons, as a new history entry. */
  private go(route: ConsoleRoute): void {
    const fragment = formatRoute(route);
    if (location.hash !== fragment) history.pushState(null, '', fragment);
    this.show(route);
  }

  private show(route: ConsoleRoute): void {
    const view = route.view;
    this.view = view;
    this.submissionId = route.submissionId ?? '';
    this.viewLoadError = '';
    this.routeNotice = '';

    const load = LAZY_VIEWS[view];
    if (load && !this.loadedViews.has(view)) {
      load().then(
        () => {
          this.loadedViews = new Set([...this.loadedViews, view]);
          void this.focusHeading(view);
        },
        () => (this.viewLoadError = 'This page could not be loaded; check your connection and reload the console.'),
      );
    } else if (view !== 'submission') {
      // An open submission focuses its own heading once its answers are decrypted.
      void this.focusHeading(view);
    }
  }

  /**
   * Moves focus to the heading of the page just shown, so keyboard and
   * screen reader users start there whether they came by button, Back,
   * Forward, reload or a link.
   */
  private async focusHeading(view: View): Promise<void> {
    await this.updateComplete;
    const element = this.renderRoot.querySelector('main')?.lastElementChild;
    if (this.view !== view || !(element instanceof LitElement)) return;

    await element.updateComplete;
    const heading = element.renderRoot.querySelector<HTMLElement>('h2');
    if (!heading) return;
    // tabindex -1 lets a script focus the heading without adding it to the Tab order.
    heading.tabIndex = -1;
    heading.focus();
  }

  /** Returns the name of the page shown, for the document title. */
  private pageTitle(): string {
    if (this.checking) return 'Loading';
    if (!this.user) return 'Sign in';
    if (this.view === 'submission') return `Submission ${formatReceipt(this.submissionId)}`;
    return sectionName(this.view);
  }

  private renderNav(user: SignedInUser) {
    const views = SECTIONS[user.role];
    return html`
      <header>
        <h1>Sealpost console</h1>
        <nav aria-label="Console sections">
          ${views.map(([view, label]) => html`<button class="secondary" aria-current=${this.view === view ? 'page' : 'false'} @click=${() => this.go({ view })}>${label}</button>`)}
        </nav>
        <div class="account">
          <span class="status">Signed in as ${user.role}</span>
          <button @click=${this.signOut}>Sign out</button>
        </div>
      </header>
    `;
  }

  private renderView() {
    switch (this.view) {
      case 'inbox':
        return html`<sealpost-inbox .api=${this.api} @sealpost-open-submission=${this.openSubmission}></sealpost-inbox>`;
      case 'submission':
        // Keyed, so Back from one open submission to another loads the other one.
        return keyed(this.submissionId, html`<sealpost-submission .api=${this.api} submissionId=${this.submissionId} @sealpost-close-submission=${() => this.go({ view: 'inbox' })}></sealpost-submission>`);
      case 'consents':
        return html`<sealpost-consents .api=${this.api} @sealpost-open-submission=${this.openSubmission}></sealpost-consents>`;
      case 'audit':
        return html`<sealpost-audit .api=${this.api}></sealpost-audit>`;
      case 'statistics':
        return html`<sealpost-statistics .api=${this.api}></sealpost-statistics>`;
      case 'forms':
        return html`<sealpost-forms .api=${this.api}></sealpost-forms>`;
      case 'users':
        return html`<sealpost-users .api=${this.api} .user=${this.user}></sealpost-users>`;
      case 'account':
        return html`<sealpost-account .api=${this.api}></sealpost-account>`;
      case 'reports':
      case 'workflows':
        if (this.viewLoadError) return html`<p class="error" role="alert">${this.viewLoadError}</p>`;
        if (!this.loadedViews.has(this.view)) return html`<p class="status" role="status">Loading the ${this.view} page…</p>`;
        return this.view === 'reports' ? html`<sealpost-reports .api=${this.api}></sealpost-reports>` : html`<sealpost-workflows .api=${this.api}></sealpost-workflows>`;
    }
  }

  private readonly openSubmission = (event: CustomEvent<{ id: string }>): void => this.go({ view: 'submission', submissionId: event.detail.id });

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
      <main>
        <div class="route-notice" role="status">${this.routeNotice ? html`<p>${this.routeNotice}</p>` : nothing}</div>
        ${this.renderView()}
      </main>
      ${this.renderWarning()}`;
  }
}

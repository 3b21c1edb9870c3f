import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { DEFAULT_IDLE_TIMEOUT_SECONDS, IdleTimer, systemClock, type Clock } from '../../sdk/idle-timer';

/**
 * Returns the idle limit in seconds: the page's `idle-timeout` when it is a
 * whole number from 60 to 86400, else the form's, else 10 minutes.
 *
 * @example
 * idleLimit(undefined, 300); // 300
 */
export function idleLimit(fromPage: number | undefined, fromForm: number | undefined): number {
  if (fromPage !== undefined && Number.isSafeInteger(fromPage) && fromPage >= 60 && fromPage <= 86_400) return fromPage;
  return fromForm ?? DEFAULT_IDLE_TIMEOUT_SECONDS;
}

/** Form app that an idle session clears on expiry or when the page comes back from the back/forward cache. */
export interface IdleSessionHost extends ReactiveControllerHost, HTMLElement {
  /** Wipes every answer from memory and the DOM; `reason` names the cause. */
  clearSession(reason: 'timeout' | 'restored'): void;
}

// Patient activity that keeps the session alive. Pointer movement alone does not count.
const ACTIVITY_EVENTS = ['input', 'keydown', 'pointerdown'] as const;

/**
 * Runs the idle timer of a form app: listens for activity inside it, exposes
 * the warning's remaining seconds for rendering, and asks the host to clear
 * the session on expiry or when the browser restores the page from its
 * back/forward cache, which would otherwise show the last answers again.
 * The warning takes focus when it opens and gives it back on "Keep working".
 */
export class IdleSession implements ReactiveController {
  /** Seconds left while the warning shows, else undefined. */
  remainingSeconds: number | undefined;
  /** Element that had focus when the warning took it, to give it back. */
  private focusBeforeWarning: Element | null = null;

  private timer: IdleTimer | undefined;
  private readonly onActivity = () => this.timer?.activity();
  private readonly onPageShow = (event: PageTransitionEvent) => {
    if (event.persisted) this.host.clearSession('restored');
  };

  constructor(
    private readonly host: IdleSessionHost,
    private readonly clock: () => Clock = () => systemClock,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    for (const type of ACTIVITY_EVENTS) this.host.addEventListener(type, this.onActivity);
    window.addEventListener('pageshow', this.onPageShow);
  }

  hostDisconnected(): void {
    for (const type of ACTIVITY_EVENTS) this.host.removeEventListener(type, this.onActivity);
    window.removeEventListener('pageshow', this.onPageShow);
    this.stop();
  }

  /** The warning takes focus once, when it opens. */
  hostUpdated(): void {
    if (this.remainingSeconds === undefined || this.focusBeforeWarning !== null) return;

    const root = this.host.shadowRoot;
    this.focusBeforeWarning = root?.activeElement ?? root?.querySelector('form') ?? null;
    root?.getElementById('keep-working')?.focus();
  }

  /** "Keep working": hides the warning, restarts the count and gives focus back to where it was. */
  keepWorking(): void {
    this.extend();
    const previous = this.focusBeforeWarning;
    this.focusBeforeWarning = null;
    void this.host.updateComplete.then(() => (previous as HTMLElement | null)?.focus?.());
  }

  /** Starts counting from now with a limit in seconds. */
  start(timeoutSeconds: number): void {
    this.stop();
    this.timer = new IdleTimer({
      timeoutSeconds,
      clock: this.clock(),
      onCountdown: (seconds) => {
        this.remainingSeconds = seconds;
        this.host.requestUpdate();
      },
      onExpire: () => {
        this.remainingSeconds = undefined;
        this.focusBeforeWarning = null;
        this.host.clearSession('timeout');
        this.timer?.start();
      },
    });
    this.timer.start();
  }

  /** Hides the warning and restarts the count, after the patient chose to keep working. */
  extend(): void {
    this.remainingSeconds = undefined;
    this.timer?.extend();
    this.host.requestUpdate();
  }

  stop(): void {
    this.timer?.stop();
    this.timer = undefined;
    this.remainingSeconds = undefined;
  }
}

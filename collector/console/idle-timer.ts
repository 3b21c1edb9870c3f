/** Seconds before the idle deadline at which the console warns. */
export const WARNING_SECONDS = 60;

/**
 * Tracks the server's idle deadline in the browser: every successful request
 * restarts it, and `tick` (called once a second) reports whether to warn
 * or to end the page's session. The server enforces the same timeout on
 * its own, so this timer only decides what the page shows.
 */
export class IdleTimer {
  private deadline = 0;

  constructor(
    private readonly idleTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Restarts the deadline after activity. */
  touch(): void {
    this.deadline = this.now() + this.idleTimeoutMs;
  }

  /** Whole seconds until the session ends without activity. */
  secondsLeft(): number {
    return Math.max(0, Math.ceil((this.deadline - this.now()) / 1000));
  }

  /** Returns what the page should do now. */
  tick(): 'active' | 'warn' | 'expired' {
    const left = this.secondsLeft();
    if (left <= 0) return 'expired';
    return left <= WARNING_SECONDS ? 'warn' : 'active';
  }
}

/** Time source and scheduler, injectable so that tests advance time without sleeping. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * The browser's own clock.
 *
 * @example
 * new IdleTimer({ timeoutSeconds: 600, clock: systemClock, onCountdown, onExpire });
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Idle limit when neither the form nor the page sets one: 10 minutes. */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 600;

/** How long before expiry the warning appears: 2 minutes, or half the limit when the limit is shorter than 4 minutes. */
export const WARNING_SECONDS = 120;

/** How often the remaining time is announced during the warning, so a screen reader is not interrupted every second. */
export const ANNOUNCE_EVERY_SECONDS = 30;

export interface IdleTimerOptions {
  timeoutSeconds: number;
  clock?: Clock;
  /** Runs when the warning starts and every {@link ANNOUNCE_EVERY_SECONDS} after, with the whole seconds left. */
  onCountdown(remainingSeconds: number): void;
  /** Runs once when the limit passes without activity. */
  onExpire(): void;
}

/**
 * Counts down an idle session: a warning before the limit, then expiry.
 * Activity restarts the count, except during the warning, which only
 * `extend()` (the patient's explicit choice) ends.
 *
 * @example
 * const timer = new IdleTimer({ timeoutSeconds: 600, onCountdown: showWarning, onExpire: wipeAnswers });
 * timer.start();
 * form.addEventListener('input', () => timer.activity());
 */
export class IdleTimer {
  private readonly clock: Clock;
  private deadline = 0;
  private handle: unknown;
  private warning = false;

  constructor(private readonly options: IdleTimerOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** True between the warning and expiry or `extend()`. */
  get warningShown(): boolean {
    return this.warning;
  }

  /** Starts or restarts the count from now. */
  start(): void {
    this.warning = false;
    this.deadline = this.clock.now() + this.options.timeoutSeconds * 1000;
    this.schedule();
  }

  /** Records patient activity; ignored during the warning. */
  activity(): void {
    if (!this.warning) this.start();
  }

  /** Ends the warning and restarts the count. */
  extend(): void {
    this.start();
  }

  stop(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);
    this.handle = undefined;
    this.warning = false;
  }

  private get warningMs(): number {
    return Math.min(WARNING_SECONDS, this.options.timeoutSeconds / 2) * 1000;
  }

  private schedule(): void {
    if (this.handle !== undefined) this.clock.clearTimeout(this.handle);

    const remaining = this.deadline - this.clock.now();
    if (remaining <= 0) return this.expire();

    const untilWarning = remaining - this.warningMs;
    if (!this.warning && untilWarning > 0) {
      this.handle = this.clock.setTimeout(() => this.schedule(), untilWarning);
      return;
    }

    this.warning = true;
    this.options.onCountdown(Math.ceil(remaining / 1000));
    this.handle = this.clock.setTimeout(() => this.schedule(), Math.min(remaining, ANNOUNCE_EVERY_SECONDS * 1000));
  }

  private expire(): void {
    this.handle = undefined;
    this.warning = false;
    this.options.onExpire();
  }
}

import type { Clock } from '../../sdk/idle-timer';

/** Seconds a kiosk shows the receipt after a submit before it starts again for the next patient. */
export const KIOSK_RESET_SECONDS = 30;

/**
 * Counts down from a kiosk's confirmation to a fresh form for the next
 * patient, on an injectable clock.
 *
 * @example
 * const reset = new KioskReset(() => clock, () => app.startOver());
 * reset.start();
 */
export class KioskReset {
  private handle: unknown;
  private clock: Clock | undefined;

  constructor(
    private readonly currentClock: () => Clock,
    private readonly onReset: () => void,
  ) {}

  /** Starts the countdown; a running one starts again. */
  start(seconds = KIOSK_RESET_SECONDS): void {
    this.stop();
    this.clock = this.currentClock();
    this.handle = this.clock.setTimeout(() => {
      this.handle = undefined;
      this.onReset();
    }, seconds * 1000);
  }

  stop(): void {
    if (this.handle !== undefined) this.clock?.clearTimeout(this.handle);
    this.handle = undefined;
  }
}

/** Source of the current time, injected so tests move time forward without sleeping. */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to; for tests of waits and time-outs. */
export class ManualClock implements Clock {
  #ms: number;

  constructor(start: Date | string = '2026-01-05T12:00:00Z') {
    this.#ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.#ms);
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#ms += ms;
  }
}

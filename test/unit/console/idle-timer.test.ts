import { describe, expect, it } from 'vitest';
import { IdleTimer, WARNING_SECONDS } from '../../../collector/console/idle-timer';

describe('IdleTimer', () => {
  function timerAt(start: number) {
    let now = start;
    const timer = new IdleTimer(15 * 60_000, () => now);
    return { timer, advance: (ms: number) => (now += ms) };
  }

  it('stays active after activity', () => {
    const { timer } = timerAt(0);
    timer.touch();
    expect(timer.tick()).toBe('active');
    expect(timer.secondsLeft()).toBe(15 * 60);
  });

  it('warns in the last minute', () => {
    const { timer, advance } = timerAt(0);
    timer.touch();
    advance((15 * 60 - WARNING_SECONDS) * 1000 - 1);
    expect(timer.tick()).toBe('active');

    advance(1);
    expect(timer.tick()).toBe('warn');
    expect(timer.secondsLeft()).toBe(WARNING_SECONDS);
  });

  it('expires at the deadline', () => {
    const { timer, advance } = timerAt(0);
    timer.touch();
    advance(15 * 60_000);
    expect(timer.tick()).toBe('expired');
    expect(timer.secondsLeft()).toBe(0);
  });

  it('restarts on activity', () => {
    const { timer, advance } = timerAt(0);
    timer.touch();
    advance(14 * 60_000 + 30_000);
    expect(timer.tick()).toBe('warn');

    timer.touch();
    expect(timer.tick()).toBe('active');
    expect(timer.secondsLeft()).toBe(15 * 60);
  });
});

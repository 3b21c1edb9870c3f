import { describe, expect, test } from 'vitest';
import { IdleTimer } from '../../../sdk/idle-timer';
import { ManualClock } from '../../support/manual-clock';

function setUp(timeoutSeconds = 600) {
  const clock = new ManualClock();
  const events: string[] = [];
  const timer = new IdleTimer({ timeoutSeconds, clock, onCountdown: (seconds) => events.push(`countdown ${seconds}`), onExpire: () => events.push('expired') });
  timer.start();
  return { clock, events, timer };
}

describe('IdleTimer', () => {
  test('warns two minutes before expiry', () => {
    const { clock, events } = setUp();
    clock.advance(479);
    expect(events).toEqual([]);

    clock.advance(1);
    expect(events).toEqual(['countdown 120']);
  });

  test('announces every 30 seconds, then expires', () => {
    const { clock, events } = setUp();
    clock.advance(600);
    expect(events).toEqual(['countdown 120', 'countdown 90', 'countdown 60', 'countdown 30', 'expired']);
  });

  test('activity restarts the count', () => {
    const { clock, events, timer } = setUp();
    clock.advance(400);
    timer.activity();
    clock.advance(400);
    expect(events).toEqual([]);
  });

  test('activity does not end the warning', () => {
    const { clock, events, timer } = setUp();
    clock.advance(500);
    timer.activity();
    clock.advance(100);
    expect(events.at(-1)).toBe('expired');
  });

  test('extend ends the warning', () => {
    const { clock, events, timer } = setUp();
    clock.advance(500);
    timer.extend();
    expect(timer.warningShown).toBe(false);
    clock.advance(479);
    expect(events).toEqual(['countdown 120']);
  });

  test('short limit warns at half', () => {
    const { clock, events } = setUp(120);
    clock.advance(60);
    expect(events).toEqual(['countdown 60']);
  });

  test('stop cancels expiry', () => {
    const { clock, events, timer } = setUp();
    timer.stop();
    clock.advance(1000);
    expect(events).toEqual([]);
  });
});

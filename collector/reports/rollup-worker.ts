import type { Database } from '../db/open-database';
import type { Logger } from '../log';
import { drainRollupQueue } from './rollup-queue';

/** How often the rollup worker drains rollup_queue, unless SEALPOST_ROLLUP_INTERVAL_MS sets another value. */
export const ROLLUP_INTERVAL_MS = 1000;

/** A running rollup worker. */
export interface RollupWorker {
  /** Drains the queue now, or waits for the pass already running. */
  runNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a loop that adds queued tracking events to the rollup tables every
 * `intervalMs`. Reports that read rollups drain the queue themselves first,
 * so the loop keeps that work small rather than making reports exact.
 * A failed pass (the database is down, say) is logged once until a pass
 * succeeds, and the loop goes on.
 */
export function startRollupWorker(options: { db: Database; logger: Logger; intervalMs?: number }): RollupWorker {
  const intervalMs = options.intervalMs ?? ROLLUP_INTERVAL_MS;
  let running: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let failures = 0;

  const pass = (): Promise<void> => {
    running ??= drainRollupQueue(options.db)
      .then(() => {
        if (failures > 0) options.logger.info({ failedPasses: failures }, 'rollup worker recovered');
        failures = 0;
      })
      .catch((error: unknown) => {
        if (failures === 0) options.logger.error({ err: error }, 'rollup worker pass failed; queued events reach the rollups once a pass succeeds');
        failures++;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void pass().then(schedule), intervalMs);
    timer.unref?.();
  };
  schedule();

  return {
    runNow: pass,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

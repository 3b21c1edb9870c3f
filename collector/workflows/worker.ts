import { fireDateTriggers } from './date-triggers';
import { claimJobs } from './job-queue';
import { runJob } from './run-job';
import type { WorkflowEngine } from './workflow-engine';

/** Claims and runs due jobs until none is due; returns how many it ran. For tests and the worker loop. */
export async function runDueJobs(engine: WorkflowEngine, batchSize = 20): Promise<number> {
  let total = 0;
  for (;;) {
    const jobs = await claimJobs(engine, batchSize);
    if (jobs.length === 0) return total;
    for (const job of jobs) await runJob(engine, job);
    total += jobs.length;
  }
}

/** A running worker loop. */
export interface WorkflowWorker {
  stop(): Promise<void>;
}

/**
 * Polls for due jobs every `pollMs` and runs them, and fires date triggers
 * every `dateScanMs`. Errors are logged and the loop goes on, so a database
 * outage delays work but does not stop it.
 */
export function startWorkflowWorker(engine: WorkflowEngine, options: { pollMs?: number; batchSize?: number; dateScanMs?: number } = {}): WorkflowWorker {
  const pollMs = options.pollMs ?? 1000;
  const dateScanMs = options.dateScanMs ?? 60_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  let lastDateScan = 0;

  const pass = async () => {
    if (Date.now() - lastDateScan >= dateScanMs) {
      lastDateScan = Date.now();
      await fireDateTriggers(engine);
    }
    await runDueJobs(engine, options.batchSize);
  };

  // A database outage fails every pass, so only the first failure and every 60th after it are logged.
  let failures = 0;
  const tick = () => {
    current = pass()
      .then(() => {
        if (failures > 0) engine.logger.info({ workerId: engine.workerId, failedPasses: failures }, 'workflow worker recovered');
        failures = 0;
      })
      .catch((error: unknown) => {
        if (failures % 60 === 0) engine.logger.error({ workerId: engine.workerId, failedPasses: failures + 1, err: error }, 'workflow worker pass failed');
        failures++;
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, pollMs);
      });
  };

  engine.logger.info({ workerId: engine.workerId, pollMs }, 'workflow worker started');
  tick();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
      engine.logger.info({ workerId: engine.workerId }, 'workflow worker stopped');
    },
  };
}

// Measures workflow step throughput and due-to-start delay on PostgreSQL,
// first with one worker process (the baseline), then with two, in one run.
//   node --import tsx test/bench/workflow-steps.ts
// A third phase feeds two workers a steady arrival of runs, for the due-to-start delay without backlog.
// BENCH_CONTACTS sets the contacts per phase (default 2000); TEST_DATABASE_URL
// the server (default postgres://postgres@127.0.0.1:5432/postgres).
import { reportResult } from './support/report';
import { randomUUID } from 'node:crypto';
import { count, eq, inArray } from 'drizzle-orm';
import { workflowJobs, workflowRuns, workflowStepRuns } from '../../collector/db/schema';
import { publishWorkflow } from '../../collector/workflows/publish-workflow';
import { freePort, startScript, type Child } from '../support/processes';
import { createTestDatabase, type TestDatabase } from '../support/test-databases';
import { insertContacts, publishSampleTemplates } from '../support/workflow-contacts';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 2000);
const STEPS = ['one', 'two', 'three'];
const MASTER_KEY = 'nT5m4Gx1yGJHnPjY1kQ0q0o9yCwq7cG3zW2oVtWl8aE';
const POLL_MS = 20;
const STEADY_SECONDS = 15;

interface PhaseResult {
  workers: number;
  steps: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
}

async function main() {
  const database = await createTestDatabase('postgres');
  try {
    const baseline = await phase(database, 1);
    const two = await phase(database, 2);
    // Half the burst throughput of two workers, arriving steadily: the delay is then polling and claiming, not backlog.
    const runsPerSecond = Math.max(1, Math.round(two.steps / two.seconds / STEPS.length / 2));
    const steady = await phase(database, 2, { runsPerSecond, seconds: STEADY_SECONDS });
    print([baseline, two], { ...steady, runsPerSecond });
  } finally {
    await database.dispose();
  }
}

/**
 * Publishes a three-step workflow, enqueues CONTACTS runs at once (or, given
 * an arrival rate, a batch every 200 ms for that many seconds), and times
 * the workers until all runs end.
 */
async function phase(database: TestDatabase, workers: number, arrival?: { runsPerSecond: number; seconds: number }): Promise<PhaseResult> {
  const workflowId = arrival ? `bench-steady-${workers}` : `bench-${workers}`;
  await publishSampleTemplates(database.db, STEPS);
  await publishWorkflow(database.db, {
    id: workflowId,
    version: 1,
    trigger: { type: 'api_event', name: `${workflowId}.start` },
    steps: STEPS.map((id, index) => ({ id, type: 'send_email', template: id, next: STEPS[index + 1] ?? null })),
  }, { actor: 'bench', resolve: async () => [] });

  const children: Child[] = [];
  try {
    for (let i = 0; i < workers; i++) children.push(await startWorker(database.url!));

    // Runs and their first jobs are inserted in bulk, so the phase measures the workers, not the triggers.
    const startedAt = new Date();
    const runIds: string[] = [];
    const enqueue = async (size: number) => {
      const contactIds = await insertContacts(database.db, MASTER_KEY, size);
      const batch = contactIds.map((contactId) => ({ contactId, runId: randomUUID() }));
      const dueAt = new Date();
      await database.db.insert(workflowRuns).values(batch.map(({ contactId, runId }) => ({ id: runId, workflowId, version: 1, contactId, entryNumber: 1, triggerKey: runId, status: 'active', startedAt: dueAt })));
      await database.db.insert(workflowJobs).values(batch.map(({ runId }) => ({ runId, stepId: STEPS[0]!, kind: 'enter', dueAt })));
      runIds.push(...batch.map(({ runId }) => runId));
    };

    if (arrival) {
      const perBatch = Math.max(1, Math.round(arrival.runsPerSecond / 5));
      for (let tick = 0; tick < arrival.seconds * 5; tick++) {
        const next = startedAt.getTime() + (tick + 1) * 200;
        await enqueue(perBatch);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
      }
    } else {
      for (let offset = 0; offset < CONTACTS; offset += 500) await enqueue(Math.min(500, CONTACTS - offset));
    }

    await waitForRunsToEnd(database);
    const seconds = (Date.now() - startedAt.getTime()) / 1000;
    const delays = await dueToStartDelays(database, runIds);
    return { workers, steps: delays.length, seconds, p50Ms: percentile(delays, 0.5), p99Ms: percentile(delays, 0.99) };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

async function startWorker(databaseUrl: string): Promise<Child> {
  // Info level, because startScript waits for the "collector started" line.
  const env = { DATABASE_URL: databaseUrl, SEALPOST_MASTER_KEY: MASTER_KEY, PORT: String(await freePort()), LOG_LEVEL: 'info', SEALPOST_WORKFLOW_POLL_MS: String(POLL_MS) };
  return startScript('collector/main.ts', env, 'collector started');
}

async function waitForRunsToEnd(database: TestDatabase) {
  for (;;) {
    const [active] = await database.db.select({ n: count() }).from(workflowRuns).where(eq(workflowRuns.status, 'active'));
    if (Number(active!.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Computes each step's delay from due to entered. A step is due when the run
 * starts (first step) or when the step before it ends, because each step
 * schedules the next with dueAt = now.
 */
async function dueToStartDelays(database: TestDatabase, runIds: string[]): Promise<number[]> {
  const runs = await database.db.select({ id: workflowRuns.id, startedAt: workflowRuns.startedAt }).from(workflowRuns).where(inArray(workflowRuns.id, runIds));
  const steps = await database.db.select().from(workflowStepRuns).where(inArray(workflowStepRuns.runId, runIds));
  const byRun = new Map<string, Map<string, typeof steps[number]>>();
  for (const step of steps) byRun.set(step.runId, (byRun.get(step.runId) ?? new Map()).set(step.stepId, step));

  const delays: number[] = [];
  for (const run of runs) {
    let dueAt = run.startedAt;
    for (const stepId of STEPS) {
      const step = byRun.get(run.id)?.get(stepId);
      if (!step) throw new Error(`Run ${run.id} never entered step ${stepId}.`);
      delays.push(step.enteredAt.getTime() - dueAt.getTime());
      dueAt = step.endedAt ?? step.enteredAt;
    }
  }
  return delays;
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
}

function print(results: PhaseResult[], steady: PhaseResult & { runsPerSecond: number }) {
  process.stdout.write(`workflow steps: ${CONTACTS} contacts x ${STEPS.length} send steps per phase, poll ${POLL_MS} ms\n`);
  process.stdout.write('workers  steps  seconds  steps/s  p50 due-to-start ms  p99 due-to-start ms\n');
  for (const result of results) {
    const line = [String(result.workers).padStart(7), String(result.steps).padStart(6), result.seconds.toFixed(1).padStart(8), (result.steps / result.seconds).toFixed(0).padStart(8), String(result.p50Ms).padStart(20), String(result.p99Ms).padStart(20)];
    process.stdout.write(`${line.join(' ')}\n`);
  }

  process.stdout.write(`steady arrival, 2 workers: ${steady.runsPerSecond} runs/s for ${STEADY_SECONDS} s, ${steady.steps} steps: p50 due-to-start ${steady.p50Ms} ms, p99 ${steady.p99Ms} ms\n`);

  // One process is the baseline; the figure is the throughput of two.
  const [one, two] = results;
  if (!one || !two) return;
  const rate = (result: PhaseResult) => Math.round(result.steps / result.seconds);
  reportResult({
    benchmark: `workflow steps (PostgreSQL, ${CONTACTS} runs x ${STEPS.length} send steps)`,
    metric: 'steps per second with 2 worker processes',
    unit: 'steps/s',
    value: rate(two),
    baselineName: '1 worker process',
    baseline: rate(one),
    ratio: rate(two) / rate(one),
    notes: `with runs arriving steadily at ${steady.runsPerSecond} runs/s (half that throughput), due-to-start delay p50 ${steady.p50Ms} ms, p99 ${steady.p99Ms} ms with 2 workers polling every ${POLL_MS} ms; with all runs queued at once the delay is backlog: p50 ${two.p50Ms} ms, p99 ${two.p99Ms} ms (1 worker: p50 ${one.p50Ms} ms, p99 ${one.p99Ms} ms)`,
  });
}

await main();

import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { contacts, workflowVersions, workflows } from '../db/schema';
import { zonedInstant } from './local-time';
import { startRun, workflowsTriggeredBy } from './start-run';
import type { WorkflowEngine } from './workflow-engine';
import type { WorkflowTrigger } from './workflow-definition';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** How far back a missed date trigger still fires: a collector down for less than this catches up. */
export const DATE_TRIGGER_LOOKBACK_MS = 86_400_000;

/**
 * Fires date triggers that fell due in the last DATE_TRIGGER_LOOKBACK_MS:
 * `offsetDays` from the contact's date attribute, at the local time `at` in
 * the contact's time zone. The trigger key contains the contact and the
 * date, so each date fires once. A changed date fires again, subject to the
 * re-entry rules. Returns the number of runs started.
 */
export async function fireDateTriggers(engine: WorkflowEngine): Promise<number> {
  const now = engine.clock.now();
  let started = 0;
  const ids = await workflowsTriggeredBy(engine, (trigger) => trigger.type === 'date');

  for (const workflowId of ids) {
    const trigger = await currentDateTrigger(engine, workflowId);
    if (!trigger) continue;

    // NOTE: reads every contact that has the attribute; a computed due-time column would let SQL filter instead.
    const rows = await engine.db
      .select({ id: contacts.id, value: sql<string>`${contacts.attributes} ->> ${trigger.attribute}`, timeZone: contacts.timeZone })
      .from(contacts)
      .where(isNotNull(sql`${contacts.attributes} ->> ${trigger.attribute}`));

    for (const row of rows) {
      const due = dueAt(row.value, trigger, row.timeZone);
      if (!due || due > now || now.getTime() - due.getTime() > DATE_TRIGGER_LOOKBACK_MS) continue;
      const outcome = await startRun(engine, { workflowId, contactId: row.id, triggerKey: `date:${row.id}:${row.value}` });
      if (outcome.status === 'started') started++;
    }
  }
  return started;
}

/** Computes when a date trigger fires for one attribute value; undefined when the value is not a real YYYY-MM-DD date. */
export function dueAt(value: string, trigger: Extract<WorkflowTrigger, { type: 'date' }>, timeZone: string): Date | undefined {
  const match = DATE.exec(value);
  if (!match) return undefined;

  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;

  const shifted = new Date(calendar.getTime() + trigger.offsetDays * 86_400_000);
  return zonedInstant({ year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() }, trigger.at, timeZone);
}

async function currentDateTrigger(engine: WorkflowEngine, workflowId: string) {
  const [row] = await engine.db
    .select({ definition: workflowVersions.definition })
    .from(workflows)
    .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.currentVersion)))
    .where(eq(workflows.id, workflowId));
  const trigger = row?.definition.trigger;
  return trigger?.type === 'date' ? trigger : undefined;
}

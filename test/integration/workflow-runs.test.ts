import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveApiEvent, receiveEmailEngagement, receiveFormSubmission } from '../../collector/workflows/receive-event';
import { fireDateTriggers } from '../../collector/workflows/date-triggers';
import { startRun } from '../../collector/workflows/start-run';
import { eq } from 'drizzle-orm';
import { workflowJobs } from '../../collector/db/schema';
import { claimJobs } from '../../collector/workflows/job-queue';
import { runJob } from '../../collector/workflows/run-job';
import { DAY, createHarness } from '../support/workflow-harness';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

const demo = JSON.parse(readFileSync(fileURLToPath(new URL('../../demo/workflows/intake-follow-up.json', import.meta.url)), 'utf8'));

/** Builds a workflow started by an API event: an email, a wait for a reply event, and a thank-you email. */
function eventWorkflow(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    version: 1,
    trigger: { type: 'api_event', name: `${id}.start` },
    steps: [
      { id: 'hello', type: 'send_email', template: 'hello', next: 'wait-reply' },
      { id: 'wait-reply', type: 'wait_for_event', event: { type: 'api_event', name: `${id}.reply` }, timeout: 'P2D', onEvent: 'thanks', onTimeout: null },
      { id: 'thanks', type: 'send_email', template: 'thanks', next: null },
    ],
    ...extra,
  };
}

describe.each(drivers)('workflow runs on %s', (driver) => {
  let database: TestDatabase;
  let harness: ReturnType<typeof createHarness>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    harness = createHarness(database);
    await harness.publish(demo);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function submitIntake(contactId: string, submissionId: string) {
    const outcome = await receiveFormSubmission(harness.engine, { formId: 'new-patient-intake', submissionId, contactId });
    return outcome.started['intake-follow-up']!;
  }

  it('demo: opened welcome ends the run', async () => {
    const contactId = await harness.contact();
    const started = await submitIntake(contactId, 'SUB-OPENED-00001');
    expect(started.status).toBe('started');
    const runId = (started as { runId: string }).runId;
    await harness.drain();

    const [welcome] = await harness.emails(runId);
    expect(welcome?.template).toBe('intake-welcome');
    await receiveEmailEngagement(harness.engine, { messageId: welcome!.messageId, kind: 'opened' });
    await harness.advance(4 * DAY);

    expect(await harness.steps(runId)).toEqual({ welcome: 'completed', 'wait-for-open': 'completed' });
    expect((await harness.run(runId)).status).toBe('completed');
    expect(await harness.emails(runId)).toHaveLength(1);
  });

  it('demo: unopened welcome gets a reminder after 3 days', async () => {
    const contactId = await harness.contact();
    const runId = ((await submitIntake(contactId, 'SUB-REMIND-00001')) as { runId: string }).runId;
    await harness.drain();

    await harness.advance(3 * DAY - 1000);
    expect((await harness.emails(runId)).map((email) => email.template)).toEqual(['intake-welcome']);

    await harness.advance(2000);
    expect((await harness.emails(runId)).map((email) => email.template).sort()).toEqual(['intake-reminder', 'intake-welcome']);
    expect((await harness.steps(runId))['wait-for-open']).toBe('timed_out');
  });

  it('demo: reminder click adds segment and calls webhook', async () => {
    const contactId = await harness.contact();
    const runId = ((await submitIntake(contactId, 'SUB-CLICKED-0001')) as { runId: string }).runId;
    await harness.drain();
    await harness.advance(3 * DAY + 1000);
    const reminder = (await harness.emails(runId)).find((email) => email.template === 'intake-reminder')!;
    const before = harness.requests.length;

    await receiveEmailEngagement(harness.engine, { messageId: reminder.messageId, kind: 'clicked' });
    await harness.drain();

    expect(await harness.segments(contactId)).toEqual(['engaged']);
    expect(harness.requests.length).toBe(before + 1);
    expect(JSON.parse(harness.requests.at(-1)!.body)).toMatchObject({ workflowId: 'intake-follow-up', stepId: 'notify-clinic', contactId });
    expect((await harness.run(runId)).status).toBe('completed');
  });

  it('ignores machine opens and scanner clicks', async () => {
    const contactId = await harness.contact();
    const runId = ((await submitIntake(contactId, 'SUB-MACHINE-0001')) as { runId: string }).runId;
    await harness.drain();
    const [welcome] = await harness.emails(runId);

    const outcome = await receiveEmailEngagement(harness.engine, { messageId: welcome!.messageId, kind: 'opened', machine: true });
    expect(outcome.ignored).toBe('machine');
    await harness.advance(3 * DAY + 1000);

    expect((await harness.steps(runId))['wait-for-open']).toBe('timed_out');
    expect(await harness.emails(runId)).toHaveLength(2);
  });

  it('starts one run per submission id', async () => {
    const contactId = await harness.contact();
    const first = await submitIntake(contactId, 'SUB-DUPLICATE-01');
    const again = await submitIntake(contactId, 'SUB-DUPLICATE-01');

    expect(first.status).toBe('started');
    expect(again).toEqual({ status: 'duplicate', runId: (first as { runId: string }).runId });
  });

  it('starts one run per API event id', async () => {
    await harness.publish(eventWorkflow('api-idempotent', { reentry: { allowed: true } }));
    const contactId = await harness.contact();
    const first = await receiveApiEvent(harness.engine, { name: 'api-idempotent.start', contactId, eventId: 'evt-0000001' });
    await harness.drain();
    const again = await receiveApiEvent(harness.engine, { name: 'api-idempotent.start', contactId, eventId: 'evt-0000001' });

    expect(first.started['api-idempotent']?.status).toBe('started');
    expect(again.started['api-idempotent']?.status).toBe('duplicate');
  });

  it('concurrent duplicate triggers start one run', async () => {
    await harness.publish(eventWorkflow('concurrent', { reentry: { allowed: true } }));
    const contactId = await harness.contact();
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => startRun(harness.engine, { workflowId: 'concurrent', contactId, triggerKey: 'same-event' })));

    expect(outcomes.filter((outcome) => outcome.status === 'started')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'duplicate')).toHaveLength(9);
  });

  it('refuses re-entry by default', async () => {
    const contactId = await harness.contact();
    const first = await submitIntake(contactId, 'SUB-REENTRY-0001');
    await harness.drain();
    await harness.advance(30 * DAY);
    const second = await submitIntake(contactId, 'SUB-REENTRY-0002');

    expect(first.status).toBe('started');
    expect(second.status).toBe('reentry_disallowed');
  });

  it('re-entry waits for run end and interval', async () => {
    await harness.publish(eventWorkflow('reentry-interval', { reentry: { allowed: true, minimumInterval: 'P7D' } }));
    const contactId = await harness.contact();
    const start = (eventId: string) => startRun(harness.engine, { workflowId: 'reentry-interval', contactId, triggerKey: eventId });

    const first = await start('e1');
    await harness.drain();
    expect((await start('e2')).status).toBe('already_running');

    await harness.advance(2 * DAY + 1000);
    expect((await harness.run((first as { runId: string }).runId)).status).toBe('completed');
    expect((await start('e3')).status).toBe('reentry_too_soon');

    await harness.advance(7 * DAY);
    const later = await start('e4');
    expect(later).toMatchObject({ status: 'started', entryNumber: 2 });
    await harness.drain();
    expect(await harness.emails((later as { runId: string }).runId)).toHaveLength(1);
  });

  it('keeps running contacts on their version', async () => {
    await harness.publish(eventWorkflow('pinned'));
    const contactId = await harness.contact();
    const old = (await startRun(harness.engine, { workflowId: 'pinned', contactId, triggerKey: 'p1' })) as { runId: string };
    await harness.drain();

    const edited = eventWorkflow('pinned', { version: 2 });
    (edited.steps[2] as { template: string }).template = 'thanks-v2';
    await harness.publish(edited);
    const other = await harness.contact();
    const fresh = (await startRun(harness.engine, { workflowId: 'pinned', contactId: other, triggerKey: 'p2' })) as { runId: string };
    await harness.drain();
    await receiveApiEvent(harness.engine, { name: 'pinned.reply', contactId, eventId: 'reply-1' });
    await receiveApiEvent(harness.engine, { name: 'pinned.reply', contactId: other, eventId: 'reply-2' });
    await harness.drain();

    expect((await harness.run(old.runId)).version).toBe(1);
    expect((await harness.emails(old.runId)).map((email) => email.template).sort()).toEqual(['hello', 'thanks']);
    expect((await harness.run(fresh.runId)).version).toBe(2);
    expect((await harness.emails(fresh.runId)).map((email) => email.template).sort()).toEqual(['hello', 'thanks-v2']);
  });

  it('deleting a workflow ends waiting runs unsent', async () => {
    const { deleteWorkflow } = await import('../../collector/workflows/publish-workflow');
    await harness.publish(eventWorkflow('deleted'));
    const contactId = await harness.contact();
    const run = (await startRun(harness.engine, { workflowId: 'deleted', contactId, triggerKey: 'd1' })) as { runId: string };
    await harness.drain();

    expect(await deleteWorkflow(database.db, 'deleted', { actor: 'test', now: harness.clock.now() })).toEqual({ endedRuns: 1 });
    await receiveApiEvent(harness.engine, { name: 'deleted.reply', contactId, eventId: 'd-reply' });
    await harness.advance(3 * DAY);

    expect(await harness.run(run.runId)).toMatchObject({ status: 'exited', endReason: 'workflow_deleted' });
    expect(await harness.steps(run.runId)).toEqual({ hello: 'completed', 'wait-reply': 'exited' });
    expect((await harness.emails(run.runId)).map((email) => email.template)).toEqual(['hello']);
    expect((await startRun(harness.engine, { workflowId: 'deleted', contactId, triggerKey: 'd2' })).status).toBe('not_found');
  });

  it('deleting a step ends runs waiting there', async () => {
    await harness.publish(eventWorkflow('step-removed'));
    const contactId = await harness.contact();
    const run = (await startRun(harness.engine, { workflowId: 'step-removed', contactId, triggerKey: 's1' })) as { runId: string };
    await harness.drain();

    const edited = { ...eventWorkflow('step-removed'), version: 2, steps: [{ id: 'hello', type: 'send_email', template: 'hello', next: null }] };
    expect((await harness.publish(edited)).endedRuns).toBe(1);
    await harness.advance(3 * DAY);

    expect(await harness.run(run.runId)).toMatchObject({ status: 'exited', endReason: 'step_deleted' });
    expect(await harness.emails(run.runId)).toHaveLength(1);
  });

  it('a loop runs each step once per entry', async () => {
    await harness.publish({
      id: 'looping',
      version: 1,
      trigger: { type: 'api_event', name: 'looping.start' },
      steps: [
        { id: 'mail', type: 'send_email', template: 'again', next: 'check' },
        { id: 'check', type: 'condition', if: { attribute: 'plan', operator: 'exists' }, then: 'mail', else: 'mail' },
      ],
    });
    const contactId = await harness.contact();
    const run = (await startRun(harness.engine, { workflowId: 'looping', contactId, triggerKey: 'l1' })) as { runId: string };
    await harness.drain();

    expect(await harness.run(run.runId)).toMatchObject({ status: 'completed', endReason: 'loop_stopped' });
    expect(await harness.emails(run.runId)).toHaveLength(1);
    expect(await harness.steps(run.runId)).toEqual({ mail: 'completed', check: 'completed' });
  });

  it('waits until local time in contact zone', async () => {
    await harness.publish({
      id: 'morning',
      version: 1,
      trigger: { type: 'api_event', name: 'morning.start' },
      steps: [
        { id: 'until-nine', type: 'wait', untilLocalTime: '09:00', next: 'mail' },
        { id: 'mail', type: 'send_email', template: 'good-morning', next: null },
      ],
    });
    // Kolkata is UTC+05:30 all year, so from 00:00 UTC (05:30 there) 09:00 there is 3.5 hours away.
    await harness.advance(DAY - (harness.clock.now().getTime() % DAY));
    const contactId = await harness.contact({ timeZone: 'Asia/Kolkata' });
    const run = (await startRun(harness.engine, { workflowId: 'morning', contactId, triggerKey: 'm1' })) as { runId: string };
    await harness.drain();

    await harness.advance(3.5 * 3_600_000 - 1000);
    expect(await harness.emails(run.runId)).toHaveLength(0);
    await harness.advance(1000);
    expect(await harness.emails(run.runId)).toHaveLength(1);
  });

  it('branches on attributes and segments', async () => {
    await harness.publish({
      id: 'branching',
      version: 1,
      trigger: { type: 'api_event', name: 'branching.start' },
      steps: [
        { id: 'gold', type: 'condition', if: { attribute: 'plan', operator: 'equals', value: 'gold' }, then: 'vip', else: 'member' },
        { id: 'member', type: 'condition', if: { segment: 'engaged', member: true }, then: 'engaged-mail', else: null },
        { id: 'vip', type: 'update_contact', set: { vip: true }, next: null },
        { id: 'engaged-mail', type: 'send_email', template: 'engaged', next: null },
      ],
    });
    const gold = await harness.contact({ attributes: { plan: 'gold' } });
    const engaged = await harness.contact({ segments: ['engaged'] });
    const neither = await harness.contact();
    const runs = await Promise.all([gold, engaged, neither].map(async (contactId, index) => ((await startRun(harness.engine, { workflowId: 'branching', contactId, triggerKey: `b${index}` })) as { runId: string }).runId));
    await harness.drain();

    expect(Object.keys(await harness.steps(runs[0]!)).sort()).toEqual(['gold', 'vip']);
    expect(Object.keys(await harness.steps(runs[1]!)).sort()).toEqual(['engaged-mail', 'gold', 'member']);
    expect(Object.keys(await harness.steps(runs[2]!)).sort()).toEqual(['gold', 'member']);
  });

  it('date trigger fires once at local time', async () => {
    await harness.publish({
      id: 'day-before',
      version: 1,
      trigger: { type: 'date', attribute: 'appointmentDate', offsetDays: -1, at: '09:00' },
      steps: [{ id: 'remind', type: 'send_email', template: 'appointment-tomorrow', next: null }],
    });
    // Move to 00:00 UTC, then book for three days later: the trigger is due two days later at 09:00 in Kolkata, 03:30 UTC.
    await harness.advance(DAY - (harness.clock.now().getTime() % DAY));
    const appointment = new Date(harness.clock.now().getTime() + 3 * DAY).toISOString().slice(0, 10);
    const contactId = await harness.contact({ timeZone: 'Asia/Kolkata', attributes: { appointmentDate: appointment } });
    const pastId = await harness.contact({ attributes: { appointmentDate: '2020-01-01' } });
    await harness.contact({ attributes: { appointmentDate: '2026-02-30' } });

    expect(await fireDateTriggers(harness.engine)).toBe(0);
    harness.clock.advance(2 * DAY + 3.5 * 3_600_000 - 1000);
    expect(await fireDateTriggers(harness.engine)).toBe(0);
    harness.clock.advance(1000);
    expect(await fireDateTriggers(harness.engine)).toBe(1);
    expect(await fireDateTriggers(harness.engine)).toBe(0);
    await harness.drain();

    const runs = await database.db.query.workflowRuns.findMany({ where: (run, { eq }) => eq(run.workflowId, 'day-before') });
    expect(runs.map((run) => run.contactId)).toEqual([contactId]);
    expect(runs[0]!.triggerKey).toBe(`date:${contactId}:${appointment}`);
    expect(await harness.emails(runs[0]!.id)).toHaveLength(1);
    expect(runs.some((run) => run.contactId === pastId)).toBe(false);
  });

  it('email click triggers another workflow', async () => {
    await harness.publish({
      id: 'after-click',
      version: 1,
      trigger: { type: 'email_clicked', workflowId: 'intake-follow-up', stepId: 'reminder' },
      steps: [{ id: 'note', type: 'update_contact', set: { clickedReminder: true }, next: null }],
    });
    const contactId = await harness.contact();
    const runId = ((await submitIntake(contactId, 'SUB-TRIGGER-0001')) as { runId: string }).runId;
    await harness.drain();
    await harness.advance(3 * DAY + 1000);
    const [welcome, reminder] = (await harness.emails(runId)).sort((a, b) => a.queuedAt.getTime() - b.queuedAt.getTime());

    const onWelcome = await receiveEmailEngagement(harness.engine, { messageId: welcome!.messageId, kind: 'clicked' });
    const scanner = await receiveEmailEngagement(harness.engine, { messageId: reminder!.messageId, kind: 'clicked', machine: true });
    const human = await receiveEmailEngagement(harness.engine, { messageId: reminder!.messageId, kind: 'clicked' });
    const again = await receiveEmailEngagement(harness.engine, { messageId: reminder!.messageId, kind: 'clicked' });

    expect(onWelcome.started['after-click']).toBeUndefined();
    expect(scanner.started['after-click']).toBeUndefined();
    expect(human.started['after-click']?.status).toBe('started');
    expect(again.started['after-click']).toBeUndefined();
  });

  it('a job cut off by a database outage is given back without counting an attempt', async () => {
    await harness.publish(eventWorkflow('outage-flow'));
    await harness.drain();
    const contactId = await harness.contact();
    await receiveApiEvent(harness.engine, { name: 'outage-flow.start', contactId, eventId: `outage-${contactId}` });
    const [job] = await claimJobs(harness.engine, 1);
    expect(job).toMatchObject({ kind: 'enter', stepId: 'hello' });

    // The transaction fails as postgres.js fails when the server has gone away.
    const lost = Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED' });
    const cutOff = { ...harness.engine, db: new Proxy(harness.engine.db, { get: (target, name) => (name === 'transaction' ? () => Promise.reject(lost) : Reflect.get(target, name)) }) };
    await runJob(cutOff, job!);

    const [after] = await database.db.select().from(workflowJobs).where(eq(workflowJobs.id, job!.id));
    expect(after).toMatchObject({ attempts: 0, leaseOwner: null });
    harness.clock.advance(10_000);
    await harness.drain();
    expect(await harness.messages(job!.runId)).toHaveLength(1);
  });
});

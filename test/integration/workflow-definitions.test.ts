import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, workflowVersions } from '../../collector/db/schema';
import { HttpError } from '../../collector/http/http-error';
import { nextLocalTime } from '../../collector/workflows/local-time';
import { parseWorkflowDefinition } from '../../collector/workflows/parse-workflow';
import { createHarness } from '../support/workflow-harness';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

function valid() {
  return {
    id: 'checks',
    version: 1,
    trigger: { type: 'api_event', name: 'checks.start' },
    steps: [
      { id: 'welcome', type: 'send_email', template: 'welcome', next: 'pause' },
      { id: 'pause', type: 'wait', duration: 'P1D', next: 'reminder' },
      { id: 'reminder', type: 'wait_for_event', event: { type: 'email_opened', stepId: 'welcome' }, timeout: 'P3D', onEvent: null, onTimeout: null },
    ],
  } as Record<string, unknown> & { steps: Record<string, unknown>[] };
}

/** Applies `change` to a valid definition and returns the parser's error messages. */
function problems(change: (definition: ReturnType<typeof valid>) => void): string[] {
  const definition = valid();
  change(definition);
  const parsed = parseWorkflowDefinition(definition);
  return parsed.ok ? [] : parsed.errors.map((error) => `${error.path}: ${error.message}`);
}

describe('workflow definition parser', () => {
  it('accepts the valid definition', () => {
    expect(problems(() => {})).toEqual([]);
  });

  it.each([
    ['wait duration', (d: ReturnType<typeof valid>) => (d.steps[1]!.duration = '3 days'), 'steps[1] "pause": wait.duration must be an ISO 8601 duration such as P3D'],
    ['wait with both forms', (d: ReturnType<typeof valid>) => (d.steps[1]!.untilLocalTime = '09:00'), 'steps[1] "pause": wait needs exactly one of duration (such as P3D) or untilLocalTime (such as 09:00)'],
    ['wait local time', (d: ReturnType<typeof valid>) => ((d.steps[1] = { id: 'pause', type: 'wait', untilLocalTime: '9am', next: 'reminder' })), 'steps[1] "pause": wait.untilLocalTime must be a local time of day as HH:MM, such as 09:00'],
    ['month duration', (d: ReturnType<typeof valid>) => (d.steps[2]!.timeout = 'P1M'), 'steps[2] "reminder": wait_for_event.timeout must be an ISO 8601 duration such as P3D'],
    ['unknown step type', (d: ReturnType<typeof valid>) => (d.steps[0]!.type = 'sms'), 'steps[0] "welcome": type must be one of wait, wait_for_event, condition, send_email, update_contact, add_to_segment, remove_from_segment, webhook'],
    ['duplicate id', (d: ReturnType<typeof valid>) => (d.steps[1]!.id = 'welcome'), 'steps[1] "welcome": id "welcome" is already used by steps[0]; give each step its own id'],
    ['dangling next', (d: ReturnType<typeof valid>) => (d.steps[0]!.next = 'nowhere'), 'steps[0] "welcome": send_email.next names step "nowhere", which does not exist; use a step id or null to end the run'],
    ['event on non-email step', (d: ReturnType<typeof valid>) => ((d.steps[2]!.event as Record<string, unknown>).stepId = 'pause'), 'steps[2] "reminder": wait_for_event.event.stepId "pause" must name a send_email step of this workflow'],
    ['missing template', (d: ReturnType<typeof valid>) => delete d.steps[0]!.template, 'steps[0] "welcome": send_email.template must name an email template, such as welcome'],
    ['http webhook', (d: ReturnType<typeof valid>) => d.steps.push({ id: 'hook', type: 'webhook', url: 'http://clinic.example/hook' }), 'steps[3] "hook": webhook.url must be an https URL, such as https://clinic.example/hooks/sealpost'],
    ['condition operator', (d: ReturnType<typeof valid>) => d.steps.push({ id: 'test', type: 'condition', if: { attribute: 'plan', operator: 'like', value: 'x' } }), 'steps[3] "test": condition.if.operator must be one of equals, not_equals, exists, greater_than, less_than'],
    ['numeric comparison', (d: ReturnType<typeof valid>) => d.steps.push({ id: 'test', type: 'condition', if: { attribute: 'age', operator: 'greater_than', value: 'x' } }), 'steps[3] "test": condition.if.value must be a number for greater_than'],
    ['segment name', (d: ReturnType<typeof valid>) => d.steps.push({ id: 'tag', type: 'add_to_segment', segment: 'two words' }), 'steps[3] "tag": add_to_segment.segment must name a segment, such as engaged'],
    ['update value', (d: ReturnType<typeof valid>) => d.steps.push({ id: 'set', type: 'update_contact', set: { plan: { nested: true } } }), 'steps[3] "set": update_contact.set.plan must be a string, number, boolean or null'],
    ['step id', (d: ReturnType<typeof valid>) => (d.steps[0]!.id = 'Welcome!'), 'steps[0] "Welcome!": id must be 1 to 64 characters of a-z, 0-9 and "-", such as send-reminder'],
    ['no steps', (d: ReturnType<typeof valid>) => (d.steps = []), 'steps: steps must be a non-empty array; the first step runs when the trigger fires'],
    ['trigger type', (d: ReturnType<typeof valid>) => (d.trigger = { type: 'cron' }), 'trigger: trigger.type must be one of form_submitted, email_opened, email_clicked, api_event, contact_updated, date'],
    ['date trigger time', (d: ReturnType<typeof valid>) => (d.trigger = { type: 'date', attribute: 'appointmentDate', offsetDays: -2, at: '25:00' }), 'trigger.at: trigger.at must be a local time of day as HH:MM, such as 09:00'],
    ['reentry interval', (d: ReturnType<typeof valid>) => (d.reentry = { allowed: true, minimumInterval: 'weekly' }), 'reentry.minimumInterval: reentry.minimumInterval must be an ISO 8601 duration such as P30D'],
    ['version', (d: ReturnType<typeof valid>) => (d.version = 0), 'version: version must be a positive integer, raised by one for each edit'],
  ])('rejects %s', (_name, change, message) => {
    expect(problems(change)).toContain(message);
  });

  it('next local time crosses a DST change', () => {
    // Chicago moves from UTC-6 to UTC-5 on 2026-03-08, so 09:00 that day is 14:00 UTC.
    expect(nextLocalTime(new Date('2026-03-08T06:00:00Z'), '09:00', 'America/Chicago').toISOString()).toBe('2026-03-08T14:00:00.000Z');
    expect(nextLocalTime(new Date('2026-03-07T16:00:00Z'), '09:00', 'America/Chicago').toISOString()).toBe('2026-03-08T14:00:00.000Z');
    expect(nextLocalTime(new Date('2026-03-07T14:00:00Z'), '09:00', 'America/Chicago').toISOString()).toBe('2026-03-07T15:00:00.000Z');
  });
});

describe.each(drivers)('workflow publishing on %s', (driver) => {
  let database: TestDatabase;
  let harness: ReturnType<typeof createHarness>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    harness = createHarness(database);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  async function rejection(definition: unknown): Promise<HttpError> {
    const error = await harness.publish(definition).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HttpError);
    return error as HttpError;
  }

  it('publishes with an audit entry', async () => {
    expect(await harness.publish(valid())).toEqual({ workflowId: 'checks', version: 1, status: 'created', endedRuns: 0 });
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'workflow.publish'));
    expect(audit).toMatchObject({ action: 'workflow.publish', subjectType: 'workflow', subjectId: 'checks', actor: 'test' });
  });

  it('leaves an identical republication unchanged', async () => {
    expect((await harness.publish(valid())).status).toBe('unchanged');
  });

  it('rejects an edit that keeps the version', async () => {
    const edited = valid();
    edited.steps[0]!.template = 'other';
    const error = await rejection(edited);
    expect(error.status).toBe(409);
    expect(error.message).toBe('Workflow "checks" already has version 1; publish an edit as version 2.');
  });

  it('rejects an invalid definition naming the step', async () => {
    const broken = valid();
    broken.steps[1]!.duration = 'P3X';
    const error = await rejection(broken);
    expect(error.code).toBe('invalid_workflow');
    expect(error.message).toBe('The workflow definition is invalid. steps[1] "pause": wait.duration must be an ISO 8601 duration such as P3D.');
    const [versions] = await database.db.select({ n: count() }).from(workflowVersions);
    expect(Number(versions!.n)).toBe(1);
  });

  it.each([
    ['loopback literal', 'https://127.0.0.1/hook', 'resolves to 127.0.0.1'],
    ['IPv6 loopback', 'https://[::1]/hook', 'resolves to ::1'],
    ['decimal loopback', 'https://2130706433/hook', 'resolves to 127.0.0.1'],
    ['private network', 'https://10.1.2.3/hook', 'resolves to 10.1.2.3'],
    ['metadata service', 'https://169.254.169.254/latest/meta-data', 'resolves to 169.254.169.254'],
    ['mapped IPv4', 'https://[::ffff:127.0.0.1]/hook', 'resolves to ::ffff:7f00:1'],
    ['localhost name', 'https://localhost/hook', 'host localhost is a local name'],
    ['private via DNS', 'https://internal.clinic.test/hook', 'resolves to 192.168.0.5'],
    ['mixed DNS answer', 'https://mixed.clinic.test/hook', 'resolves to 172.16.0.1'],
    ['unresolvable host', 'https://missing.clinic.test/hook', 'did not resolve (ENOTFOUND)'],
  ])('rejects a webhook to %s at save', async (_name, url, reason) => {
    harness.dns['internal.clinic.test'] = ['192.168.0.5'];
    harness.dns['mixed.clinic.test'] = ['203.0.113.7', '172.16.0.1'];
    const definition = valid();
    definition.id = 'hooks';
    definition.steps[2]!.onEvent = 'hook';
    definition.steps.push({ id: 'hook', type: 'webhook', url });
    const error = await rejection(definition);
    expect(error.message).toContain('steps[3] "hook": webhook.url is not allowed');
    expect(error.message).toContain(reason);
  });
});

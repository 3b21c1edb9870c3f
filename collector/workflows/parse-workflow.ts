import { parseDuration } from './iso-duration';
import { isLocalTime } from './local-time';
import { STEP_TYPES, TRIGGER_TYPES, type WorkflowDefinition } from './workflow-definition';

/** One problem in a definition: where it is, as a path, and what is wrong. */
export interface WorkflowProblem {
  path: string;
  message: string;
}

/** The parser's verdict: a definition, or every problem found. */
export type ParsedWorkflow = { ok: true; workflow: WorkflowDefinition } | { ok: false; errors: WorkflowProblem[] };

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const OPERATORS = ['equals', 'not_equals', 'exists', 'greater_than', 'less_than'];
type Json = Record<string, unknown>;

/**
 * Checks a workflow definition's structure. Every error names the step by
 * index and id, as in `steps[2] "reminder": wait.duration must be …`.
 * Webhook URLs are checked against DNS separately, by checkWebhookUrls.
 */
export function parseWorkflowDefinition(input: unknown): ParsedWorkflow {
  const errors: WorkflowProblem[] = [];
  const fail = (path: string, message: string) => errors.push({ path, message });

  if (!isObject(input)) return { ok: false, errors: [{ path: '(root)', message: 'the definition must be a JSON object with id, version, trigger and steps' }] };

  if (typeof input.id !== 'string' || !ID.test(input.id)) fail('id', 'id must be 1 to 64 characters of a-z, 0-9 and "-", starting with a letter or digit, such as intake-follow-up');
  if (!Number.isSafeInteger(input.version) || (input.version as number) < 1) fail('version', 'version must be a positive integer, raised by one for each edit');
  if (input.includePhiInWebhooks !== undefined && typeof input.includePhiInWebhooks !== 'boolean') fail('includePhiInWebhooks', 'includePhiInWebhooks must be true or false');
  checkReentry(input.reentry, fail);
  checkTrigger(input.trigger, fail);

  if (!Array.isArray(input.steps) || input.steps.length === 0) {
    fail('steps', 'steps must be a non-empty array; the first step runs when the trigger fires');
    return { ok: false, errors };
  }

  const ids = new Map<string, number>();
  input.steps.forEach((step, index) => {
    const label = stepLabel(step, index);
    if (!isObject(step)) return fail(label, 'each step must be a JSON object with id and type');
    if (typeof step.id !== 'string' || !ID.test(step.id)) return fail(label, 'id must be 1 to 64 characters of a-z, 0-9 and "-", such as send-reminder');
    if (ids.has(step.id)) return fail(label, `id "${step.id}" is already used by steps[${ids.get(step.id)}]; give each step its own id`);
    ids.set(step.id, index);
  });

  input.steps.forEach((step, index) => {
    if (isObject(step)) checkStep(step, (message) => fail(stepLabel(step, index), message));
  });
  if (errors.length > 0) return { ok: false, errors };

  checkReferences(input.steps as WorkflowDefinition['steps'], ids, fail);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, workflow: input as unknown as WorkflowDefinition };
}

function checkReentry(reentry: unknown, fail: (path: string, message: string) => void) {
  if (reentry === undefined) return;
  if (!isObject(reentry) || typeof reentry.allowed !== 'boolean') return fail('reentry', 'reentry must be { "allowed": true|false, "minimumInterval": "P30D" }');
  if (reentry.minimumInterval !== undefined && parseDuration(reentry.minimumInterval) === undefined) fail('reentry.minimumInterval', 'reentry.minimumInterval must be an ISO 8601 duration such as P30D');
}

function checkTrigger(trigger: unknown, fail: (path: string, message: string) => void) {
  if (!isObject(trigger) || !TRIGGER_TYPES.includes(trigger.type as never)) {
    return fail('trigger', `trigger.type must be one of ${TRIGGER_TYPES.join(', ')}`);
  }

  switch (trigger.type) {
    case 'form_submitted':
      if (!isName(trigger.formId)) fail('trigger.formId', 'trigger.formId must name a published form, such as new-patient-intake');
      break;
    case 'email_opened':
    case 'email_clicked':
      if (!isName(trigger.messageId) && !(isName(trigger.workflowId) && isName(trigger.stepId))) fail('trigger', `a ${trigger.type} trigger needs messageId, or workflowId and stepId of a send_email step`);
      break;
    case 'api_event':
      if (!isName(trigger.name)) fail('trigger.name', 'trigger.name must be an event name of A-Z, a-z, 0-9, ".", "_" or "-", such as appointment.booked');
      break;
    case 'contact_updated':
      if (trigger.attribute !== undefined && !isName(trigger.attribute)) fail('trigger.attribute', 'trigger.attribute must be an attribute name such as plan');
      break;
    case 'date':
      if (!isName(trigger.attribute)) fail('trigger.attribute', 'trigger.attribute must name a date attribute (YYYY-MM-DD), such as appointmentDate');
      if (!Number.isSafeInteger(trigger.offsetDays) || Math.abs(trigger.offsetDays as number) > 3650) fail('trigger.offsetDays', 'trigger.offsetDays must be a whole number of days from -3650 to 3650; negative means before the date');
      if (!isLocalTime(trigger.at)) fail('trigger.at', 'trigger.at must be a local time of day as HH:MM, such as 09:00');
      break;
  }
}

function checkStep(step: Json, fail: (message: string) => void) {
  if (!STEP_TYPES.includes(step.type as never)) return fail(`type must be one of ${STEP_TYPES.join(', ')}`);

  switch (step.type) {
    case 'wait':
      if ((step.duration === undefined) === (step.untilLocalTime === undefined)) return fail('wait needs exactly one of duration (such as P3D) or untilLocalTime (such as 09:00)');
      if (step.duration !== undefined && parseDuration(step.duration) === undefined) fail('wait.duration must be an ISO 8601 duration such as P3D');
      if (step.untilLocalTime !== undefined && !isLocalTime(step.untilLocalTime)) fail('wait.untilLocalTime must be a local time of day as HH:MM, such as 09:00');
      break;
    case 'wait_for_event':
      checkAwaitedEvent(step.event, fail);
      if (parseDuration(step.timeout) === undefined) fail('wait_for_event.timeout must be an ISO 8601 duration such as P3D');
      break;
    case 'condition':
      checkCondition(step.if, fail);
      break;
    case 'send_email':
      if (!isName(step.template)) fail('send_email.template must name an email template, such as welcome');
      if (step.variables !== undefined && (!isObject(step.variables) || !Object.values(step.variables).every((value) => typeof value === 'string'))) fail('send_email.variables must be an object of strings');
      break;
    case 'update_contact':
      if (!isObject(step.set) || Object.keys(step.set).length === 0) return fail('update_contact.set must be a non-empty object of attribute values');
      for (const [name, value] of Object.entries(step.set)) {
        if (!isName(name)) fail(`update_contact.set has an invalid attribute name ${JSON.stringify(name)}`);
        if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) fail(`update_contact.set.${name} must be a string, number, boolean or null`);
      }
      break;
    case 'add_to_segment':
    case 'remove_from_segment':
      if (!isName(step.segment)) fail(`${step.type}.segment must name a segment, such as engaged`);
      break;
    case 'webhook':
      if (typeof step.url !== 'string' || !URL.canParse(step.url) || new URL(step.url).protocol !== 'https:') fail('webhook.url must be an https URL, such as https://clinic.example/hooks/sealpost');
      break;
  }
}

function checkAwaitedEvent(event: unknown, fail: (message: string) => void) {
  if (!isObject(event)) return fail('wait_for_event.event must be an object such as { "type": "email_opened", "stepId": "welcome" }');
  if (event.type === 'email_opened' || event.type === 'email_clicked') {
    if (!isName(event.stepId)) fail(`wait_for_event.event.stepId must name the send_email step whose email is ${event.type === 'email_opened' ? 'opened' : 'clicked'}`);
  } else if (event.type === 'api_event') {
    if (!isName(event.name)) fail('wait_for_event.event.name must be an API event name such as appointment.booked');
  } else {
    fail('wait_for_event.event.type must be email_opened, email_clicked or api_event');
  }
}

function checkCondition(condition: unknown, fail: (message: string) => void) {
  if (!isObject(condition)) return fail('condition.if must be an object such as { "attribute": "plan", "operator": "equals", "value": "gold" } or { "segment": "engaged", "member": true }');
  if ('segment' in condition) {
    if (!isName(condition.segment) || typeof condition.member !== 'boolean') fail('condition.if needs segment (a name) and member (true or false)');
    return;
  }
  if (!isName(condition.attribute)) return fail('condition.if.attribute must name a contact attribute');
  if (!OPERATORS.includes(condition.operator as string)) return fail(`condition.if.operator must be one of ${OPERATORS.join(', ')}`);
  if (condition.operator !== 'exists' && !['string', 'number', 'boolean'].includes(typeof condition.value)) fail('condition.if.value must be a string, number or boolean');
  if ((condition.operator === 'greater_than' || condition.operator === 'less_than') && typeof condition.value !== 'number') fail(`condition.if.value must be a number for ${String(condition.operator)}`);
}

// Branch targets must exist, and an email event must point at a send_email step.
function checkReferences(steps: WorkflowDefinition['steps'], ids: Map<string, number>, fail: (path: string, message: string) => void) {
  steps.forEach((step, index) => {
    const label = stepLabel(step, index);
    for (const [field, target] of branchFields(step)) {
      if (target === undefined || target === null) continue;
      if (typeof target !== 'string' || !ids.has(target)) fail(label, `${step.type}.${field} names step ${JSON.stringify(target)}, which does not exist; use a step id or null to end the run`);
    }
    if (step.type === 'wait_for_event' && step.event.type !== 'api_event') {
      const target = steps[ids.get(step.event.stepId) ?? -1];
      if (target?.type !== 'send_email') fail(label, `wait_for_event.event.stepId "${step.event.stepId}" must name a send_email step of this workflow`);
    }
  });
}

function branchFields(step: WorkflowDefinition['steps'][number]): [string, unknown][] {
  if (step.type === 'wait_for_event') return [['onEvent', step.onEvent], ['onTimeout', step.onTimeout]];
  if (step.type === 'condition') return [['then', step.then], ['else', step.else]];
  return [['next', step.next]];
}

function stepLabel(step: unknown, index: number): string {
  const id = isObject(step) && typeof step.id === 'string' ? ` ${JSON.stringify(step.id)}` : '';
  return `steps[${index}]${id}`;
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && NAME.test(value);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A workflow as published: a versioned JSON document. The first step runs
 * when the trigger fires; every step names the step that follows it, and a
 * missing or null `next` ends the run.
 */
export interface WorkflowDefinition {
  id: string;
  version: number;
  name?: string;
  trigger: WorkflowTrigger;
  /** Off by default: a contact enters at most once. */
  reentry?: { allowed: boolean; minimumInterval?: string };
  /** Off by default: webhooks then carry ids only, never the contact's email. */
  includePhiInWebhooks?: boolean;
  steps: WorkflowStep[];
}

/** What starts a run. */
export type WorkflowTrigger =
  | { type: 'form_submitted'; formId: string }
  | { type: 'email_opened' | 'email_clicked'; messageId?: string; workflowId?: string; stepId?: string }
  | { type: 'api_event'; name: string }
  | { type: 'contact_updated'; attribute?: string }
  | { type: 'date'; attribute: string; offsetDays: number; at: string };

/** The event a wait_for_event step waits for. `stepId` names a send_email step of the same workflow. */
export type AwaitedEvent = { type: 'email_opened' | 'email_clicked'; stepId: string } | { type: 'api_event'; name: string };

/** A test on the contact: an attribute compared with a value, or segment membership. */
export type Condition =
  | { attribute: string; operator: 'equals' | 'not_equals' | 'exists' | 'greater_than' | 'less_than'; value?: string | number | boolean }
  | { segment: string; member: boolean };

type Next = string | null;

/** One node of the workflow graph. */
export type WorkflowStep =
  | { id: string; type: 'wait'; duration?: string; untilLocalTime?: string; next?: Next }
  | { id: string; type: 'wait_for_event'; event: AwaitedEvent; timeout: string; onEvent?: Next; onTimeout?: Next }
  | { id: string; type: 'condition'; if: Condition; then?: Next; else?: Next }
  | { id: string; type: 'send_email'; template: string; variables?: Record<string, string>; next?: Next }
  | { id: string; type: 'update_contact'; set: Record<string, string | number | boolean | null>; next?: Next }
  | { id: string; type: 'add_to_segment' | 'remove_from_segment'; segment: string; next?: Next }
  | { id: string; type: 'webhook'; url: string; next?: Next };

/** The step types a definition may use. */
export const STEP_TYPES = ['wait', 'wait_for_event', 'condition', 'send_email', 'update_contact', 'add_to_segment', 'remove_from_segment', 'webhook'] as const;

/** The trigger types a definition may use. */
export const TRIGGER_TYPES = ['form_submitted', 'email_opened', 'email_clicked', 'api_event', 'contact_updated', 'date'] as const;

/** Returns the ids of the steps that may follow `step`, one per branch, ending branches left out. */
export function successors(step: WorkflowStep): string[] {
  const targets = step.type === 'wait_for_event' ? [step.onEvent, step.onTimeout] : step.type === 'condition' ? [step.then, step.else] : [step.next];
  return targets.filter((target): target is string => typeof target === 'string');
}

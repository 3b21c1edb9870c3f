import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '../db/open-database';
import { workflows, workflowVersions } from '../db/schema';
import { quoteValue } from '../http/describe-value';
import { HttpError } from '../http/http-error';
import type { WorkflowDefinition } from '../workflows/workflow-definition';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The value type a live workflow reads an attribute as, and the workflow that does. */
export interface AttributeRule {
  type: 'date' | 'number';
  workflowId: string;
}

/**
 * Collects the attribute types that the current versions of live workflows
 * read: a date trigger reads a YYYY-MM-DD date, and a greater_than or
 * less_than condition a number. Any other value would never fire the
 * trigger or pass the condition, without an error anywhere.
 */
export async function readAttributeRules(db: Pick<Database, 'select'>): Promise<Map<string, AttributeRule>> {
  // NOTE: only current versions are read. Runs still on an older version may read attributes not checked here.
  const rows = await db
    .select({ id: workflows.id, definition: workflowVersions.definition })
    .from(workflows)
    .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.currentVersion)))
    .where(isNull(workflows.deletedAt));

  const rules = new Map<string, AttributeRule>();
  for (const { id, definition } of rows) {
    for (const [attribute, type] of attributeTypes(definition)) {
      if (!rules.has(attribute)) rules.set(attribute, { type, workflowId: id });
    }
  }
  return rules;
}

function attributeTypes(definition: WorkflowDefinition): [string, AttributeRule['type']][] {
  const found: [string, AttributeRule['type']][] = [];
  if (definition.trigger.type === 'date') found.push([definition.trigger.attribute, 'date']);

  for (const step of definition.steps) {
    if (step.type !== 'condition' || !('attribute' in step.if)) continue;
    if (step.if.operator === 'greater_than' || step.if.operator === 'less_than') found.push([step.if.attribute, 'number']);
  }
  return found;
}

/**
 * Throws 422 for the first attribute whose value does not have the type a
 * workflow reads it as. Null is always accepted, because it removes the value.
 */
export function checkAttributeRules(attributes: Record<string, unknown> | undefined, rules: Map<string, AttributeRule>): void {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    const rule = rules.get(name);
    if (!rule || value === null) continue;

    if (rule.type === 'number' && typeof value !== 'number') {
      fail(name, `attributes.${name} is ${quoteValue(value)}; workflow "${rule.workflowId}" compares it as a number, so send a number such as 3, or null to remove it.`);
    }
    if (rule.type === 'date' && (typeof value !== 'string' || !isCalendarDate(value))) {
      fail(name, `attributes.${name} is ${quoteValue(value)}; workflow "${rule.workflowId}" reads it as a date, so send a real date as YYYY-MM-DD, such as "2026-12-24", or null to remove it.`);
    }
  }
}

// The same test as date triggers apply: YYYY-MM-DD naming a day that exists, so 2026-02-30 fails.
function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;

  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  return calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day;
}

function fail(name: string, message: string): never {
  throw new HttpError(422, 'invalid_contact', message, { field: `attributes.${name}` });
}

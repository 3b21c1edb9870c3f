import type { Condition } from './workflow-definition';

/** A contact's PHI-free fields that conditions read. */
export interface ContactFacts {
  attributes: Record<string, string | number | boolean | null>;
  segments: string[];
}

/** Evaluates a condition step's test; a missing attribute fails every operator but not_equals. */
export function evaluateCondition(condition: Condition, contact: ContactFacts): boolean {
  if ('segment' in condition) return contact.segments.includes(condition.segment) === condition.member;

  const value = contact.attributes[condition.attribute];
  switch (condition.operator) {
    case 'exists':
      return value !== undefined && value !== null;
    case 'equals':
      return value === condition.value;
    case 'not_equals':
      return value !== condition.value;
    case 'greater_than':
      return typeof value === 'number' && value > (condition.value as number);
    case 'less_than':
      return typeof value === 'number' && value < (condition.value as number);
  }
}

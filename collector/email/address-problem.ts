const SPECIALS = /[<>()[\]\\,;:"]/;

/**
 * Describes what keeps a string from being one plain email address
 * (local@domain), such as "has no @", without repeating any part of it,
 * because a patient's address is PHI. Returns undefined when none of these
 * checks fails; callers may still apply stricter rules of their own.
 */
export function addressProblem(address: string): string | undefined {
  const trimmed = address.trim();
  if (trimmed === '') return 'is empty';
  if (/\s/.test(trimmed)) return 'contains whitespace';

  const atSigns = trimmed.split('@').length - 1;
  if (atSigns === 0) return 'has no @';
  if (atSigns > 1) return `has ${atSigns} @ signs instead of one`;
  if (SPECIALS.test(trimmed)) return 'contains a display name, angle brackets or one of the characters ( ) [ ] \\ , ; : "';

  const [local = '', domain = ''] = trimmed.split('@');
  if (local === '') return 'has nothing before the @';
  if (local.length > 64) return `has ${local.length} characters before the @, more than the 64 allowed`;
  if (domain === '') return 'has nothing after the @';
  if (domain.length > 253) return `has a domain of ${domain.length} characters, more than the 253 allowed`;
  if (!domain.includes('.')) return 'has a domain without a dot';
  if (domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) return 'has a domain with an empty label (a leading, trailing or doubled dot)';
  return undefined;
}

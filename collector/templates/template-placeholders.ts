/** `{{ name }}` or `{{ contact.name }}`; names use the characters that contact attribute names may use. */
export const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]{1,100})\s*\}\}/g;

/** Names of the placeholders in a text, in order of first use. */
export function placeholderNames(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]!))];
}

/** True when braces are left that are not part of a well-formed placeholder, such as `{{name}` or `{{ two words }}`. */
export function hasBrokenPlaceholder(text: string): boolean {
  const rest = text.replace(PLACEHOLDER, '');
  return rest.includes('{{') || rest.includes('}}');
}

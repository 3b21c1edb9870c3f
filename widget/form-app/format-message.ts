import type { LocalizedText } from '../../sdk/form-definition';
import { localize } from '../../sdk/localize';

/**
 * Localizes a message and fills its `{name}` placeholders. A placeholder without
 * a value stays as written, so a missing value shows up in review rather than
 * as an empty gap.
 *
 * @example
 * formatMessage(UI_MESSAGES.receipt, 'en', { receipt: '7K3M-9QXD' });
 * // 'Your receipt number is 7K3M-9QXD. Keep it …'
 */
export function formatMessage(text: LocalizedText, locale: string, values: Record<string, string> = {}): string {
  return localize(text, locale).replace(/\{(\w+)\}/g, (placeholder, name: string) => values[name] ?? placeholder);
}

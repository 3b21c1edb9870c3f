import { DURATION_MESSAGES } from '../../sdk/messages';
import { formatMessage } from './format-message';

/**
 * Formats a duration in the patient's language: whole minutes as minutes
 * ("2 minutes", "2 minutos"), anything else as seconds ("90 seconds"). One
 * takes the singular in English and Spanish alike.
 *
 * @example
 * formatDuration(600, 'es'); // '10 minutos'
 */
export function formatDuration(seconds: number, locale: string): string {
  const whole = Math.max(0, Math.round(seconds));
  const [value, unit] = whole >= 60 && whole % 60 === 0 ? [whole / 60, 'minute'] as const : [whole, 'second'] as const;
  const message = value === 1 ? DURATION_MESSAGES[unit] : DURATION_MESSAGES[`${unit}s`];
  return formatMessage(message, locale, { n: String(value) });
}

/**
 * Formats a duration in the patient's language: whole minutes as minutes
 * ("2 minutes", "2 minutos"), anything else as seconds ("90 seconds").
 * Intl picks the plural form for each language.
 *
 * @example
 * formatDuration(600, 'es'); // '10 minutos'
 */
export function formatDuration(seconds: number, locale: string): string {
  const whole = Math.max(0, Math.round(seconds));
  const [value, unit] = whole >= 60 && whole % 60 === 0 ? [whole / 60, 'minute'] : [whole, 'second'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
}

/*
 * Reading of the Accept and Accept-Language request headers (RFC 9110,
 * sections 12.5.1 and 12.5.4) for the few responses that exist as an HTML
 * page as well as JSON.
 */

/** One entry of an Accept or Accept-Language header, with its weight and its place in the header. */
interface WeightedEntry {
  value: string;
  quality: number;
  position: number;
}

function weightedEntries(header: string | undefined): WeightedEntry[] {
  if (!header) return [];

  return header.split(',').map((part, position) => {
    const [value = '', ...parameters] = part.split(';');
    const weight = parameters.map((parameter) => parameter.trim()).find((parameter) => parameter.toLowerCase().startsWith('q='));
    const quality = weight === undefined ? 1 : Number(weight.slice(2));
    return { value: value.trim().toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, position };
  });
}

/**
 * Tells whether an Accept header names `text/html` with a weight above 0,
 * as browsers do when they open a link. The any-type wildcard alone does not
 * count, because fetch() and curl send only that and expect the JSON error.
 *
 * @example
 * acceptsHtml('text/html,application/xhtml+xml;q=0.9'); // true
 * acceptsHtml('application/json'); // false
 */
export function acceptsHtml(accept: string | undefined): boolean {
  return weightedEntries(accept).some((entry) => entry.value === 'text/html' && entry.quality > 0);
}

/**
 * Tells whether an Accept-Language header prefers Spanish to English: a
 * higher weight for a tag whose primary subtag is `es`, or the same weight
 * and an earlier place in the header. Without either language, English wins.
 *
 * @example
 * prefersSpanish('es-MX,es;q=0.9,en;q=0.8'); // true
 * prefersSpanish('fr,en;q=0.5,es;q=0.4'); // false
 */
export function prefersSpanish(acceptLanguage: string | undefined): boolean {
  const best = { en: { quality: 0, position: Infinity }, es: { quality: 0, position: Infinity } };

  for (const entry of weightedEntries(acceptLanguage)) {
    const primary = entry.value.split('-')[0];
    if (primary !== 'en' && primary !== 'es') continue;

    const current = best[primary];
    if (entry.quality > current.quality) best[primary] = { quality: entry.quality, position: entry.position };
  }

  if (best.es.quality === 0) return false;
  if (best.es.quality !== best.en.quality) return best.es.quality > best.en.quality;
  return best.es.position < best.en.position;
}

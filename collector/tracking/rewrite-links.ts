import { parse, type DefaultTreeAdapterTypes } from 'parse5';

type Node = DefaultTreeAdapterTypes.Node;
type Element = DefaultTreeAdapterTypes.Element;

/** Tracking URLs that rewriteLinks writes into the HTML. */
export interface TrackingUrls {
  /** URL of the open pixel. */
  pixel: string;
  /** Returns the click URL for a link, given its 1-based number among the rewritten links and its destination. */
  click(linkNumber: number, destination: string): string;
}

/** The rewritten HTML and the destination of each rewritten link, in link-number order. */
export interface RewrittenHtml {
  html: string;
  destinations: string[];
}

/**
 * A link the message must be rejected for: its destination would run code or
 * embed content if clicked (`scheme`), or it is protocol-relative or spelled
 * with backslashes, so which host it opens depends on the parser (`ambiguous`).
 */
export class UnsafeLinkError extends Error {
  constructor(
    /** 1-based position among all `<a href>` and `<area href>` elements of the HTML. */
    readonly linkPosition: number,
    /** The scheme, such as `javascript:`; never the rest of the URL. */
    readonly scheme: string,
    readonly kind: 'scheme' | 'ambiguous' = 'scheme',
  ) {
    super(kind === 'scheme' ? `link ${linkPosition} has a ${scheme} destination` : `link ${linkPosition} is protocol-relative or uses a backslash`);
    this.name = 'UnsafeLinkError';
  }
}

const TRACKED_SCHEMES = new Set(['http:', 'https:']);
const REJECTED_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:']);

/**
 * Rewrites every http(s) `href` of `<a>` and `<area>` to a click URL and adds
 * the open pixel at the top of the body. Other schemes (mailto:, tel:, …) and
 * relative URLs stay as written; javascript:, data: and vbscript: throw
 * UnsafeLinkError.
 *
 * parse5 implements the HTML standard's tokenizer and tree builder, so
 * entities in an href arrive decoded, and markup that only looks like a link
 * (inside a comment, a `<script>`, an attribute value or text) is not touched.
 * Only the href attribute's own source range is replaced: every other byte of
 * the HTML stays as the sender wrote it.
 */
export function rewriteLinks(html: string, urls: TrackingUrls): RewrittenHtml {
  const document = parse(html, { sourceCodeLocationInfo: true });
  const edits: { start: number; end: number; text: string }[] = [];
  const destinations: string[] = [];
  let position = 0;

  for (const element of linkElements(document)) {
    position++;
    const href = element.attrs.find((attribute) => attribute.name === 'href' && !attribute.namespace)!;
    const location = element.sourceCodeLocation?.attrs?.href;
    const destination = stripAsciiWhitespace(href.value);
    const scheme = schemeOf(destination);

    if (scheme && REJECTED_SCHEMES.has(scheme)) throw new UnsafeLinkError(position, scheme);
    if (isAmbiguous(destination, scheme)) throw new UnsafeLinkError(position, scheme ?? '', 'ambiguous');
    if (!scheme || !TRACKED_SCHEMES.has(scheme) || !location) continue;

    destinations.push(destination);
    edits.push({ start: location.startOffset, end: location.endOffset, text: `href="${escapeAttribute(urls.click(destinations.length, destination))}"` });
  }

  edits.push({ ...pixelOffset(document, html.length), text: `<img src="${escapeAttribute(urls.pixel)}" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0">` });
  return { html: applyEdits(html, edits), destinations };
}

function* linkElements(node: Node): Generator<Element> {
  if ('tagName' in node && (node.tagName === 'a' || node.tagName === 'area') && node.namespaceURI === 'http://www.w3.org/1999/xhtml') {
    if (node.attrs.some((attribute) => attribute.name === 'href' && !attribute.namespace)) yield node;
  }
  if ('childNodes' in node) for (const child of node.childNodes) yield* linkElements(child);
}

// The URL parser strips control characters and removes tabs and newlines, as
// browsers do, so "java\nscript:" is read as javascript: here too.
function schemeOf(destination: string): string | undefined {
  try {
    return new URL(destination).protocol.toLowerCase();
  } catch {
    return undefined;
  }
}

// "//host" and "/\host" take the scheme of a base URL that an email does not
// have. "https:\\host", "https:host" and "https://a\@b" parse to different
// hosts in different URL parsers, and a Location header of "https:host" is
// resolved against the collector's own URL. An http(s) link must therefore be
// written as scheme, "//", then an authority without backslashes.
function isAmbiguous(destination: string, scheme: string | undefined): boolean {
  const text = destination.replace(/[\t\n\r]/g, '');
  if (/^[\\/]{2}/.test(text)) return true;
  if (scheme !== undefined && TRACKED_SCHEMES.has(scheme)) return !/^https?:\/\/[^\\/?#]+([/?#]|$)/i.test(text);
  return false;
}

// HTML's rule for URL attributes: leading and trailing ASCII whitespace is not part of the URL.
function stripAsciiWhitespace(value: string): string {
  return value.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '');
}

// Right after an explicit <body> tag, else before the body's first node, else at the end.
function pixelOffset(document: DefaultTreeAdapterTypes.Document, length: number): { start: number; end: number } {
  const html = document.childNodes.find((node): node is Element => 'tagName' in node && node.tagName === 'html');
  const body = html?.childNodes.find((node): node is Element => 'tagName' in node && node.tagName === 'body');
  const offset = body?.sourceCodeLocation?.startTag?.endOffset ?? body?.childNodes.find((node) => node.sourceCodeLocation)?.sourceCodeLocation?.startOffset ?? length;
  return { start: offset, end: offset };
}

function applyEdits(html: string, edits: { start: number; end: number; text: string }[]): string {
  let output = '';
  let cursor = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    output += html.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return output + html.slice(cursor);
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

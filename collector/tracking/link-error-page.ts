/*
 * Pages shown to a patient when a tracked link from an email cannot be
 * followed. Each is a small document in English and Spanish, with nothing
 * to load and no token or other identifier in it.
 */

/** Kind of failure of a tracked link: an unknown token, an unreachable database, or another server error. */
export type LinkFailure = 'notFound' | 'unavailable' | 'failed';

interface PageText {
  title: string;
  body: string;
}

const LINK_FAILURE_TEXT: Record<LinkFailure, { en: PageText; es: PageText }> = {
  notFound: {
    en: {
      title: 'This link does not work',
      body: 'The link you opened is not valid. It may be incomplete or changed. Open it again from the original email. If it still does not work, contact the sender of the email.',
    },
    es: {
      title: 'Este enlace no funciona',
      body: 'El enlace que abrió no es válido. Puede estar incompleto o modificado. Ábralo de nuevo desde el correo electrónico original. Si sigue sin funcionar, comuníquese con quien le envió el correo.',
    },
  },
  unavailable: {
    en: {
      title: 'This link cannot be opened right now',
      body: 'A temporary problem on the server prevents opening this link. Wait a minute, then open the link again from the email.',
    },
    es: {
      title: 'Este enlace no se puede abrir en este momento',
      body: 'Un problema temporal del servidor impide abrir este enlace. Espere un minuto y vuelva a abrir el enlace desde el correo electrónico.',
    },
  },
  failed: {
    en: {
      title: 'This link could not be opened',
      body: 'An error on the server stopped this link from opening. Open the link again later from the email. If it keeps failing, contact the sender of the email.',
    },
    es: {
      title: 'No se pudo abrir este enlace',
      body: 'Un error del servidor impidió abrir este enlace. Vuelva a abrirlo más tarde desde el correo electrónico. Si sigue fallando, comuníquese con quien le envió el correo.',
    },
  },
};

// Inline, because the page loads nothing; large type and a narrow column read well on a phone.
const STYLE =
  'body{margin:0;padding:1.5rem;font:1.125rem/1.5 system-ui,sans-serif;color:#1d2b36;background:#fff}' +
  'main{max-width:36rem;margin:0 auto}' +
  'h1,h2{font-size:1.375rem;line-height:1.3;margin:0 0 .5rem}' +
  'p{margin:0}' +
  'section+section{margin-top:2rem;padding-top:1.5rem;border-top:1px solid #c8d0d6}';

/** Response headers of every link failure page; the header values themselves contain no token. */
export const LINK_FAILURE_PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  Vary: 'Accept, Accept-Language',
} as const;

/** Each failure's page twice: with English first, and with Spanish first. */
export type LinkFailurePages = Record<LinkFailure, { en: string; es: string }>;

/**
 * Builds every link failure page once, so that a failed hit costs no string
 * building. Both languages are on each page; the first one sets the
 * document's language and title.
 *
 * @example
 * const pages = buildLinkFailurePages();
 * new Response(pages.notFound.es, { status: 404, headers: LINK_FAILURE_PAGE_HEADERS });
 */
export function buildLinkFailurePages(): LinkFailurePages {
  const build = (failure: LinkFailure) => ({ en: linkFailurePage(failure, 'en'), es: linkFailurePage(failure, 'es') });
  return { notFound: build('notFound'), unavailable: build('unavailable'), failed: build('failed') };
}

function linkFailurePage(failure: LinkFailure, first: 'en' | 'es'): string {
  const second = first === 'en' ? 'es' : 'en';
  const text = LINK_FAILURE_TEXT[failure];

  return `<!doctype html>
<html lang="${first}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text[first].title} · ${text[second].title}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<section lang="${first}"><h1>${text[first].title}</h1><p>${text[first].body}</p></section>
<section lang="${second}"><h2>${text[second].title}</h2><p>${text[second].body}</p></section>
</main>
</body>
</html>
`;
}

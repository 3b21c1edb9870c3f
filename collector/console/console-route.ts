/**
 * The console's addresses, kept in the URL fragment: `#/audit`, or
 * `#/submissions/7K3M9QXD2BNP4R6T` for an open submission.
 *
 * The fragment fits the console better than the History API with paths.
 * The collector serves one page at /console, so no server route has to
 * list the console's pages. Browsers never send the fragment to the
 * server, so a submission id stays out of request logs and proxies.
 *
 * Only a page and a submission id (the patient's receipt number, which is
 * not PHI) go into the URL. Filters stay out, even the ones without free
 * text: an audit actor or action is typed by hand and could hold a
 * patient's name or address pasted by mistake, and the URL lands in the
 * browser history, in bookmarks and in synced profiles.
 */

export type View = 'inbox' | 'submission' | 'consents' | 'audit' | 'statistics' | 'reports' | 'workflows' | 'forms' | 'users' | 'account';

/** A page of the console, with the submission id when the page is an open submission. */
export interface ConsoleRoute {
  view: View;
  submissionId?: string;
}

/** Path segment of each page, in the fragment after `#/`. */
const SEGMENTS: Record<Exclude<View, 'submission'>, string> = {
  inbox: 'submissions',
  consents: 'consents',
  audit: 'audit',
  statistics: 'statistics',
  reports: 'reports',
  workflows: 'workflows',
  forms: 'forms',
  users: 'users',
  account: 'account',
};

/** A submission id: 16 characters of Crockford base32, as collector/submissions/accept-submission.ts creates them. */
const SUBMISSION_ID = /^[0-9A-HJKMNP-TV-Z]{16}$/;

/** Returns the fragment of a route, `#/submissions/<id>` for an open submission. */
export function formatRoute(route: ConsoleRoute): string {
  if (route.view === 'submission') return `#/submissions/${route.submissionId ?? ''}`;
  return `#/${SEGMENTS[route.view]}`;
}

/**
 * Parses a URL fragment. Returns undefined for an empty fragment (the
 * role's first page applies) and 'unknown' for an address the console does
 * not have, such as a mistyped page or a malformed submission id.
 */
export function parseRoute(hash: string): ConsoleRoute | 'unknown' | undefined {
  const path = hash.replace(/^#\/?/, '');
  if (path === '') return undefined;

  const [segment, id, ...rest] = path.split('/');
  if (rest.length > 0) return 'unknown';

  if (segment === SEGMENTS.inbox && id !== undefined) {
    // A receipt as the patient reads it, in groups of four, opens the same submission.
    const submissionId = id.replace(/-/g, '').toUpperCase();
    return SUBMISSION_ID.test(submissionId) ? { view: 'submission', submissionId } : 'unknown';
  }
  if (id !== undefined) return 'unknown';

  const view = (Object.keys(SEGMENTS) as (keyof typeof SEGMENTS)[]).find((key) => SEGMENTS[key] === segment);
  return view ? { view } : 'unknown';
}

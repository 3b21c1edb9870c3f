import type { StaffRole } from '../db/schema';

/** One staff route and who may call it. */
export interface StaffRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path below /v1/staff. */
  path: string;
  /** Roles allowed; `public` routes need no session (only sign-in). */
  roles: readonly StaffRole[] | 'public';
}

const EVERYONE = ['admin', 'reviewer', 'analyst'] as const;
const PHI_READERS = ['admin', 'reviewer'] as const;
const ADMINS = ['admin'] as const;
const REPORTERS = ['admin', 'analyst'] as const;

/**
 * Every staff route with the roles it needs, in one place. The staff sub-app
 * registers its routes only from this table, and a test walks it with every
 * role. Reviewers read and export submissions and see the audit of reads;
 * analysts see statistics, reports, workflow figures and form metadata
 * only, never PHI; admins see all. Everyone may change their own password.
 */
export const STAFF_ROUTES = {
  signIn: { method: 'POST', path: '/session', roles: 'public' },
  currentSession: { method: 'GET', path: '/session', roles: EVERYONE },
  signOut: { method: 'DELETE', path: '/session', roles: EVERYONE },
  changePassword: { method: 'POST', path: '/session/password', roles: EVERYONE },
  listSubmissions: { method: 'GET', path: '/submissions', roles: PHI_READERS },
  showSubmission: { method: 'GET', path: '/submissions/:id', roles: PHI_READERS },
  /** `?format=json` (default) or `?format=fhir` for a FHIR R4 QuestionnaireResponse; audited as `submission.export`. */
  exportSubmission: { method: 'GET', path: '/submissions/:id/export', roles: PHI_READERS },
  /** The PHI-free consent ledger: form, version, text hash, language, time and submission id of each signed consent. */
  listConsents: { method: 'GET', path: '/consents', roles: PHI_READERS },
  submissionStatistics: { method: 'GET', path: '/statistics/submissions', roles: EVERYONE },
  listAudit: { method: 'GET', path: '/audit', roles: PHI_READERS },
  verifyAudit: { method: 'GET', path: '/audit/verification', roles: PHI_READERS },
  listUsers: { method: 'GET', path: '/users', roles: ADMINS },
  addUser: { method: 'POST', path: '/users', roles: ADMINS },
  changeRole: { method: 'PATCH', path: '/users/:id/role', roles: ADMINS },
  resetTotp: { method: 'DELETE', path: '/users/:id/totp', roles: ADMINS },
  listForms: { method: 'GET', path: '/forms', roles: EVERYONE },
  publishForm: { method: 'POST', path: '/forms', roles: ADMINS },
  rotateFormKey: { method: 'POST', path: '/forms/:id/keys', roles: ADMINS },
  setFormRetention: { method: 'PATCH', path: '/forms/:id/retention', roles: ADMINS },
  listWorkflows: { method: 'GET', path: '/workflows', roles: REPORTERS },
  /** Email templates that send steps use: id, latest version and when it was published. */
  listTemplates: { method: 'GET', path: '/templates', roles: REPORTERS },
} as const satisfies Record<string, StaffRoute>;

/** Audit actions a reviewer may list: reads and exports of submissions, not account or key changes. */
export const REVIEWER_AUDIT_ACTIONS = ['submission.decrypt', 'submission.export'] as const;

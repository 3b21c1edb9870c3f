import type { Clock } from './clock';
import type { CollectorConfig } from './config';
import type { Database } from './db/open-database';
import type { EmailKeys } from './keys/email-keys';
import type { KeyCustody } from './keys/key-custody';
import type { Logger } from './log';
import type { StaffOptions } from './staff/staff-options';
import type { WorkflowEngine } from './workflows/workflow-engine';

/** What every route needs, passed in so tests can build an app on any database. */
export interface AppContext {
  db: Database;
  custody: KeyCustody;
  /** Keys derived from the master key for message encryption and tracking tokens. */
  emailKeys: EmailKeys;
  /** Source of the current time for queueing, tracking and reports. */
  clock: Clock;
  config: Pick<CollectorConfig, 'publicOrigins' | 'maxSubmissionBytes'>;
  logger: Logger;
  /** Staff keys, session timeouts, sign-in limits and the clock. */
  staff: StaffOptions;
  /** Folder with the built browser bundles (sdk/sealpost.js, embed/form-app.js). */
  assetsDir: string;
  /** The workflow engine; without it the workflow, event, contact and report routes are not mounted. */
  workflowEngine?: WorkflowEngine;
}

/** Hono variables set by the shared middleware. */
export type AppEnv = { Variables: { requestId: string } };

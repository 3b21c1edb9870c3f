import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createApp } from '../../collector/app';
import type { AppContext } from '../../collector/app-context';
import { systemClock, type Clock } from '../../collector/clock';
import { publishForm } from '../../collector/forms/publish-form';
import { deriveStaffKeys } from '../../collector/keys/derive-key';
import { deriveEmailKeys } from '../../collector/keys/email-keys';
import { KeyCustody } from '../../collector/keys/key-custody';
import type { Logger } from '../../collector/log';
import { staffOptions, type StaffOptions } from '../../collector/staff/staff-options';
import type { FormDefinition } from '../../sdk/form-definition';
import type { TestDatabase } from './test-databases';

export const COLLECTOR_ORIGIN = 'http://localhost:8787';
export const MAX_SUBMISSION_BYTES = 64 * 1024;

/** Reads the demo intake form as shipped in demo/forms. */
export function intakeForm(): FormDefinition {
  const file = fileURLToPath(new URL('../../demo/forms/new-patient-intake.json', import.meta.url));
  return JSON.parse(readFileSync(file, 'utf8')) as FormDefinition;
}

/**
 * Creates a collector app on a test database and publishes the intake form.
 * `options` overrides staff settings (such as a test clock), the email
 * engine's clock, and the logger, which otherwise discards everything.
 */
export async function createTestCollector(database: TestDatabase, options: Partial<StaffOptions> & { logger?: Logger; clock?: Clock } = {}) {
  const masterKey = randomBytes(32);
  const custody = new KeyCustody(database.db, masterKey);
  const emailKeys = deriveEmailKeys(masterKey);
  const { keys, logger, clock, ...overrides } = options;
  const staffSettings = staffOptions(keys ?? deriveStaffKeys(masterKey), overrides);
  const published = await publishForm(database.db, custody, intakeForm(), 'test:setup');
  const context: AppContext = {
    db: database.db,
    custody,
    emailKeys,
    clock: clock ?? systemClock,
    config: { publicOrigins: [COLLECTOR_ORIGIN], maxSubmissionBytes: MAX_SUBMISSION_BYTES },
    logger: logger ?? pino({ level: 'silent' }),
    staff: staffSettings,
    assetsDir: fileURLToPath(new URL('../../dist', import.meta.url)),
  };
  return { app: createApp(context), context, custody, emailKeys, staff: staffSettings, kid: published.kid };
}

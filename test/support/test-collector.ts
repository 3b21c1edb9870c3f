import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { createApp } from '../../collector/app';
import type { AppContext } from '../../collector/app-context';
import { publishForm } from '../../collector/forms/publish-form';
import { deriveStaffKeys } from '../../collector/keys/derive-key';
import { KeyCustody } from '../../collector/keys/key-custody';
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
 * Creates a collector app on a test database, publishes the intake form and
 * discards logs. `staff` overrides staff settings, such as a test clock.
 */
export async function createTestCollector(database: TestDatabase, staff: Partial<StaffOptions> = {}) {
  const masterKey = randomBytes(32);
  const custody = new KeyCustody(database.db, masterKey);
  const { keys, ...overrides } = staff;
  const staffSettings = staffOptions(keys ?? deriveStaffKeys(masterKey), overrides);
  const published = await publishForm(database.db, custody, intakeForm(), 'test:setup');
  const context: AppContext = {
    db: database.db,
    custody,
    config: { publicOrigins: [COLLECTOR_ORIGIN], maxSubmissionBytes: MAX_SUBMISSION_BYTES },
    logger: pino({ level: 'silent' }),
    staff: staffSettings,
    assetsDir: fileURLToPath(new URL('../../dist', import.meta.url)),
  };
  return { app: createApp(context), context, custody, staff: staffSettings, kid: published.kid };
}

import { and, eq, isNull, lt, or } from 'drizzle-orm';
import { appendAudit, recordAudit } from '../audit/audit-log';
import type { Database } from '../db/open-database';
import { staffUsers, type StaffRole } from '../db/schema';
import { HttpError } from '../http/http-error';
import { decryptField, encryptField } from '../keys/field-encryption';
import { decoyPasswordHash, verifyPassword } from './password-hash';
import { assertNotThrottled, clearAccountFailures, recordSignInFailure, throttleKeys } from './sign-in-throttle';
import type { StaffOptions } from './staff-options';
import { createSession } from './staff-sessions';
import { emailIndexOf } from './staff-users';
import { generateTotpSecret, totpUri, verifyTotpCode } from './totp';

/** Fields of a sign-in request; `code` is the 6-digit TOTP code once one is set up. */
export interface SignInInput {
  email: string;
  password: string;
  code?: string;
}

/**
 * The outcome of a correct password: a session, or the TOTP step that must
 * come first. `totp_setup_required` carries the otpauth URI to show as a QR
 * code. It is offered only after a correct password.
 */
export type SignInResult =
  | { status: 'signed_in'; userId: string; role: StaffRole; token: string; expiresAt: Date }
  | { status: 'totp_setup_required'; otpauthUri: string }
  | { status: 'totp_required' };

type StaffRow = typeof staffUsers.$inferSelect;

/**
 * Signs a staff member in with password and TOTP. Failures are counted per
 * account and per client address before anything is verified, and every
 * outcome but a missing code is written to the audit log without the
 * password, the code or the email address.
 */
export async function signIn(db: Database, options: StaffOptions, input: SignInInput, address: string): Promise<SignInResult> {
  const now = options.now();
  const emailIndex = emailIndexOf(options.keys, input.email);
  const keys = throttleKeys(emailIndex, address);
  await assertNotThrottled(db, keys, options.throttle, now);

  const [user] = await db.select().from(staffUsers).where(eq(staffUsers.emailIndex, emailIndex)).limit(1);
  const passwordOk = await verifyPassword(input.password, user?.passwordHash ?? (await decoyPasswordHash(options.passwordCost)));

  const fail = async (reason: 'invalid_credentials' | 'invalid_totp_code', message: string): Promise<never> => {
    await recordSignInFailure(db, keys, options.throttle, now);
    await recordAudit(db, { actor: user ? `staff:${user.id}` : 'anonymous', action: 'staff.sign_in_failed', subjectType: 'staff_user', subjectId: user?.id ?? 'unknown', details: { reason, address } });
    throw new HttpError(401, reason, message);
  };

  if (!user || !passwordOk) {
    return fail('invalid_credentials', 'The email address or the password is wrong; check both and sign in again.');
  }

  const finish = () => finishSignIn(db, options, user, keys.account, address);
  if (!user.totpSecret) return enrolTotp(db, options, user, input.code, fail, finish);
  if (!input.code) return { status: 'totp_required' };

  const secret = decryptField(options.keys.fieldKey, `staff-totp:${user.id}`, user.totpSecret);
  const step = verifyTotpCode(secret, input.code, now);
  if (step === undefined || !(await claimTotpStep(db, user.id, step))) {
    return fail('invalid_totp_code', 'The authenticator code is wrong or was already used; enter the current 6-digit code from your authenticator app.');
  }

  return finish();
}

/**
 * Enrols TOTP at first sign-in. Without a code it offers a secret, and the
 * same one until it is confirmed, so reloading the page shows the same QR
 * code. With a code it confirms the offered secret and signs in.
 */
async function enrolTotp(
  db: Database,
  options: StaffOptions,
  user: StaffRow,
  code: string | undefined,
  fail: (reason: 'invalid_totp_code', message: string) => Promise<never>,
  finish: () => Promise<SignInResult>,
): Promise<SignInResult> {
  const context = `staff-totp:${user.id}`;
  let pending = user.totpPendingSecret ? decryptField(options.keys.fieldKey, context, user.totpPendingSecret) : undefined;

  if (!code || !pending) {
    if (!pending) {
      pending = generateTotpSecret();
      await db.update(staffUsers).set({ totpPendingSecret: encryptField(options.keys.fieldKey, context, pending), updatedAt: options.now() }).where(eq(staffUsers.id, user.id));
    }
    return { status: 'totp_setup_required', otpauthUri: totpUri(pending, `staff-${user.id.slice(0, 8)}`) };
  }

  const step = verifyTotpCode(pending, code, options.now());
  if (step === undefined) {
    return fail('invalid_totp_code', 'The authenticator code does not match the QR code; scan it again and enter the current 6-digit code.');
  }

  await db.transaction(async (tx) => {
    await tx.update(staffUsers).set({ totpSecret: user.totpPendingSecret, totpPendingSecret: null, totpLastStep: step, updatedAt: options.now() }).where(eq(staffUsers.id, user.id));
    await appendAudit(tx, { actor: `staff:${user.id}`, action: 'staff.totp_enabled', subjectType: 'staff_user', subjectId: user.id });
  });
  return finish();
}

async function finishSignIn(db: Database, options: StaffOptions, user: StaffRow, accountKey: string, address: string): Promise<SignInResult> {
  await clearAccountFailures(db, accountKey);
  const session = await createSession(db, options, user.id);
  await recordAudit(db, { actor: `staff:${user.id}`, action: 'staff.sign_in', subjectType: 'staff_user', subjectId: user.id, details: { address } });
  return { status: 'signed_in', userId: user.id, role: user.role, token: session.token, expiresAt: session.expiresAt };
}

/**
 * Records a TOTP step as used if it is newer than the last one. One
 * conditional update does both, so two requests cannot claim the same step.
 * Returns false when the code was already used.
 */
async function claimTotpStep(db: Database, userId: string, step: number): Promise<boolean> {
  const claimed = await db
    .update(staffUsers)
    .set({ totpLastStep: step })
    .where(and(eq(staffUsers.id, userId), or(isNull(staffUsers.totpLastStep), lt(staffUsers.totpLastStep, step))))
    .returning({ id: staffUsers.id });
  return claimed.length === 1;
}

import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, isNull, ne, sql } from 'drizzle-orm';
import { appendAudit } from '../audit/audit-log';
import type { Database } from '../db/open-database';
import { STAFF_ROLES, staffSessions, staffUsers, type StaffRole } from '../db/schema';
import { addressProblem } from '../email/address-problem';
import { HttpError } from '../http/http-error';
import type { StaffKeys } from '../keys/derive-key';
import { blindIndex, decryptField, encryptField } from '../keys/field-encryption';
import { SCRYPT_PARAMS, hashPassword, verifyPassword, type ScryptCost } from './password-hash';

/** A staff account as the console and the CLI show it. */
export interface StaffUser {
  id: string;
  email: string;
  role: StaffRole;
  totpEnabled: boolean;
  createdAt: Date;
}

/** The shortest password accepted, from SEALPOST_INITIAL_PASSWORD or elsewhere. */
export const MIN_PASSWORD_LENGTH = 12;

/**
 * Trims and lower-cases an address, and rejects one without a local part and
 * a domain. The error states what is wrong without repeating the address,
 * as for patient addresses.
 */
export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  const problem = normalized.length > 254 ? `has ${normalized.length} characters, more than 254` : addressProblem(normalized);
  if (problem !== undefined || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(normalized)) {
    throw new HttpError(400, 'invalid_email', `The email address is invalid: it ${problem ?? 'is not shaped like local@domain'}. Give an address such as reviewer@clinic.example.`);
  }
  return normalized;
}

/** Returns the blind index under which an address is stored. */
export function emailIndexOf(keys: StaffKeys, email: string): string {
  return blindIndex(keys.emailIndexKey, normalizeEmail(email));
}

/** Checks that a value is one of the roles, naming the roles when it is not. */
export function parseRole(value: unknown): StaffRole {
  if (typeof value === 'string' && (STAFF_ROLES as readonly string[]).includes(value)) return value as StaffRole;
  throw new HttpError(400, 'invalid_role', `The role ${JSON.stringify(value ?? null)} is invalid; use one of ${STAFF_ROLES.join(', ')}.`);
}

/**
 * Creates a staff account and its audit entry in one transaction. The audit
 * entry names the account by id and role only, because the address is
 * PHI-adjacent.
 */
export async function createStaffUser(
  db: Database,
  keys: StaffKeys,
  input: { email: string; role: StaffRole; password: string; passwordCost?: ScryptCost },
  actor: string,
  now = new Date(),
): Promise<StaffUser> {
  const email = normalizeEmail(input.email);
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new HttpError(400, 'password_too_short', `The initial password is shorter than ${MIN_PASSWORD_LENGTH} characters; choose a longer one, or leave it unset to have one generated.`);
  }

  const id = randomUUID();
  const row = {
    id,
    emailCiphertext: encryptField(keys.fieldKey, `staff-email:${id}`, email),
    emailIndex: blindIndex(keys.emailIndexKey, email),
    passwordHash: await hashPassword(input.password, input.passwordCost ?? SCRYPT_PARAMS),
    role: input.role,
    createdAt: now,
    updatedAt: now,
  };

  try {
    await db.transaction(async (tx) => {
      await tx.insert(staffUsers).values(row);
      await appendAudit(tx, { actor, action: 'staff_user.create', subjectType: 'staff_user', subjectId: id, details: { role: input.role } }, now);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new HttpError(409, 'user_exists', 'A staff account with this email address already exists; change its role on the console\'s Users page instead of adding it again.');
    throw error;
  }

  return { id, email, role: input.role, totpEnabled: false, createdAt: now };
}

/** Lists every staff account with its address decrypted, oldest first. */
export async function listStaffUsers(db: Database, keys: StaffKeys): Promise<StaffUser[]> {
  const rows = await db.select().from(staffUsers).orderBy(asc(staffUsers.createdAt), asc(staffUsers.id));
  return rows.map((row) => ({
    id: row.id,
    email: decryptField(keys.fieldKey, `staff-email:${row.id}`, row.emailCiphertext),
    role: row.role,
    totpEnabled: row.totpSecret !== null,
    createdAt: row.createdAt,
  }));
}

/**
 * Changes an account's role and records the old and new role in the audit
 * log. The last admin cannot be demoted, because no account could then
 * manage accounts from the console.
 */
export async function changeStaffRole(db: Database, userId: string, role: StaffRole, actor: string, now = new Date()): Promise<{ id: string; role: StaffRole }> {
  return db.transaction(async (tx) => {
    // Serialises role changes, so two admins demoting each other cannot both pass the last-admin check.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('staff-roles'))`);

    const [user] = await tx.select({ role: staffUsers.role }).from(staffUsers).where(eq(staffUsers.id, userId));
    if (!user) throw new HttpError(404, 'user_not_found', `No staff account has the id ${JSON.stringify(userId)}; list the accounts with GET /v1/staff/users.`);
    if (user.role === role) return { id: userId, role };

    if (user.role === 'admin') {
      const [others] = await tx.select({ n: count() }).from(staffUsers).where(and(eq(staffUsers.role, 'admin'), ne(staffUsers.id, userId)));
      if (Number(others?.n ?? 0) === 0) throw new HttpError(409, 'last_admin', 'This account is the only admin; make another account admin before changing this one.');
    }

    await tx.update(staffUsers).set({ role, updatedAt: now }).where(eq(staffUsers.id, userId));
    await appendAudit(tx, { actor, action: 'staff_user.role_change', subjectType: 'staff_user', subjectId: userId, details: { from: user.role, to: role } }, now);
    return { id: userId, role };
  });
}

/**
 * Clears an account's TOTP secret, so that its next sign-in shows a new QR
 * code, and ends its open sessions, because a reset usually follows a lost
 * or exposed authenticator. Recorded in the audit log.
 */
export async function resetStaffTotp(db: Database, userId: string, actor: string, now = new Date()): Promise<{ id: string; totpEnabled: false; endedSessions: number }> {
  return db.transaction(async (tx) => {
    const [user] = await tx.update(staffUsers).set({ totpSecret: null, totpPendingSecret: null, totpLastStep: null, updatedAt: now }).where(eq(staffUsers.id, userId)).returning({ id: staffUsers.id });
    if (!user) throw new HttpError(404, 'user_not_found', `No staff account has the id ${JSON.stringify(userId)}; list the accounts with GET /v1/staff/users.`);

    const ended = await tx
      .update(staffSessions)
      .set({ revokedAt: now })
      .where(and(eq(staffSessions.userId, userId), isNull(staffSessions.revokedAt)))
      .returning({ id: staffSessions.id });
    await appendAudit(tx, { actor, action: 'staff_user.totp_reset', subjectType: 'staff_user', subjectId: userId, details: { endedSessions: ended.length } }, now);
    return { id: userId, totpEnabled: false as const, endedSessions: ended.length };
  });
}

/** Outcome of a password change: changed, or rejected because the current password was wrong. */
export type PasswordChangeResult = { status: 'changed'; endedSessions: number } | { status: 'wrong_password' };

/**
 * Changes a signed-in user's own password after checking the current one.
 * The user's other sessions end; the session that made the change stays.
 * The caller counts a wrong current password as a failed sign-in.
 */
export async function changeOwnPassword(
  db: Database,
  input: { userId: string; sessionId: string; currentPassword: string; newPassword: string; passwordCost?: ScryptCost },
  now = new Date(),
): Promise<PasswordChangeResult> {
  const [user] = await db.select({ passwordHash: staffUsers.passwordHash }).from(staffUsers).where(eq(staffUsers.id, input.userId));
  if (!user) throw new HttpError(404, 'user_not_found', 'The signed-in account no longer exists; sign in again.');
  if (!(await verifyPassword(input.currentPassword, user.passwordHash))) return { status: 'wrong_password' };

  if (input.newPassword.length < MIN_PASSWORD_LENGTH) {
    throw new HttpError(400, 'password_too_short', `The new password is shorter than ${MIN_PASSWORD_LENGTH} characters; choose a longer one, such as a few unrelated words.`);
  }
  if (input.newPassword === input.currentPassword) throw new HttpError(400, 'password_unchanged', 'The new password is the same as the current one; choose a different one.');

  const passwordHash = await hashPassword(input.newPassword, input.passwordCost ?? SCRYPT_PARAMS);
  return db.transaction(async (tx) => {
    await tx.update(staffUsers).set({ passwordHash, updatedAt: now }).where(eq(staffUsers.id, input.userId));
    const ended = await tx
      .update(staffSessions)
      .set({ revokedAt: now })
      .where(and(eq(staffSessions.userId, input.userId), ne(staffSessions.id, input.sessionId), isNull(staffSessions.revokedAt)))
      .returning({ id: staffSessions.id });
    await appendAudit(tx, { actor: `staff:${input.userId}`, action: 'staff_user.password_change', subjectType: 'staff_user', subjectId: input.userId, details: { endedSessions: ended.length } }, now);
    return { status: 'changed' as const, endedSessions: ended.length };
  });
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { cause?: { code?: string } })?.cause?.code === '23505';
}

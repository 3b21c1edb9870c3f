import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** The console roles: admin does everything, reviewer reads PHI, analyst reads reports only. */
export const STAFF_ROLES = ['admin', 'reviewer', 'analyst'] as const;

export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Staff accounts of the console. The email address is stored encrypted with
 * AES-256-GCM under a key derived from the master key. Lookups go through
 * `emailIndex`, an HMAC-SHA256 blind index of the normalised address, so a
 * copy of this table does not list who works at the clinic.
 */
export const staffUsers = pgTable(
  'staff_users',
  {
    id: text().primaryKey(),
    emailCiphertext: text().notNull(),
    emailIndex: text().notNull().unique(),
    /** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
    passwordHash: text().notNull(),
    role: text().$type<StaffRole>().notNull(),
    /** Encrypted TOTP secret offered at first sign-in and not yet confirmed with a code. */
    totpPendingSecret: text(),
    /** Encrypted TOTP secret; set once the user confirmed it with a valid code. */
    totpSecret: text(),
    /** Last accepted TOTP time step, so one code cannot sign in twice. */
    totpLastStep: bigint({ mode: 'number' }),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
  },
  (table) => [check('staff_users_role_check', sql`${table.role} in ('admin', 'reviewer', 'analyst')`)],
);

/**
 * Server-side console sessions. The cookie only names a row. A session is
 * valid while it is not revoked, `lastSeenAt` is within the idle timeout,
 * and `expiresAt` (the absolute timeout) has not passed.
 */
export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => staffUsers.id),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (table) => [index().on(table.userId)],
);

/**
 * Failed sign-in counters, one row per key (`account:<email index>` or
 * `address:<client address>`), kept in the database so that every collector
 * process counts the same failures.
 */
export const signInThrottle = pgTable('sign_in_throttle', {
  key: text().primaryKey(),
  failures: integer().notNull(),
  windowStartedAt: timestamp({ withTimezone: true }).notNull(),
});

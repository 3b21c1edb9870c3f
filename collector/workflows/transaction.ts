import type { Database } from '../db/open-database';

/** A drizzle transaction on either driver. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

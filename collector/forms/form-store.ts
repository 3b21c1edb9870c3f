import { and, asc, eq } from 'drizzle-orm';
import type { FormDefinition } from '../../sdk/form-definition';
import type { Database } from '../db/open-database';
import { forms, formVersions } from '../db/schema';

// A published version never changes, so lookups by explicit version are cached per database.
const versionCache = new WeakMap<Database, Map<string, FormDefinition>>();

/** Returns a published version of a form, the current one when `version` is omitted. */
export async function findFormVersion(db: Database, formId: string, version?: number): Promise<FormDefinition | undefined> {
  const cache = versionCache.get(db) ?? new Map<string, FormDefinition>();
  versionCache.set(db, cache);
  const cacheKey = `${formId}\u0000${version}`;
  if (version !== undefined && cache.has(cacheKey)) return cache.get(cacheKey);

  const condition =
    version === undefined
      ? and(eq(formVersions.formId, formId), eq(formVersions.version, forms.currentVersion))
      : and(eq(formVersions.formId, formId), eq(formVersions.version, version));

  const [row] = await db
    .select({ definition: formVersions.definition })
    .from(formVersions)
    .innerJoin(forms, eq(forms.id, formVersions.formId))
    .where(condition)
    .limit(1);

  if (row && version !== undefined) cache.set(cacheKey, row.definition);
  return row?.definition;
}

/** Lists every form with its current version. */
export async function listForms(db: Database): Promise<{ id: string; currentVersion: number; updatedAt: Date }[]> {
  return db.select({ id: forms.id, currentVersion: forms.currentVersion, updatedAt: forms.updatedAt }).from(forms).orderBy(asc(forms.id));
}

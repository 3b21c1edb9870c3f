import { and, asc, eq } from 'drizzle-orm';
import type { FormDefinition } from '../../sdk/form-definition';
import type { Database } from '../db/open-database';
import { forms, formVersions } from '../db/schema';

/** Returns a published version of a form, the current one when `version` is omitted. */
export async function findFormVersion(db: Database, formId: string, version?: number): Promise<FormDefinition | undefined> {
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
  return row?.definition;
}

/** Lists every form with its current version. */
export async function listForms(db: Database): Promise<{ id: string; currentVersion: number; updatedAt: Date }[]> {
  return db.select({ id: forms.id, currentVersion: forms.currentVersion, updatedAt: forms.updatedAt }).from(forms).orderBy(asc(forms.id));
}

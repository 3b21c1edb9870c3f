/** A custom element class that records which Sealpost version it belongs to. */
export interface VersionedElement extends CustomElementConstructor {
  readonly sealpostVersion: string;
}

/**
 * Outcome of {@link defineElement}: `defined` registered the class, `already-defined`
 * found the same version registered, and `version-conflict` found another version
 * (or another library) registered under the tag and left it in place.
 */
export type DefineResult = 'defined' | 'already-defined' | 'version-conflict';

// Symbol.for keys are shared by every copy of this module on the page, so two
// bundles loaded side by side see the same record of reported conflicts.
const REPORTED_CONFLICTS = Symbol.for('sealpost.reportedVersionConflicts');

type ConflictRecord = { [REPORTED_CONFLICTS]?: Set<string> };

/**
 * Registers a custom element unless its tag is already taken, because a page
 * may load a Sealpost script twice and `customElements.define` throws on a
 * second definition. A conflict between versions is recorded, and in
 * development builds warned about, once per tag.
 *
 * @example
 * defineElement('sealpost-form', SealpostFormElement); // 'defined'
 */
export function defineElement(tag: string, element: VersionedElement, registry: CustomElementRegistry = customElements): DefineResult {
  const existing = registry.get(tag) as Partial<VersionedElement> | undefined;
  if (!existing) {
    registry.define(tag, element);
    return 'defined';
  }

  if (existing.sealpostVersion === element.sealpostVersion) return 'already-defined';

  reportConflict(tag, existing.sealpostVersion, element.sealpostVersion);
  return 'version-conflict';
}

/**
 * Returns the tags whose registration met another version on this page.
 *
 * @example
 * reportedVersionConflicts().has('sealpost-form'); // false
 */
export function reportedVersionConflicts(): ReadonlySet<string> {
  return (globalThis as ConflictRecord)[REPORTED_CONFLICTS] ?? new Set();
}

function reportConflict(tag: string, existingVersion: string | undefined, newVersion: string): void {
  const record = globalThis as ConflictRecord;
  const reported = (record[REPORTED_CONFLICTS] ??= new Set());
  if (reported.has(tag)) return;

  reported.add(tag);
  if (import.meta.env.DEV) {
    const owner = existingVersion === undefined ? 'another library' : `Sealpost ${existingVersion}`;
    console.warn(
      `[sealpost:version-conflict] <${tag}> is already defined by ${owner}, so Sealpost ${newVersion} left it in place. Load one Sealpost script per page.`,
    );
  }
}

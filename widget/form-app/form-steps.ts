import type { Field, LocalizedText } from '../../sdk/form-definition';
import { scopeFieldIds } from '../../sdk/validate-answers';

/** One step of a paged form: a top-level group, or a run of fields between groups. */
export interface Section {
  title?: LocalizedText;
  fields: Field[];
  /** Answer keys of the section (the first part of an error's field name). */
  keys: Set<string>;
}

/**
 * Splits a form into steps: each top-level group is one, and fields between
 * groups form one each. A form with fewer than two steps is shown whole.
 *
 * @example
 * splitSections(definition.fields).length; // 3 for [consent text, group "About you", group "History"]
 */
export function splitSections(fields: Field[]): Section[] {
  const sections: Section[] = [];
  let loose: Field[] = [];
  const flush = () => {
    if (loose.length > 0) sections.push(section(loose));
    loose = [];
  };

  for (const field of fields) {
    if (field.type !== 'group') {
      loose.push(field);
      continue;
    }
    flush();
    sections.push({ ...section([field]), title: field.label });
  }
  flush();
  return sections;
}

/** Returns the index of the section that contains a field name (`id` or `group[index].id`), or -1. */
export function sectionOfName(sections: Section[], name: string): number {
  const key = name.split('[')[0] ?? name;
  return sections.findIndex((candidate) => candidate.keys.has(key));
}

function section(fields: Field[]): Section {
  return { fields, keys: new Set(scopeFieldIds(fields)) };
}

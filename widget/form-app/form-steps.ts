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
 * groups form one each. A form of one step shows no progress indicator.
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

/**
 * Returns the index of the section that contains a field name (`id` or `group[index].id`), or -1.
 *
 * @example
 * sectionOfName(sections, 'medications[1].dose'); // the index of the step with the medications group
 */
export function sectionOfName(sections: Section[], name: string): number {
  const key = name.split('[')[0] ?? name;
  return sections.findIndex((candidate) => candidate.keys.has(key));
}

function section(fields: Field[]): Section {
  return { fields, keys: new Set(scopeFieldIds(fields)) };
}

/**
 * The step a paged form shows, or its review page. It requests a render from
 * its host after each move, and focuses the heading that tells a screen
 * reader user where they are.
 *
 * @example
 * const steps = new StepNavigation(() => app.requestUpdate(), (id) => focusAfterRender(id));
 * steps.load(definition.fields);
 * if (steps.paged) steps.goTo(1);
 */
export class StepNavigation {
  sections: Section[] = [];
  step = 0;
  reviewing = false;

  constructor(
    private readonly changed: () => void,
    private readonly focus: (id: string) => void,
  ) {}

  /**
   * True when the form shows one section per step, with a progress indicator.
   * Every form, paged or not, has a review page before submit.
   */
  get paged(): boolean {
    return this.sections.length > 1;
  }

  get onLastStep(): boolean {
    return this.step === this.sections.length - 1;
  }

  load(fields: Field[]): void {
    this.sections = splitSections(fields);
    this.reset();
  }

  reset(): void {
    this.step = 0;
    this.reviewing = false;
  }

  /** Shows a step and focuses its progress text, or the form's title when the form has one step. */
  goTo(step: number, focusId = this.paged ? 'step-progress' : 'form-title'): void {
    this.step = step;
    this.reviewing = false;
    this.changed();
    this.focus(focusId);
  }

  review(): void {
    this.reviewing = true;
    this.changed();
    this.focus('review-title');
  }

  back(): void {
    if (this.reviewing) this.goTo(this.step);
    else if (this.step > 0) this.goTo(this.step - 1);
  }

  /** Shows the step of a field name without moving focus; returns true when the step changed. */
  reveal(name: string): boolean {
    const section = sectionOfName(this.sections, name);
    if (section === -1 || (section === this.step && !this.reviewing)) return false;

    this.step = section;
    this.reviewing = false;
    this.changed();
    return true;
  }
}

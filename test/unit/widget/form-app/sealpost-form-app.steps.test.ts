import './quiet-lit';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { FormDefinition } from '../../../../sdk/form-definition';
import type { SealpostFormApp } from '../../../../widget/form-app/sealpost-form-app';
import { byId, createFakeCollector, enter, FORM_ID, mountApp, root, settle, tick } from './app-fixture';

const definition: FormDefinition = {
  id: FORM_ID,
  version: 1,
  title: 'Medications',
  allowedOrigins: ['http://localhost:8788'],
  fields: [
    { id: 'name', type: 'text', label: { en: 'Full name', es: 'Nombre completo' }, required: true },
    {
      id: 'history',
      type: 'group',
      label: { en: 'History', es: 'Historial' },
      fields: [
        { id: 'smoker', type: 'boolean', label: { en: 'Do you smoke?', es: '¿Fuma?' }, required: true },
        { id: 'packs', type: 'number', label: 'Packs a day', unit: 'packs', enableWhen: [{ field: 'smoker', operator: '=', value: true }] },
      ],
    },
  ],
};

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const buttonNamed = (app: SealpostFormApp, text: string) =>
  Array.from(root(app).querySelectorAll('button')).find((button) => button.textContent?.trim() === text);

async function click(app: SealpostFormApp, text: string) {
  const button = buttonNamed(app, text);
  if (!button) throw new Error(`No button “${text}”.`);
  button.click();
  await settle(app);
  await settle(app);
}

const visibleSections = (app: SealpostFormApp) => Array.from(root(app).querySelectorAll('.section')).map((section) => !section.hasAttribute('hidden'));

describe('form app steps', () => {
  test('shows one step with progress', async () => {
    const app = await mountApp((await createFakeCollector({ definition })).fetch);

    expect(byId(app, 'step-progress').textContent).toBe('Step 1 of 2');
    expect(visibleSections(app)).toEqual([true, false]);
    expect(buttonNamed(app, 'Back')).toBeUndefined();
    expect(buttonNamed(app, 'Submit')).toBeUndefined();
  });

  test('next validates the step', async () => {
    const app = await mountApp((await createFakeCollector({ definition })).fetch);
    await click(app, 'Next');

    expect(byId(app, 'error-summary').textContent).toContain('Enter “Full name”.');
    expect(byId(app, 'error-summary').textContent).not.toContain('Do you smoke?');
    expect(root(app).activeElement?.id).toBe('error-summary');
    expect(visibleSections(app)).toEqual([true, false]);
  });

  test('moves forward, back and to review', async () => {
    const app = await mountApp((await createFakeCollector({ definition })).fetch);
    enter(app, 'name', 'Ana Ruiz');
    await click(app, 'Next');

    expect(byId(app, 'step-progress').textContent).toBe('Step 2 of 2');
    expect(root(app).activeElement?.id).toBe('step-progress');
    expect(visibleSections(app)).toEqual([false, true]);

    await click(app, 'Back');
    expect(visibleSections(app)).toEqual([true, false]);
    expect(byId<HTMLInputElement>(app, 'field-name').value).toBe('Ana Ruiz');

    await click(app, 'Next');
    tick(app, 'field-smoker-option-0');
    await settle(app);
    enter(app, 'packs', '2');
    await settle(app);
    await click(app, 'Review your answers');

    expect(byId(app, 'step-progress').textContent).toBe('Review');
    expect(root(app).activeElement?.id).toBe('review-title');
    expect(visibleSections(app)).toEqual([false, false]);
    const review = Array.from(root(app).querySelectorAll('.review dt, .review dd'), (element) => element.textContent);
    expect(review).toEqual(['Full name', 'Ana Ruiz', 'Do you smoke?', 'Yes', 'Packs a day', '2 packs']);
    expect(buttonNamed(app, 'Submit')).toBeDefined();
  });

  test('renders later steps after the first, and reads their starting values', async () => {
    const withInitial: FormDefinition = {
      ...definition,
      fields: [...definition.fields, { id: 'later', type: 'group', label: 'Later', fields: [{ id: 'clinic', type: 'text', label: 'Clinic', initial: 'Riverside' }] }],
    };
    const app = await mountApp((await createFakeCollector({ definition: withInitial })).fetch);

    await vi.waitFor(() => expect(root(app).getElementById('field-clinic')).not.toBeNull());
    expect(Array.from(root(app).querySelectorAll('.section'), (section) => section.querySelectorAll('[data-field]').length)).toEqual([1, 1, 1]);
    await vi.waitFor(() => expect(app['answers']).toEqual({ clinic: 'Riverside' }));
    expect(visibleSections(app)).toEqual([true, false, false]);
  });

  test('review submits every step', async () => {
    const collector = await createFakeCollector({ definition });
    const app = await mountApp(collector.fetch, 'es');
    enter(app, 'name', 'Ana Ruiz');
    await click(app, 'Siguiente');
    tick(app, 'field-smoker-option-1');
    await click(app, 'Revisar sus respuestas');
    await click(app, 'Enviar');

    await vi.waitFor(() => expect(collector.submissions).toHaveLength(1));
    expect((await collector.decrypt(collector.submissions[0]!.jwe)).answers).toEqual({ name: 'Ana Ruiz', smoker: false });
  });

  test('change goes back to the step', async () => {
    const app = await mountApp((await createFakeCollector({ definition })).fetch);
    enter(app, 'name', 'Ana Ruiz');
    await click(app, 'Next');
    tick(app, 'field-smoker-option-1');
    await click(app, 'Review your answers');
    await click(app, 'Change the answers of step 1');

    expect(byId(app, 'step-progress').textContent).toBe('Step 1 of 2');
    expect(visibleSections(app)).toEqual([true, false]);
  });
});

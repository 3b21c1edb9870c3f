import { afterEach, describe, expect, test, vi } from 'vitest';
import { defineElement, reportedVersionConflicts } from '../../../widget/define-element';

function versioned(version: string) {
  return class extends HTMLElement {
    static readonly sealpostVersion = version;
  };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('defineElement', () => {
  test('defines new tag', () => {
    const element = versioned('1.0.0');

    expect(defineElement('sealpost-define-new', element)).toBe('defined');
    expect(customElements.get('sealpost-define-new')).toBe(element);
  });

  test('same version is a no-op', () => {
    const first = versioned('1.0.0');
    defineElement('sealpost-define-same', first);

    expect(defineElement('sealpost-define-same', versioned('1.0.0'))).toBe('already-defined');
    expect(customElements.get('sealpost-define-same')).toBe(first);
  });

  test('other version warns once', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const first = versioned('1.0.0');
    defineElement('sealpost-define-conflict', first);

    expect(defineElement('sealpost-define-conflict', versioned('2.0.0'))).toBe('version-conflict');
    expect(defineElement('sealpost-define-conflict', versioned('3.0.0'))).toBe('version-conflict');

    expect(customElements.get('sealpost-define-conflict')).toBe(first);
    expect(reportedVersionConflicts().has('sealpost-define-conflict')).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      '[sealpost:version-conflict] <sealpost-define-conflict> is already defined by Sealpost 1.0.0, so Sealpost 2.0.0 left it in place. Load one Sealpost script per page.',
    );
  });

  test('foreign element counts as conflict', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    customElements.define('sealpost-define-foreign', class extends HTMLElement {});

    expect(defineElement('sealpost-define-foreign', versioned('1.0.0'))).toBe('version-conflict');
    expect(warn.mock.calls[0]?.[0]).toContain('is already defined by another library');
  });
});

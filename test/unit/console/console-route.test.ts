import { describe, expect, it } from 'vitest';
import { formatRoute, parseRoute, type ConsoleRoute } from '../../../collector/console/console-route';

describe('console routes', () => {
  it('round-trips every page', () => {
    const routes: ConsoleRoute[] = [
      { view: 'inbox' },
      { view: 'submission', submissionId: '7K3M9QXD2BNP4R6T' },
      { view: 'consents' },
      { view: 'audit' },
      { view: 'statistics' },
      { view: 'reports' },
      { view: 'workflows' },
      { view: 'forms' },
      { view: 'users' },
      { view: 'account' },
    ];
    for (const route of routes) expect(parseRoute(formatRoute(route))).toEqual(route);
  });

  it('names pages in the fragment', () => {
    expect(formatRoute({ view: 'inbox' })).toBe('#/submissions');
    expect(formatRoute({ view: 'submission', submissionId: '7K3M9QXD2BNP4R6T' })).toBe('#/submissions/7K3M9QXD2BNP4R6T');
  });

  it('treats an empty fragment as no request', () => {
    expect(parseRoute('')).toBeUndefined();
    expect(parseRoute('#')).toBeUndefined();
    expect(parseRoute('#/')).toBeUndefined();
  });

  it('reads a receipt in groups of four', () => {
    expect(parseRoute('#/submissions/7k3m-9qxd-2bnp-4r6t')).toEqual({ view: 'submission', submissionId: '7K3M9QXD2BNP4R6T' });
  });

  it('rejects unknown addresses', () => {
    expect(parseRoute('#/nowhere')).toBe('unknown');
    expect(parseRoute('#/audit/extra')).toBe('unknown');
    expect(parseRoute('#/submissions/7K3M9QXD2BNP4R6T/more')).toBe('unknown');
    // Too short, and with the letters I, L, O and U that Crockford base32 leaves out.
    expect(parseRoute('#/submissions/7K3M9QXD')).toBe('unknown');
    expect(parseRoute('#/submissions/7K3M9QXD2BNP4R6U')).toBe('unknown');
    // Free text never becomes a submission id.
    expect(parseRoute('#/submissions/Bartholomew%20Nakashima')).toBe('unknown');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHeaders, sampleMessage } from '../support/email-fixtures';
import { databaseFingerprint } from '../support/table-counts';
import { createTestCollector } from '../support/test-collector';
import { createTestDatabase, drivers, type TestDatabase } from '../support/test-databases';

// Each href is written into the HTML attribute as is, so entities and control characters reach the HTML parser.
const CODE_LINKS = ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'java&#x0A;script:alert(1)', '&#106;avascript:alert(1)', 'vbscript:msgbox(1)', 'data:text/html,<script>alert(1)</script>'];
const PROTOCOL_RELATIVE_LINKS = ['//evil.example/login', ' //evil.example/', '\\\\evil.example/', '/\\evil.example/', '\\/evil.example/', '/\t/evil.example/', '/&#x5C;evil.example/'];
const BACKSLASH_LINKS = ['https:\\\\evil.example/', 'https:/\\evil.example/', 'https:\\/evil.example/', 'http:\\\\evil.example/', 'https:evil.example/', 'https://clinic.example\\@evil.example/', 'https://clinic.example&#x5C;@evil.example/', 'HTTPS:\\\\evil.example/'];

describe.each(drivers)('redirect targets at queue time on %s', (driver) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestCollector>>['app'];
  let headers: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase(driver);
    app = (await createTestCollector(database)).app;
    headers = await apiHeaders(database.db);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  function queue(path: '/v1/messages' | '/v1/messages/external', href: string) {
    const html = `<p><a href="https://clinic.example/ok">fine</a> <a href="${href}">click</a></p>`;
    return app.request(path, { method: 'POST', headers, body: JSON.stringify(sampleMessage({ html })) });
  }

  async function expectRejected(href: string, messagePart: string) {
    for (const path of ['/v1/messages', '/v1/messages/external'] as const) {
      const before = await databaseFingerprint(database.db);
      const response = await queue(path, href);
      expect(response.status, `${path} ${JSON.stringify(href)}`).toBe(422);
      const { error } = (await response.json()) as { error: { code: string; message: string; field: string } };
      expect(error.code).toBe('unsafe_link');
      expect(error.field).toBe('html');
      expect(error.message).toContain(`link 2 ${messagePart}`);
      expect(await databaseFingerprint(database.db)).toEqual(before);
    }
  }

  it.each(CODE_LINKS)('rejects the code link %j', async (href) => {
    await expectRejected(href, 'has a ');
  });

  it.each(PROTOCOL_RELATIVE_LINKS)('rejects the protocol-relative link %j', async (href) => {
    await expectRejected(href, 'is protocol-relative or uses a backslash');
  });

  it.each(BACKSLASH_LINKS)('rejects the backslash link %j', async (href) => {
    await expectRejected(href, 'is protocol-relative or uses a backslash');
  });

  it.each(['https://clinic.example/a\\b', 'HTTPS://Clinic.Example/visit', '/relative/path', 'mailto:front-desk@clinic.example'])('accepts the plain link %j', async (href) => {
    expect((await queue('/v1/messages', href)).status).toBe(202);
  });
});

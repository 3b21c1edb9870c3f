import { describe, expect, test, vi } from 'vitest';
import { CollectorError, createCollectorClient } from '../../../sdk/collector-client';
import type { SubmissionEnvelope } from '../../../sdk/form-definition';

const envelope: SubmissionEnvelope = { formVersion: 1, kid: 'k1', jwe: 'a.b.c.d.e', idempotencyKey: '0123456789abcdef0123456789abcdef' };
const receipt = { id: '7K3M9QXD2BNP4R6T', receivedAt: '2026-12-04T10:00:00.000Z' };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** Creates a client whose fetch returns scripted responses (or throws scripted errors) and whose sleep records each delay. */
function scriptedClient(script: (Response | Error)[], attempts?: number) {
  const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => {
    const next = script.shift();
    if (next === undefined) throw new Error('fetch called more often than scripted');
    if (next instanceof Error) throw next;
    return next;
  });
  const delays: number[] = [];
  const sleep = async (ms: number) => {
    delays.push(ms);
  };
  const client = createCollectorClient({ baseUrl: 'https://collector.example/', fetch, sleep, attempts, submitAttempts: attempts });
  return { client, fetch, delays };
}

describe('collector client', () => {
  test('getForm builds encoded URL', async () => {
    const { client, fetch } = scriptedClient([json(200, { definition: {}, key: {} })]);

    await client.getForm('new patient');

    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]?.[0]).toBe('https://collector.example/v1/forms/new%20patient');
    expect(fetch.mock.calls[0]?.[1]?.method).toBe('GET');
  });

  test('submit sends the contact token in the body beside the JWE, never in the URL', async () => {
    const { client, fetch } = scriptedClient([json(503, {}), json(201, receipt)]);
    const withToken = { ...envelope, contactToken: 'sct1.AAAAAAAA.eyJjIjoiYSJ9.tag' };

    await client.submit('intake', withToken);

    for (const [url, init] of fetch.mock.calls) {
      expect(String(url)).toBe('https://collector.example/v1/forms/intake/submissions');
      expect(JSON.parse(String(init?.body))).toEqual(withToken);
    }
  });

  test('submit retries 5xx with same body', async () => {
    const { client, fetch, delays } = scriptedClient([json(503, {}), new TypeError('fetch failed'), json(201, receipt)]);

    await expect(client.submit('intake', envelope)).resolves.toEqual(receipt);

    expect(fetch).toHaveBeenCalledTimes(3);
    const bodies = fetch.mock.calls.map((call) => call[1]?.body);
    expect(bodies).toEqual([JSON.stringify(envelope), JSON.stringify(envelope), JSON.stringify(envelope)]);
    expect(JSON.parse(String(bodies[2])).idempotencyKey).toBe(envelope.idempotencyKey);
    expect(fetch.mock.calls[0]?.[0]).toBe('https://collector.example/v1/forms/intake/submissions');
    expect(delays).toEqual([500, 1000]);
  });

  test('no retry on 422', async () => {
    const body = { error: { code: 'invalid_answers', message: 'Answer 2 is invalid.', fields: [{ field: 'email', code: 'invalid_email' }] } };
    const { client, fetch, delays } = scriptedClient([json(422, body)]);

    const error = await client.submit('intake', envelope).catch((caught: unknown) => caught);

    expect(fetch).toHaveBeenCalledTimes(1);
    expect(delays).toEqual([]);
    expect(error).toBeInstanceOf(CollectorError);
    expect(error).toMatchObject({
      code: 'invalid_answers',
      status: 422,
      message: 'Answer 2 is invalid.',
      fields: [{ field: 'email', code: 'invalid_email' }],
    });
  });

  test('no retry on 404', async () => {
    const { client, fetch } = scriptedClient([json(404, { error: { code: 'form_not_found', message: 'No form "x".' } })]);

    await expect(client.getForm('x')).rejects.toMatchObject({ code: 'form_not_found', status: 404 });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  test('429 waits for Retry-After', async () => {
    const { client, delays } = scriptedClient([json(429, {}, { 'retry-after': '3' }), json(201, receipt)]);

    await client.submit('intake', envelope);

    expect(delays).toEqual([3000]);
  });

  test('Retry-After capped at 30 s', async () => {
    const { client, delays } = scriptedClient([json(503, {}, { 'retry-after': '3600' }), json(201, receipt)]);

    await client.submit('intake', envelope);

    expect(delays).toEqual([30_000]);
  });

  test('submit outlasts a 30 s outage', async () => {
    const unavailable = () => json(503, { error: { code: 'database_unavailable', message: 'Down.' } }, { 'retry-after': '5' });
    const { client, fetch, delays } = scriptedClient([...Array.from({ length: 7 }, unavailable), json(201, receipt)]);

    await expect(client.submit('intake', envelope)).resolves.toEqual(receipt);
    expect(fetch).toHaveBeenCalledTimes(8);
    expect(delays).toEqual([5000, 5000, 5000, 5000, 5000, 5000, 5000]);
  });

  test('getForm gives up after five attempts', async () => {
    const { client, fetch } = scriptedClient(Array.from({ length: 5 }, () => json(503, {})));

    await expect(client.getForm('intake')).rejects.toMatchObject({ status: 503 });
    expect(fetch).toHaveBeenCalledTimes(5);
  });

  test('backoff is capped at 30 s', async () => {
    const { client, delays } = scriptedClient([...Array.from({ length: 8 }, () => new TypeError('fetch failed')), json(201, receipt)], 12);

    await client.submit('intake', envelope);
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  test('gives up after attempts', async () => {
    const { client, fetch } = scriptedClient([json(500, {}), json(502, {}), json(503, { error: { code: 'unavailable', message: 'Down.' } })], 3);

    await expect(client.submit('intake', envelope)).rejects.toMatchObject({ code: 'unavailable', status: 503, message: 'Down.' });
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  test('non-JSON error body', async () => {
    const html = new Response('<html>Bad gateway</html>', { status: 502 });
    const { client } = scriptedClient([html], 1);

    await expect(client.submit('intake', envelope)).rejects.toMatchObject({
      code: 'http_error',
      status: 502,
      message: 'The collector returned HTTP 502.',
    });
  });

  test('timeout maps to timeout code', async () => {
    const { client } = scriptedClient([new DOMException('timed out', 'TimeoutError')], 1);

    await expect(client.getForm('intake')).rejects.toMatchObject({
      code: 'timeout',
      status: 0,
      message: 'The collector did not respond in time.',
    });
  });

  test('network failure code', async () => {
    const { client } = scriptedClient([new TypeError('fetch failed'), new TypeError('fetch failed')], 2);

    await expect(client.getForm('intake')).rejects.toMatchObject({
      code: 'network_error',
      status: 0,
      message: 'The collector could not be reached.',
    });
  });
});

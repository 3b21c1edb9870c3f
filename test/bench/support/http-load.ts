import http from 'node:http';

/** Figures of one load run. Latencies are in milliseconds. */
export interface LoadFigures {
  requests: number;
  errors: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
}

/**
 * Sends requests over `connections` keep-alive connections for `durationMs`
 * and measures throughput and latency. `makeRequest(i)` returns the body of
 * the i-th request, or undefined for a GET.
 */
export async function runHttpLoad(options: {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  makeBody?: (i: number) => string | undefined;
  /** Returns the URL of the i-th request, instead of `url` for every request. */
  makeUrl?: (i: number) => string;
  connections: number;
  durationMs: number;
  expectStatus: number;
}): Promise<LoadFigures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  let errors = 0;
  let counter = 0;
  const started = performance.now();
  const until = started + options.durationMs;

  async function worker(): Promise<void> {
    while (performance.now() < until) {
      const i = counter++;
      const body = options.makeBody?.(i);
      const url = options.makeUrl?.(i) ?? options.url;
      const sent = performance.now();
      const status = await send(agent, url, options.method ?? 'GET', options.headers ?? {}, body).catch(() => 0);
      if (status === options.expectStatus) latencies.push(performance.now() - sent);
      else errors++;
    }
  }

  await Promise.all(Array.from({ length: options.connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN);
  return { requests: latencies.length, errors, requestsPerSecond: round(latencies.length / elapsed), p50: percentile(50), p99: percentile(99) };
}

function send(agent: http.Agent, url: string, method: string, headers: Record<string, string>, body: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { agent, method, headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

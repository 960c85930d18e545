import { waitFor } from '@movies/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureDir, type RunningServer, startServer } from './helpers.js';

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

async function start(env: Record<string, string>): Promise<RunningServer> {
  const server = await startServer({ DATA_DIR: fixtureDir('bollywood'), ...env });
  running.push(server);
  return server;
}

async function inFlight(server: RunningServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const match = /^http_requests_in_flight\{[^}]*\} (\d+)/m.exec(text);
  // The scrape itself is in flight while it is being answered.
  return Number(match?.[1] ?? 0) - 1;
}

describe('graceful shutdown of the real server process', () => {
  it('on SIGTERM turns /readyz 503, finishes every in-flight request, then exits 0 within the bound', async () => {
    const server = await start({
      FAULT_DELAY_MS: '2500',
      SHUTDOWN_DELAY_MS: '1500',
      SHUTDOWN_TIMEOUT_MS: '15000',
    });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    const requests = Array.from({ length: 6 }, (_, i) =>
      fetch(`${server.url}/movies?page=1&per_page=${i + 1}`).then(async (res) => ({
        status: res.status,
        body: (await res.json()) as { results: unknown[] },
      })),
    );
    await waitFor(async () => (await inFlight(server)) >= 6, 'six requests in flight', { timeoutMs: 10_000 });

    server.child.kill('SIGTERM');
    await waitFor(async () => (await fetch(`${server.url}/readyz`)).status === 503, 'readyz 503', {
      timeoutMs: 5_000,
    });
    // Liveness stays green while draining: the pod must not be restarted mid-drain.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    const answers = await Promise.all(requests);
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect(answer.body.results).toHaveLength(i + 1);
    });
    const { code } = await server.exited;
    expect(code).toBe(0);
    expect(server.stdout()).toContain('"msg":"draining"');
    expect(server.stdout()).toContain('"msg":"stopped"');
  }, 60_000);

  it('exits within SHUTDOWN_TIMEOUT_MS even when a request would outlive it', async () => {
    const server = await start({
      FAULT_DELAY_MS: '60000',
      SHUTDOWN_DELAY_MS: '0',
      SHUTDOWN_TIMEOUT_MS: '1000',
    });
    const stuck = fetch(`${server.url}/genres`).then(
      (res) => res.status,
      () => 'aborted',
    );
    await waitFor(async () => (await inFlight(server)) >= 1, 'a request in flight', { timeoutMs: 10_000 });
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    // The bound, not the 60 s request, ended the process: the request was cut off and the bound was logged.
    expect(code).toBe(1);
    expect(await stuck).toBe('aborted');
    expect(server.stdout()).toContain('shutdown bound reached');
  }, 60_000);
});

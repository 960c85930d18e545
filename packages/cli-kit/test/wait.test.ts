import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isListening, waitForHttp } from '../src/index.js';

let server: Server | undefined;

afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A loopback server answering every request with `status`; resolves with its URL. */
function serve(status: number): Promise<string> {
  const listening = createServer((_request, response) => response.writeHead(status).end());
  server = listening;
  return new Promise((resolve) =>
    listening.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(listening.address() as AddressInfo).port}/`),
    ),
  );
}

describe('waitForHttp', () => {
  it('resolves once the server answers 2xx', async () => {
    await expect(waitForHttp(await serve(204))).resolves.toBeUndefined();
  });

  it('takes the statuses `ready` accepts, and only those', async () => {
    const url = await serve(404);
    await expect(waitForHttp(url, { ready: (status) => status < 500 })).resolves.toBeUndefined();
    await expect(waitForHttp(url, { what: 'ui', timeoutMs: 300 })).rejects.toThrow(
      /timed out after 300 ms waiting for ui to answer .* \(last: HTTP 404\)/,
    );
  });

  it('fails at once when the process that should answer exits, with its output', async () => {
    const child = spawn(process.execPath, ['-e', 'process.exit(3)']);
    await expect(
      waitForHttp('http://127.0.0.1:9/', { what: 'v1', child, output: () => 'boom', timeoutMs: 60_000 }),
    ).rejects.toThrow('v1 exited (3) before it was ready: boom');
  });
});

describe('isListening', () => {
  it('tells a bound port from a free one', async () => {
    const url = await serve(200);
    const port = Number(new URL(url).port);
    expect(await isListening(port)).toBe(true);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    expect(await isListening(port)).toBe(false);
  });
});

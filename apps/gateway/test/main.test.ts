/** The `pnpm dev` entry as a real process: environment validation, start-up banner, access log, SIGTERM. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accessLogPattern } from '../src/access-log.js';
import { type RecordingUpstream, startRecordingUpstream } from './helpers.js';

const gatewayDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function runMain(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: gatewayDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Only what the test sets, plus PATH for kubectl: an inherited TRAFFIC or GATEWAY_PORT must not leak in.
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

let upstream: RecordingUpstream;
beforeAll(async () => {
  upstream = await startRecordingUpstream('v1');
});
afterAll(async () => {
  await upstream.close();
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('src/main.ts', () => {
  it('exits 1 with one line naming every bad variable', async () => {
    const run = runMain({
      TRAFFIC: 'no-such-overlay',
      GATEWAY_PORT: '70000',
      MESH_UPSTREAM_V2: 'localhost:8002',
    });
    expect(await run.exited).toBe(1);
    const lines = run.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^gateway: invalid gateway configuration: TRAFFIC must name an overlay .*80-20.*\(got "no-such-overlay"\)/,
    );
    expect(lines[0]).toContain('GATEWAY_PORT must be a port number from 0 to 65535 (got "70000")');
    expect(lines[0]).toContain('MESH_UPSTREAM_V2: "localhost:8002" must be an http:// or https:// URL');
    expect(run.stdout()).toBe('');
  });

  it('prints the UI URL and the split, logs one line per request, and closes on SIGTERM', async () => {
    const run = runMain({ TRAFFIC: '100-0', GATEWAY_PORT: '0', MESH_UPSTREAM_V1: upstream.url });
    await expect.poll(run.stdout, { timeout: 30_000 }).toContain('/api/ split');
    const banner = run.stdout();
    expect(banner).toMatch(/UI http:\/\/localhost:\d+\//);
    expect(banner).toContain('routing: overlay 100-0');
    expect(banner).toContain('/api/ split v1 100 %, v2 0 %');
    expect(banner).toContain(`movie-backend/v1 -> ${upstream.url}`);
    const port = Number(/localhost:(\d+)/.exec(banner)?.[1]);

    const response = await fetch(`http://127.0.0.1:${port}/api/movies?page=3`);
    expect(response.status).toBe(200);
    await response.text();
    await expect
      .poll(() =>
        run
          .stdout()
          .split('\n')
          .filter((line) => accessLogPattern.test(line)),
      )
      .toHaveLength(1);
    const line = run
      .stdout()
      .split('\n')
      .find((l) => accessLogPattern.test(l)) as string;
    expect(accessLogPattern.exec(line)?.groups).toMatchObject({
      method: 'GET',
      path: '/api/movies?page=3',
      destination: 'v1',
      status: '200',
    });

    expect(banner).not.toContain('admin token');

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('SIGTERM, closing');
  });

  it('bound beyond loopback, prints a fresh admin token once, and PUT /__mesh takes it', async () => {
    const run = runMain({ GATEWAY_HOST: '0.0.0.0', GATEWAY_PORT: '0', ACCESS_LOG: 'off' });
    await expect.poll(run.stdout, { timeout: 30_000 }).toContain('admin token');
    const banner = run.stdout();
    const token = /admin token: ([0-9a-f]{48}) /.exec(banner)?.[1] as string;
    expect(token).toBeDefined();
    expect(banner).toContain(`export GATEWAY_TOKEN=${token}`);
    const port = Number(/localhost:(\d+)/.exec(banner)?.[1]);
    const put = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/__mesh`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{"overlay":"50-50"}',
      });
    const refused = await put({});
    expect(refused.status).toBe(401);
    await refused.text();
    const accepted = await put({ authorization: `Bearer ${token}` });
    expect(accepted.status).toBe(200);
    await accepted.text();

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    // Printed at start-up only (the three banner lines), never again.
    expect(run.stdout().split(token).length - 1).toBe(3);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { findPrometheus, freePort, isListening, waitFor } from '@movies/testkit';
import { afterEach, describe, expect, it } from 'vitest';

// `pnpm dev` for real: the root script, two backends, Vite and the gateway, on free ports, stopped the ways a
// person, `timeout`, an IDE or a process manager stops it.
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

interface Run {
  child: ChildProcess;
  ports: number[];
  env: Record<string, string>;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const runs: Run[] = [];
const withPrometheus = findPrometheus() !== undefined;
const blockers: Server[] = [];

/**
 * Starts `pnpm dev` on free ports. On a terminal (util-linux `script` gives it a pseudo-terminal, as a person's
 * shell does) or, by default, with its output and errors in one pipe and `pnpm` itself as the child, so a
 * signal can be sent to pnpm alone as `timeout` or an IDE does.
 */
async function startDev(extraEnv: Record<string, string> = {}, { tty = false } = {}): Promise<Run> {
  const [gateway, v1, v2, vite, metrics, prometheus] = await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  );
  const env = {
    GATEWAY_PORT: String(gateway),
    BACKEND_V1_PORT: String(v1),
    BACKEND_V2_PORT: String(v2),
    VITE_PORT: String(vite),
    GATEWAY_METRICS_PORT: String(metrics),
    PROMETHEUS_PORT: String(prometheus),
    TRAFFIC: '80-20',
    ...extraEnv,
  };
  const [command, args] = tty
    ? ['script', ['--quiet', '--return', '--command', 'pnpm dev', '/dev/null']]
    : ['sh', ['-c', 'exec pnpm dev 2>&1']];
  const child = spawn(command as string, args as string[], {
    cwd: repoRoot,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString().replaceAll('\r\n', '\n');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  // Prometheus's port is only used where the machine has Prometheus.
  const ports = [gateway, v1, v2, vite, metrics, ...(withPrometheus ? [prometheus] : [])] as number[];
  const run = { child, ports, env, output: () => output, exited };
  runs.push(run);
  return run;
}

const ready = (run: Run) =>
  waitFor(() => run.output().includes('dev: ready') || run.child.exitCode !== null, 'pnpm dev to be ready', {
    timeoutMs: 150_000,
  }).then(() => expect(run.output()).toContain('dev: ready'));

async function portsFree(run: Run): Promise<void> {
  for (const port of run.ports)
    await waitFor(async () => !(await isListening(port)), `port ${port} to be freed`);
}

/**
 * The last line `pnpm dev` itself printed. pnpm 12 adds its own "[ELIFECYCLE] Command failed with exit code N."
 * after any script that exits non-zero, whatever the script does; this checks that trailer and looks before it.
 */
function lastLineBeforePnpm(text: string): string {
  const lines = text.trim().split('\n');
  expect(lines.at(-1)).toMatch(/^\[ELIFECYCLE\] Command failed with exit code \d+\.$/);
  return lines.at(-2) ?? '';
}

/** GET with the Host header a browser would send (fetch will not send a chosen Host). */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

afterEach(async () => {
  for (const run of runs.splice(0)) {
    if (run.child.pid && run.child.exitCode === null) {
      try {
        process.kill(-run.child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  for (const blocker of blockers.splice(0)) blocker.close();
});

describe('pnpm dev', () => {
  it('serves UI and API through the gateway, whose first /api/ answer is already a backend, and Ctrl-C on the terminal stops it all quietly with 0', async () => {
    const run = await startDev({}, { tty: true });
    const gatewayUrl = `http://127.0.0.1:${run.env.GATEWAY_PORT}`;
    await waitFor(() => run.output().includes('local mesh gateway:'), 'the gateway banner', {
      timeoutMs: 150_000,
    });
    // The gateway announces itself only once both backends answer: its very first /api/ call succeeds.
    const first = await fetch(`${gatewayUrl}/api/`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-backend-version')).toMatch(/^v[12]$/);
    await ready(run);
    const page = await fetch(`${gatewayUrl}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    // The banner's hints carry the gateway's real address.
    expect(run.output()).toContain(
      `GATEWAY_URL=http://localhost:${run.env.GATEWAY_PORT} pnpm traffic set 50-50`,
    );

    run.child.stdin?.write('\x03'); // Ctrl-C, typed on the terminal
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(run.output()).not.toMatch(/ELIFECYCLE|ERR_PNPM|Failed/);
    await portsFree(run);
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)(
    '%s to the pnpm process alone stops every part and frees every port',
    async (signal) => {
      const run = await startDev();
      await ready(run);
      for (const port of run.ports) expect(await isListening(port)).toBe(true);
      run.child.kill(signal);
      await portsFree(run);
    },
  );

  it('the gateway and Vite behind it agree on Host: GATEWAY_ALLOWED_HOSTS opens both, a foreign name neither', async () => {
    const run = await startDev({ GATEWAY_ALLOWED_HOSTS: '.example.test' });
    await ready(run);
    const [gateway, vite] = [Number(run.env.GATEWAY_PORT), Number(run.env.VITE_PORT)];
    for (const port of [gateway, vite]) {
      const page = await getWithHost(port, '/', `ui.example.test:${port}`);
      expect(page.status, `port ${port}`).toBe(200);
      expect(page.body).toContain('<div id="root">');
    }
    expect((await getWithHost(gateway, '/api/', 'ui.example.test')).status).toBe(200);
    // A rebound page: refused by the gateway (before Vite sees it) and by Vite itself, each naming its setting.
    const viaGateway = await getWithHost(gateway, '/', 'evil.example');
    expect(viaGateway.status).toBe(403);
    expect(viaGateway.body).toContain('GATEWAY_ALLOWED_HOSTS=evil.example');
    const direct = await getWithHost(vite, '/', 'evil.example');
    expect(direct.status).toBe(403);
    expect(direct.body).toContain('server.allowedHosts');
  });

  it('logs one line per request: the access log, with the backends at warn', async () => {
    const run = await startDev();
    await ready(run);
    const before = run.output().split('\n').length;
    for (let i = 0; i < 10; i++)
      await (await fetch(`http://127.0.0.1:${run.env.GATEWAY_PORT}/api/genres`)).arrayBuffer();
    await waitFor(
      () => (run.output().match(/GET \/api\/genres v[12] 200/g) ?? []).length === 10,
      () => `ten access-log lines in:\n${run.output()}`,
    );
    const added = run
      .output()
      .split('\n')
      .slice(before - 1)
      .filter(Boolean);
    expect(added).toHaveLength(10);
    run.child.kill('SIGTERM');
    await portsFree(run);
  });

  it("stops everything and exits non-zero with the gateway's one-line error last when TRAFFIC names no overlay", async () => {
    const run = await startDev({ TRAFFIC: '8020' });
    const { code } = await run.exited;
    expect(code).not.toBe(0);
    expect(lastLineBeforePnpm(run.output())).toMatch(
      /^dev: gateway: exited with code 1: .*TRAFFIC must name an overlay.*"8020"/,
    );
    await portsFree(run);
  });

  it('refuses to start when a port is taken, naming the port and the variable that moves it', async () => {
    const port = await freePort();
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const run = await startDev({ BACKEND_V2_PORT: String(port) });
    const { code } = await run.exited;
    expect(code).not.toBe(0);
    expect(lastLineBeforePnpm(run.output())).toBe(
      `dev: port ${port} is already in use (another pnpm dev?); stop what holds it or set BACKEND_V2_PORT`,
    );
  });

  it.runIf(withPrometheus)(
    'runs Prometheus with the rest: its link printed, istio_requests_total rising as the UI is used, its data gone on exit',
    async () => {
      const run = await startDev();
      await ready(run);
      const prometheus = `http://localhost:${run.env.PROMETHEUS_PORT}`;
      expect(run.output()).toContain(`Prometheus ${prometheus}/)`);
      const query = async (expr: string) => {
        const response = await fetch(`${prometheus}/api/v1/query?${new URLSearchParams({ query: expr })}`);
        return (await response.json()) as { data: { result: Array<{ value: [number, string] }> } };
      };
      const requests =
        'sum(istio_requests_total{reporter="destination",destination_service_name="movie-backend"})';
      const seen = async () => Number((await query(requests)).data.result[0]?.value[1] ?? 0);
      for (const round of [1, 2]) {
        for (let i = 0; i < 5; i++)
          await (await fetch(`http://127.0.0.1:${run.env.GATEWAY_PORT}/api/genres`)).arrayBuffer();
        await waitFor(async () => (await seen()) >= 5 * round, `Prometheus to count ${5 * round} requests`);
      }
      const health = async () => {
        const answer = (await (await fetch(`${prometheus}/api/v1/targets`)).json()) as {
          data: { activeTargets: Array<{ health: string }> };
        };
        return answer.data.activeTargets.map((target) => target.health).join(' ');
      };
      await waitFor(async () => (await health()) === 'up up up', 'the gateway and both backends scraped');
      const flags = (await (await fetch(`${prometheus}/api/v1/status/flags`)).json()) as {
        data: Record<string, string>;
      };
      const dataDir = flags.data['storage.tsdb.path'] as string;
      expect(existsSync(dataDir)).toBe(true);
      run.child.kill('SIGTERM');
      await portsFree(run);
      await run.exited;
      expect(existsSync(dataDir)).toBe(false);
    },
  );

  it('stops the rest and reports the part when one exits on its own', async () => {
    const run = await startDev();
    await ready(run);
    const v1 = Number(run.env.BACKEND_V1_PORT);
    // Kill v1's process as a crash would: the supervisor sees it exit without being asked to.
    const pid = await pidListening(v1);
    process.kill(pid, 'SIGKILL');
    const { code } = await run.exited;
    expect(code).not.toBe(0);
    expect(lastLineBeforePnpm(run.output())).toBe('dev: v1: was killed by SIGKILL');
    await portsFree(run);
  });
});

/** The pid of the process listening on 127.0.0.1:port, from `ss`. */
async function pidListening(port: number): Promise<number> {
  const { execFile } = await import('node:child_process');
  const { promisify } = await import('node:util');
  const { stdout } = await promisify(execFile)('ss', ['-ltnpH', `sport = :${port}`]);
  const pid = /pid=(\d+)/.exec(stdout)?.[1];
  if (!pid) throw new Error(`nothing listens on ${port}: ${stdout}`);
  return Number(pid);
}

/**
 * What the local gateway costs, measured in one run against its own baseline: autocannon with 50 connections
 * directly to a backend (GET /) and through the gateway (GET /api/, rewritten to /), both on the same real
 * backend process. Two phases:
 *   - throughput: as fast as possible → req/s and its ratio (target: gateway ≥ 0.5 × direct);
 *   - latency at a fixed 1000 req/s over 50 connections, the load of Istio's published sidecar figures → p50/p90/p99
 *     and the added p90 (target: ≤ 2.65 ms, Istio's figure for one Envoy hop). autocannon's rate limit sends each
 *     second's requests in a burst and reports whole milliseconds, which measures its own queueing; like fortio
 *     (Istio's tool), this phase spaces requests evenly and times each one in microseconds.
 * The gateway runs as its own process (src/main.ts, as `pnpm dev` starts it) so it never shares an event loop
 * with autocannon. Set BENCH_DURATION (seconds per measurement, default 10).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startBackend } from '@movies/backend/testing';
import { freePort } from '@movies/testkit';
import autocannon from 'autocannon';
import { Pool } from 'undici';

const CONNECTIONS = 50;
const FIXED_RATE = 1000;
const TARGET_RATIO = 0.5;
const TARGET_ADDED_P90_MS = 2.65;
const duration = Number(process.env.BENCH_DURATION ?? 10);

/** CPU time (user + system) a process has used so far, in ms; undefined where /proc is not available. */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticksPerSecond = 100;
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** Waits until the process is idle (it pre-renders every overlay after start), at most 60 s. */
async function waitUntilIdle(pid: number | undefined): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = cpuMs(pid);
  while (last !== undefined && Date.now() < deadline) {
    await sleep(500);
    const now = cpuMs(pid) as number;
    if (now - last < 25) return;
    last = now;
  }
}

interface Samples {
  latencies: number[];
  seconds: number;
  errors: number;
  non2xx: number;
}

/** Requests spaced evenly at `rate` per second over 50 keep-alive connections, each timed in microseconds. */
async function paced(url: string, seconds: number, rate: number): Promise<Samples> {
  const target = new URL(url);
  const pool = new Pool(target.origin, { connections: CONNECTIONS });
  const total = Math.round(seconds * rate);
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const inFlight: Array<Promise<void>> = [];
  const started = performance.now();
  let sent = 0;
  const send = async () => {
    const begin = performance.now();
    try {
      const response = await pool.request({ path: target.pathname, method: 'GET' });
      await response.body.dump();
      if (response.statusCode < 200 || response.statusCode >= 300) non2xx++;
      latencies.push(performance.now() - begin);
    } catch {
      errors++;
    }
  };
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    while (sent < due) {
      inFlight.push(send());
      sent++;
    }
    // A 1 ms timer, not a busy loop: the bench must not take the CPU the two servers need.
    await sleep(1);
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return { latencies, seconds: elapsed, errors, non2xx };
}

/** Pools the samples of several slices into one measurement. */
function summarize(slices: readonly Samples[]): Measurement {
  const latencies = slices.flatMap((slice) => slice.latencies).sort((a, b) => a - b);
  const seconds = slices.reduce((sum, slice) => sum + slice.seconds, 0);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    requestsPerSecond: latencies.length / seconds,
    total: latencies.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    errors: slices.reduce((sum, slice) => sum + slice.errors, 0),
    non2xx: slices.reduce((sum, slice) => sum + slice.non2xx, 0),
  };
}

interface Measurement {
  requestsPerSecond: number;
  total: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function measure(url: string, seconds: number): Promise<Measurement> {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  return {
    requestsPerSecond: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function startGatewayProcess(port: number, backendUrl: string): Promise<ChildProcess> {
  const gatewayDir = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: gatewayDir,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      TRAFFIC: '100-0',
      GATEWAY_PORT: String(port),
      ACCESS_LOG: 'off',
      MESH_UPSTREAM_V1: backendUrl,
    },
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/__mesh`);
      await response.arrayBuffer();
      if (response.ok) return child;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error('the gateway did not start within 60 s');
}

const row = (name: string, m: Measurement) =>
  `${name.padEnd(10)} ${m.requestsPerSecond.toFixed(0).padStart(8)} ${m.p50.toFixed(2).padStart(8)} ` +
  `${m.p90.toFixed(2).padStart(8)} ${m.p99.toFixed(2).padStart(8)} ${String(m.errors + m.non2xx).padStart(7)}`;
const header = `${''.padEnd(10)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p90 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}`;

async function main(): Promise<void> {
  const backend = await startBackend({ version: 'v1' });
  const gatewayPort = await freePort();
  const gateway = await startGatewayProcess(gatewayPort, backend.url);
  const direct = `${backend.url}/`;
  const through = `http://127.0.0.1:${gatewayPort}/api/`;
  try {
    process.stdout.write(`gateway bench: ${CONNECTIONS} connections, ${duration} s per measurement\n`);
    await waitUntilIdle(gateway.pid);
    // Warm both paths (JIT, connection pools) before measuring.
    await measure(direct, 2);
    await measure(through, 2);

    const directMax = await measure(direct, duration);
    const backendCpuBefore = cpuMs(backend.pid());
    const gatewayCpuBefore = cpuMs(gateway.pid);
    const gatewayMax = await measure(through, duration);
    const backendCpu = (cpuMs(backend.pid()) ?? 0) - (backendCpuBefore ?? 0);
    const gatewayCpu = (cpuMs(gateway.pid) ?? 0) - (gatewayCpuBefore ?? 0);
    // One-second slices, alternating direct and gateway, so a burst of load from elsewhere on the machine hits
    // both sides alike instead of skewing whichever ran at that moment.
    await paced(direct, 1, FIXED_RATE);
    await paced(through, 1, FIXED_RATE);
    const directSlices: Samples[] = [];
    const gatewaySlices: Samples[] = [];
    for (let slice = 0; slice < duration; slice++) {
      directSlices.push(await paced(direct, 1, FIXED_RATE));
      gatewaySlices.push(await paced(through, 1, FIXED_RATE));
    }
    const directFixed = summarize(directSlices);
    const gatewayFixed = summarize(gatewaySlices);

    const ratio = gatewayMax.requestsPerSecond / directMax.requestsPerSecond;
    const addedP90 = gatewayFixed.p90 - directFixed.p90;
    const errors = [directMax, gatewayMax, directFixed, gatewayFixed].reduce(
      (n, m) => n + m.errors + m.non2xx,
      0,
    );
    const lines = [
      '',
      `throughput (as fast as possible)`,
      header,
      row('direct', directMax),
      row('gateway', gatewayMax),
      '',
      `latency at a fixed ${FIXED_RATE} req/s, evenly spaced (alternating 1 s slices)`,
      header,
      row('direct', directFixed),
      row('gateway', gatewayFixed),
      '',
      `throughput ratio gateway/direct: ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO}) ${ratio >= TARGET_RATIO ? 'OK' : 'MISSED'}`,
      `added p90 at ${FIXED_RATE} req/s: ${addedP90.toFixed(2)} ms (target ≤ ${TARGET_ADDED_P90_MS} ms) ${addedP90 <= TARGET_ADDED_P90_MS ? 'OK' : 'MISSED'}`,
      `added p90 at full load: ${(gatewayMax.p90 - directMax.p90).toFixed(2)} ms (queueing included, for reference)`,
      backendCpuBefore === undefined
        ? ''
        : `CPU per request through the gateway: gateway ${((gatewayCpu * 1000) / gatewayMax.total).toFixed(0)} µs, ` +
          `backend ${((backendCpu * 1000) / gatewayMax.total).toFixed(0)} µs`,
      errors > 0 ? `errors or non-2xx answers: ${errors}` : 'no errors',
      '',
    ];
    process.stdout.write(lines.join('\n'));
    // A missed target is reported, not fatal (a busy machine skews both sides); a failed request is a bug.
    if (errors > 0) process.exitCode = 1;
  } finally {
    gateway.kill('SIGTERM');
    await backend.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`gateway bench failed: ${(error as Error).message}\n`);
  process.exit(1);
});

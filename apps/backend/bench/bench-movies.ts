/**
 * Benchmark, not a test: GET /movies?page=1 on the built backend vs a bare node:http server returning the very same
 * bytes, measured in the same run with the same autocannon settings. Prints req/s, p50/p99 and the ratio.
 * A third server — Express with nothing but one route sending those bytes — shows how much of the gap is the
 * framework itself rather than this app's middleware (headers, logs, metrics, validation).
 *   pnpm --filter @movies/backend bench          (after pnpm build)
 *   BENCH_SECONDS=20 BENCH_DATA_DIR=hollywood-data pnpm --filter @movies/backend bench
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitForHttp } from '@movies/testkit';
import autocannon from 'autocannon';

const BACKEND_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER_ENTRY = path.join(BACKEND_ROOT, 'dist', 'server.js');
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** The two servers are measured in alternating rounds, so a load spike on a shared machine hits both alike. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARMUP_SECONDS = 3;
const DATA_DIR = process.env.BENCH_DATA_DIR ?? 'bollywood-data';
const PATH = '/movies?page=1';
const TARGET_RATIO = 0.6;
const TARGET_P99_MS = 20;

const BARE_SERVER = `
const http = require('node:http');
const fs = require('node:fs');
const body = fs.readFileSync(process.env.BODY_FILE);
const type = process.env.BODY_TYPE;
http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': type, 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

const EXPRESS_FLOOR_SERVER = `
const express = require('express');
const fs = require('node:fs');
const body = fs.readFileSync(process.env.BODY_FILE);
const app = express();
app.set('etag', false);
app.get('/movies', (req, res) => res.type(process.env.BODY_TYPE).send(body));
app.listen(Number(process.env.PORT), '127.0.0.1');
`;

const READY_TIMEOUT_MS = 30_000;

interface Measurement {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

async function run(url: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: seconds });
}

function summarise(name: string, rounds: autocannon.Result[]): Measurement {
  const requests = rounds.reduce((sum, round) => sum + round.requests.total, 0);
  const seconds = rounds.reduce((sum, round) => sum + round.duration, 0);
  return {
    name,
    requestsPerSecond: requests / seconds,
    p50: median(rounds.map((round) => round.latency.p50)),
    p99: median(rounds.map((round) => round.latency.p99)),
    errors: rounds.reduce((sum, round) => sum + round.errors + round.timeouts + round.non2xx, 0),
  };
}

async function main(): Promise<void> {
  if (!existsSync(SERVER_ENTRY)) {
    process.stderr.write(`No ${SERVER_ENTRY}; run \`pnpm --filter @movies/backend build\` first.\n`);
    process.exit(1);
  }
  const children: ChildProcess[] = [];
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'backend-bench-'));
  const cleanUp = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanUp();
    process.exit(130);
  });
  try {
    const backendPort = await freePort();
    // Production settings (info-level JSON request logs included), stdout discarded like a log shipper would.
    const backend = spawn(process.execPath, [SERVER_ENTRY], {
      env: { ...process.env, PORT: String(backendPort), DATA_DIR, LOG_LEVEL: 'info', SHUTDOWN_DELAY_MS: '0' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(backend);
    const backendUrl = `http://127.0.0.1:${backendPort}`;
    await waitForHttp(`${backendUrl}/readyz`, { child: backend, timeoutMs: READY_TIMEOUT_MS });

    const sample = await fetch(`${backendUrl}${PATH}`);
    const body = Buffer.from(await sample.arrayBuffer());
    const bodyFile = path.join(scratch, 'body.json');
    writeFileSync(bodyFile, body);

    const startSameBytesServer = async (source: string, probePath: string) => {
      const port = await freePort();
      const child = spawn(process.execPath, ['-e', source], {
        // Resolves `express` from the backend's own node_modules.
        cwd: BACKEND_ROOT,
        env: {
          ...process.env,
          PORT: String(port),
          BODY_FILE: bodyFile,
          BODY_TYPE: sample.headers.get('content-type') ?? 'application/json',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}${probePath}`, { child, timeoutMs: READY_TIMEOUT_MS });
      return url;
    };
    const bareUrl = await startSameBytesServer(BARE_SERVER, '/');
    const expressUrl = await startSameBytesServer(EXPRESS_FLOOR_SERVER, PATH);

    process.stdout.write(
      `GET ${PATH} (${DATA_DIR}, ${body.length} bytes), ${CONNECTIONS} connections, ${SECONDS}s each in ${ROUNDS} alternating rounds after ${WARMUP_SECONDS}s warm-up, ${os.cpus().length} CPUs, load average ${os.loadavg()[0]?.toFixed(1)}\n`,
    );
    for (const url of [bareUrl, expressUrl, backendUrl]) await run(`${url}${PATH}`, WARMUP_SECONDS);
    const bareRounds: autocannon.Result[] = [];
    const expressRounds: autocannon.Result[] = [];
    const backendRounds: autocannon.Result[] = [];
    const perRound = SECONDS / ROUNDS;
    for (let round = 0; round < ROUNDS; round++) {
      bareRounds.push(await run(`${bareUrl}${PATH}`, perRound));
      expressRounds.push(await run(`${expressUrl}${PATH}`, perRound));
      backendRounds.push(await run(`${backendUrl}${PATH}`, perRound));
    }
    const baseline = summarise('bare node:http', bareRounds);
    const expressFloor = summarise('express, 1 route', expressRounds);
    const candidate = summarise('movie-backend', backendRounds);
    const roundRatios = backendRounds.map(
      (round, i) => round.requests.total / (bareRounds[i]?.requests.total ?? Number.NaN),
    );

    const row = (m: Measurement) =>
      `${m.name.padEnd(16)} ${m.requestsPerSecond.toFixed(0).padStart(9)} ${String(m.p50).padStart(8)} ${String(m.p99).padStart(8)} ${String(m.errors).padStart(7)}`;
    process.stdout.write(
      `${'server'.padEnd(16)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}\n`,
    );
    process.stdout.write(`${row(baseline)}\n${row(expressFloor)}\n${row(candidate)}\n`);
    process.stdout.write(`per-round ratios: ${roundRatios.map((ratio) => ratio.toFixed(2)).join(' ')}\n`);
    const ratio = candidate.requestsPerSecond / baseline.requestsPerSecond;
    const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const floorRatio = expressFloor.requestsPerSecond / baseline.requestsPerSecond;
    process.stdout.write(
      `ratio express (1 route) / bare node:http: ${floorRatio.toFixed(2)} — the most any Express app can reach here; ` +
        `movie-backend / express (1 route): ${(candidate.requestsPerSecond / expressFloor.requestsPerSecond).toFixed(2)}\n`,
    );
    process.stdout.write(
      `ratio movie-backend / bare node:http: ${ratio.toFixed(2)} (target >= ${TARGET_RATIO}: ${verdict(ratio >= TARGET_RATIO)}); ` +
        `movie-backend p99 ${candidate.p99} ms (target < ${TARGET_P99_MS} ms: ${verdict(candidate.p99 < TARGET_P99_MS)})\n`,
    );
  } finally {
    cleanUp();
  }
}

await main();

/**
 * A real Prometheus for tests: started on a free port with a temporary data folder and a generated scrape
 * config, ready once it answers /-/ready, and stopped (data removed) by stop(). Queries go through its HTTP API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPrometheus, prometheusArgs, waitFor, waitForHttp } from '@movies/cli-kit';
import { freePort } from './ports.js';

export interface ScrapeJob {
  job: string;
  /** host:port of each target. */
  targets: string[];
  /** Default /metrics. */
  metricsPath?: string;
}

export interface VectorSample {
  metric: Record<string, string>;
  value: number;
}

export interface RunningPrometheus {
  url: string;
  /** An instant query; an error (with Prometheus's message) when the expression is refused. */
  query(expr: string, time?: number): Promise<VectorSample[]>;
  /** Waits until every target has been scraped successfully. */
  waitForTargetsUp(timeoutMs?: number): Promise<void>;
  /** Its recent output, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  jobs: ScrapeJob[];
  /** Default 1 s: tests wait for scrapes, so they are kept short. */
  scrapeIntervalSeconds?: number;
  /** Default findPrometheus() ($PROMETHEUS_BIN, else the PATH). */
  binary?: string;
}

/** The scrape config as JSON, which is YAML too. */
export function scrapeConfig(jobs: readonly ScrapeJob[], intervalSeconds: number): string {
  return JSON.stringify({
    global: { scrape_interval: `${intervalSeconds}s`, evaluation_interval: `${intervalSeconds}s` },
    scrape_configs: jobs.map((job) => ({
      job_name: job.job,
      metrics_path: job.metricsPath ?? '/metrics',
      static_configs: [{ targets: job.targets }],
    })),
  });
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

async function api<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const answer = (await response.json()) as ApiAnswer<T>;
  if (answer.status !== 'success') throw new Error(`Prometheus refused ${url}: ${answer.error}`);
  return answer.data;
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = options.binary ?? findPrometheus();
  if (!binary) throw new Error('no prometheus binary: put it on the PATH or set PROMETHEUS_BIN');
  const dir = mkdtempSync(join(tmpdir(), 'prometheus-test-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, scrapeConfig(options.jobs, options.scrapeIntervalSeconds ?? 1));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const child: ChildProcess = spawn(
    binary,
    prometheusArgs({ configFile, dataDir: join(dir, 'data'), port }),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitForHttp(`${url}/-/ready`, { what: 'prometheus', child, output: () => log, timeoutMs: 60_000 });
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    async query(expr, time) {
      const params = new URLSearchParams({ query: expr });
      if (time !== undefined) params.set('time', String(time));
      const data = await api<{
        resultType: string;
        result: Array<{ metric: Record<string, string>; value: [number, string] }>;
      }>(`${url}/api/v1/query?${params}`);
      if (data.resultType !== 'vector') return [];
      return data.result.map((sample) => ({ metric: sample.metric, value: Number(sample.value[1]) }));
    },
    async waitForTargetsUp(timeoutMs = 60_000) {
      let health = 'no targets yet';
      await waitFor(
        async () => {
          const data = await api<{
            activeTargets: Array<{ scrapeUrl: string; health: string; lastError: string }>;
          }>(`${url}/api/v1/targets`);
          health = data.activeTargets.map((t) => `${t.scrapeUrl} ${t.health} ${t.lastError}`).join('; ');
          const expected = options.jobs.reduce((count, job) => count + job.targets.length, 0);
          return data.activeTargets.length === expected && data.activeTargets.every((t) => t.health === 'up');
        },
        () => `every Prometheus target up (${health})`,
        { timeoutMs, intervalMs: 200 },
      );
    },
    output: () => log,
    stop,
  };
}

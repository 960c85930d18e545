/**
 * `pnpm dev`'s Prometheus part: the committed apps/dev/prometheus/prometheus.yml with its ${...} ports filled in
 * from DevConfig, written into a temporary folder that also holds the data and is removed when dev exits.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prometheusArgs } from '@movies/cli-kit';
import type { DevConfig } from './config.js';
import type { PartSpec } from './part.js';

export const prometheusTemplate = join(import.meta.dirname, '..', 'prometheus', 'prometheus.yml');

/** The template with every ${PORT_VARIABLE} replaced; an unknown one is an error naming it. */
export function renderPrometheusConfig(template: string, ports: DevConfig['ports']): string {
  return template.replace(/\$\{(\w+)\}/g, (_match, name: string) => {
    const value = (ports as Record<string, number>)[name];
    if (value === undefined)
      throw new Error(`${prometheusTemplate} names an unknown port variable \${${name}}`);
    return String(value);
  });
}

export interface PrometheusPart {
  spec: PartSpec;
  url: string;
  /** Removes the temporary folder (config and data). */
  cleanup(): void;
}

const DIR_PREFIX = 'movies-dev-prometheus-';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the folders of earlier runs whose `pnpm dev` is gone: one killed with SIGKILL could not remove its own.
 * Each folder names its owner in owner.pid.
 */
export function removeStaleFolders(base = tmpdir()): void {
  for (const name of readdirSync(base)) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = join(base, name);
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
    } catch {
      // No owner file: a folder being created right now, or not ours to judge.
      continue;
    }
    if (Number.isInteger(owner) && owner > 0 && !isAlive(owner))
      rmSync(dir, { recursive: true, force: true });
  }
}

export function prometheusPart(config: DevConfig, binary: string, env: NodeJS.ProcessEnv): PrometheusPart {
  removeStaleFolders();
  const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, renderPrometheusConfig(readFileSync(prometheusTemplate, 'utf8'), config.ports));
  const port = config.ports.PROMETHEUS_PORT;
  return {
    spec: {
      name: 'prometheus',
      command: binary,
      args: prometheusArgs({ configFile, dataDir: join(dir, 'data'), port }),
      cwd: dir,
      env,
      readyUrl: `http://127.0.0.1:${port}/-/ready`,
    },
    url: `http://localhost:${port}`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Prometheus's graph of the split the /traffic page links to: requests per second per version. */
export function splitGraphUrl(prometheusUrl: string): string {
  const expr =
    'sum by (destination_version) (rate(istio_requests_total{reporter="destination",destination_service_name="movie-backend"}[30s]))';
  const params = new URLSearchParams({ 'g0.expr': expr, 'g0.tab': '0', 'g0.range_input': '15m' });
  return `${prometheusUrl}/graph?${params}`;
}

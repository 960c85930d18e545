import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDevConfig } from '../src/config.js';
import {
  prometheusTemplate,
  removeStaleFolders,
  renderPrometheusConfig,
  splitGraphUrl,
} from '../src/prometheus.js';

describe("pnpm dev's Prometheus", () => {
  it('fills the committed config with the ports of the environment', () => {
    const { ports } = loadDevConfig({
      GATEWAY_METRICS_PORT: '25090',
      BACKEND_V1_PORT: '28001',
      BACKEND_V2_PORT: '28002',
    });
    const rendered = renderPrometheusConfig(readFileSync(prometheusTemplate, 'utf8'), ports);
    expect(rendered).toContain('"127.0.0.1:25090"');
    expect(rendered).toContain('"127.0.0.1:28001"');
    expect(rendered).toContain('"127.0.0.1:28002"');
    expect(rendered).toContain('scrape_interval: 1s');
    expect(rendered).not.toContain('${');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the template's own placeholder syntax
    expect(() => renderPrometheusConfig('target: ${NO_SUCH_PORT}', ports)).toThrow(
      /unknown port variable \$\{NO_SUCH_PORT\}/,
    );
  });

  it('defaults to ports 9090 and 15090, finds the binary on the PATH or PROMETHEUS_BIN, and refuses a missing one', () => {
    const config = loadDevConfig({ PATH: '/nonexistent' });
    expect(config.ports).toMatchObject({ PROMETHEUS_PORT: 9090, GATEWAY_METRICS_PORT: 15090 });
    expect(config.prometheusBin).toBeUndefined();
    expect(loadDevConfig({ PATH: '/nonexistent', PROMETHEUS_BIN: process.execPath }).prometheusBin).toBe(
      process.execPath,
    );
    expect(() => loadDevConfig({ PROMETHEUS_BIN: '/nonexistent/prometheus' })).toThrow(
      'PROMETHEUS_BIN names no file (got "/nonexistent/prometheus")',
    );
    expect(() => loadDevConfig({ PROMETHEUS_PORT: '8080' })).toThrow(
      'PROMETHEUS_PORT and GATEWAY_PORT are both 8080: each part needs its own port',
    );
  });

  it('links the split graph with the query of the destination reporter', () => {
    const url = new URL(splitGraphUrl('http://localhost:9090'));
    expect(url.pathname).toBe('/graph');
    expect(url.searchParams.get('g0.expr')).toContain(
      'sum by (destination_version) (rate(istio_requests_total{',
    );
  });
});

describe('the temporary folders of pnpm dev’s Prometheus', () => {
  it('removes those whose pnpm dev is gone and keeps a live one’s and any without an owner', () => {
    const base = mkdtempSync(join(tmpdir(), 'stale-test-'));
    // A process that has exited: its pid names no process now.
    const gone = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))',
    ]).stdout.toString();
    const stale = join(base, 'movies-dev-prometheus-stale');
    const live = join(base, 'movies-dev-prometheus-live');
    const ownerless = join(base, 'movies-dev-prometheus-new');
    for (const dir of [stale, live, ownerless]) mkdirSync(dir);
    writeFileSync(join(stale, 'owner.pid'), gone);
    writeFileSync(join(live, 'owner.pid'), String(process.pid));
    try {
      removeStaleFolders(base);
      expect(existsSync(stale)).toBe(false);
      expect(existsSync(live)).toBe(true);
      expect(existsSync(ownerless)).toBe(true);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});

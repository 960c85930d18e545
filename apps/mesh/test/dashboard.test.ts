import { describe, expect, it } from 'vitest';
import { dashboardQueries } from '../src/analyze/check-observability.js';
import { findObject, renderedObjects } from './helpers.js';

describe('Grafana dashboard ConfigMap', () => {
  it('is labelled for the Grafana sidecar and holds a valid dashboard with per-version Istio queries', async () => {
    const configMap = findObject(
      await renderedObjects('80-20'),
      'ConfigMap',
      'grafana-dashboard-movie-backend',
    ) as {
      metadata: { labels: Record<string, string> };
      data: Record<string, string>;
    };
    expect(configMap.metadata.labels.grafana_dashboard).toBe('1');
    const dashboard = JSON.parse(configMap.data['movie-backend-split.json'] as string);
    expect(dashboard.uid).toBe('movie-backend-split');
    const titles = dashboard.panels.map((panel: { title: string }) => panel.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Request rate by version',
        'Success rate by version',
        'p99 latency by version',
      ]),
    );
    const queries = dashboardQueries(dashboard);
    expect(queries.length).toBeGreaterThanOrEqual(4);
    for (const { panel, expr } of queries) {
      expect(expr, panel).toContain('destination_version');
      expect(expr, panel).toMatch(/istio_request/);
    }
    const byTitle = (title: string) => queries.find((query) => query.panel === title)?.expr ?? '';
    expect(byTitle('p99 latency by version')).toMatch(
      /^histogram_quantile\(0\.99, sum by \(le, destination_version\) \(rate\(istio_request_duration_milliseconds_bucket\{/,
    );
    expect(byTitle('Success rate by version')).toContain('response_code!~"5.."');
    // Balanced parentheses and braces: a typo would make Prometheus reject the query.
    for (const { expr } of queries) {
      let depth = 0;
      for (const c of expr) {
        depth += c === '(' || c === '{' ? 1 : c === ')' || c === '}' ? -1 : 0;
        expect(depth).toBeGreaterThanOrEqual(0);
      }
      expect(depth).toBe(0);
    }
  });
});

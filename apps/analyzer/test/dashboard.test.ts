import { findObject, renderedObjects } from '@movies/mesh/testing';
import { describe, expect, it } from 'vitest';
import { dashboardQueries } from '../src/check-observability.js';

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

/** Every `{…}` selector of a PromQL expression as [label, operator, value] matchers. */
function selectors(expr: string): Array<Array<[string, string, string]>> {
  return [...expr.matchAll(/\{([^}]*)\}/g)].map((found) =>
    [...(found[1] as string).matchAll(/(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map(
      (m) => [m[1], m[2], (m[3] as string).replace(/\\(.)/g, '$1')] as [string, string, string],
    ),
  );
}

/** Prometheus label matching: regexes are fully anchored; a missing label is the empty string. */
function matches(series: Record<string, string>, matchers: Array<[string, string, string]>): boolean {
  return matchers.every(([label, op, value]) => {
    const actual = series[label] ?? '';
    const regex = new RegExp(`^(?:${value})$`);
    if (op === '=') return actual === value;
    if (op === '!=') return actual !== value;
    if (op === '=~') return regex.test(actual);
    return !regex.test(actual);
  });
}

describe('Grafana dashboard on both ingress kinds', () => {
  // The series Istio reports for a v2 answer: at the backend's sidecar, and at the gateway that sent it there.
  const at = (service: string, gateway: string) => ({
    destination: {
      reporter: 'destination',
      destination_workload_namespace: 'movies',
      destination_service_name: service,
      destination_version: 'v2',
      response_code: '200',
    },
    source: {
      reporter: 'source',
      source_workload: gateway,
      destination_service_name: service,
      destination_version: 'v2',
      response_code: '200',
    },
  });
  const forms = {
    'Istio Gateway + VirtualServices': at('movie-backend', 'istio-ingressgateway'),
    'gateway-api (HTTPRoute to per-version Services)': at('movie-backend-v2', 'movies-gateway-istio'),
    // k8s/progressive-delivery: Flagger's VirtualService routes to the Services it generates.
    'Flagger, primary (movie-backend-primary)': at('movie-backend-primary', 'istio-ingressgateway'),
    'Flagger, canary (movie-backend-canary)': at('movie-backend-canary', 'istio-ingressgateway'),
  };

  it.each(Object.entries(forms))('every panel selects the traffic of %s', async (_form, series) => {
    const configMap = findObject(
      await renderedObjects('80-20'),
      'ConfigMap',
      'grafana-dashboard-movie-backend',
    ) as {
      data: Record<string, string>;
    };
    const queries = dashboardQueries(JSON.parse(configMap.data['movie-backend-split.json'] as string));
    for (const { panel, expr } of queries) {
      for (const matchers of selectors(expr)) {
        const reporter = matchers.find(([label]) => label === 'reporter')?.[2] as 'source' | 'destination';
        expect(matches(series[reporter], matchers), `${panel}: ${expr}`).toBe(true);
      }
    }
    // And nothing else: another service's or another gateway's traffic stays out.
    const other = { ...series.source, destination_service_name: 'movie-frontend' };
    const ingress = queries.find((q) => q.panel === 'Responses seen by the ingress gateway')?.expr ?? '';
    expect(selectors(ingress).every((m) => !matches(other, m))).toBe(true);
    expect(selectors(ingress).every((m) => !matches({ ...series.source, source_workload: 'curl' }, m))).toBe(
      true,
    );
  });
});

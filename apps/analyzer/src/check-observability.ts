import { describeObject, type Manifest, metadataOf } from '@movies/mesh/manifests';
import type { Finding } from './findings.js';

interface Panel {
  title?: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}

/** Every PromQL expression of a dashboard, rows' nested panels included. */
export function dashboardQueries(dashboard: { panels?: Panel[] }): Array<{ panel: string; expr: string }> {
  const walk = (panels: Panel[] = []): Array<{ panel: string; expr: string }> =>
    panels.flatMap((panel) => [
      ...(panel.targets ?? []).flatMap((target) =>
        target.expr ? [{ panel: panel.title ?? '(untitled)', expr: target.expr }] : [],
      ),
      ...walk(panel.panels),
    ]);
  return walk(dashboard.panels);
}

const REQUIRED_METRICS = ['istio_requests_total', 'istio_request_duration_milliseconds_bucket'];

/**
 * `grafana-dashboard`: each ConfigMap labelled for Grafana's sidecar holds valid dashboard JSON whose queries
 * break the split down per version (destination_version) from Istio's request count and duration metrics.
 */
export function checkDashboards(objects: readonly Manifest[]): Finding[] {
  const configMaps = objects.filter(
    (object) => object.kind === 'ConfigMap' && metadataOf(object).labels?.grafana_dashboard === '1',
  );
  return configMaps.flatMap((configMap) =>
    dashboardProblems(configMap).map((message) => ({
      check: 'grafana-dashboard',
      severity: 'error' as const,
      object: describeObject(configMap),
      message,
    })),
  );
}

/** What is wrong with the dashboards one labelled ConfigMap holds (empty when nothing is). */
function dashboardProblems(configMap: Manifest): string[] {
  const data = (configMap.data ?? {}) as Record<string, string>;
  const files = Object.entries(data).filter(([key]) => key.endsWith('.json'));
  if (files.length === 0) return ['is labelled grafana_dashboard but holds no *.json dashboard'];
  return files.flatMap(([key, text]) => dashboardFileProblems(key, text));
}

function dashboardFileProblems(key: string, text: string): string[] {
  let dashboard: { title?: unknown; panels?: Panel[] };
  try {
    dashboard = JSON.parse(text);
  } catch (error) {
    return [`${key} is not valid JSON: ${(error as Error).message}`];
  }
  if (typeof dashboard.title !== 'string' || !Array.isArray(dashboard.panels)) {
    return [`${key} is not a Grafana dashboard (needs a title and panels)`];
  }
  const queries = dashboardQueries(dashboard);
  const missing = REQUIRED_METRICS.filter((metric) => !queries.some((query) => query.expr.includes(metric)));
  return [
    ...missing.map((metric) => `${key} has no panel querying ${metric}`),
    ...queries
      .filter((query) => !query.expr.includes('destination_version'))
      .map(
        (query) =>
          `${key} panel "${query.panel}" does not break its query down by destination_version: ${query.expr}`,
      ),
  ];
}

import type { Finding } from './findings.js';
import { describeObject, type Manifest, metadataOf } from './manifests.js';

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
  const findings: Finding[] = [];
  const configMaps = objects.filter(
    (object) => object.kind === 'ConfigMap' && metadataOf(object).labels?.grafana_dashboard === '1',
  );
  for (const configMap of configMaps) {
    const report = (message: string) =>
      findings.push({
        check: 'grafana-dashboard',
        severity: 'error',
        object: describeObject(configMap),
        message,
      });
    const data = (configMap.data ?? {}) as Record<string, string>;
    const files = Object.entries(data).filter(([key]) => key.endsWith('.json'));
    if (files.length === 0) report('is labelled grafana_dashboard but holds no *.json dashboard');
    for (const [key, text] of files) {
      let dashboard: { title?: unknown; panels?: Panel[] };
      try {
        dashboard = JSON.parse(text);
      } catch (error) {
        report(`${key} is not valid JSON: ${(error as Error).message}`);
        continue;
      }
      if (typeof dashboard.title !== 'string' || !Array.isArray(dashboard.panels)) {
        report(`${key} is not a Grafana dashboard (needs a title and panels)`);
        continue;
      }
      const queries = dashboardQueries(dashboard);
      for (const metric of REQUIRED_METRICS) {
        if (!queries.some((query) => query.expr.includes(metric)))
          report(`${key} has no panel querying ${metric}`);
      }
      for (const query of queries) {
        if (!query.expr.includes('destination_version')) {
          report(
            `${key} panel "${query.panel}" does not break its query down by destination_version: ${query.expr}`,
          );
        }
      }
    }
  }
  return findings;
}

/**
 * The PromQL the project ships, read from where it lives, so tests evaluate exactly what users run: the Grafana
 * dashboard's panels (k8s/base), canary.sh's two judging queries, and Flagger's built-in metrics (the committed
 * istio-metrics-observer.go of the pinned Flagger). promtool checks them on synthetic series (flagger-promql test);
 * a real Prometheus runs them on real traffic (apps/ops' prometheus test).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { k8sDir, repoRoot } from '@movies/mesh';
import { parse } from 'yaml';
import { dashboardQueries } from './check-observability.js';
import { flaggerUpstreamDir } from './flagger-schema.js';

export interface PanelQuery {
  panel: string;
  expr: string;
}

/** Every panel expression of the dashboards in a ConfigMap file (k8s/base's by default). */
export function dashboardPanels(
  file = join(k8sDir, 'base', 'configmap-grafana-dashboard.yaml'),
): PanelQuery[] {
  const configMap = parse(readFileSync(file, 'utf8')) as { data: Record<string, string> };
  return Object.values(configMap.data).flatMap((json) => dashboardQueries(JSON.parse(json)));
}

/**
 * canary.sh's success-rate and p99 queries as the script writes them, for a namespace and window; `workload`
 * replaces the script's canary workload (movie-backend-v2), as Flagger's canary Deployment is named otherwise.
 */
export function canaryQueries(
  namespace: string,
  window: string,
  workload?: string,
): { success: string; p99: string } {
  const script = readFileSync(join(repoRoot, 'scripts', 'canary.sh'), 'utf8');
  const unquote = (text: string) => text.replaceAll('\\"', '"');
  // A bash expansion as the script writes it, e.g. ${NAMESPACE}.
  const bashVar = (name: string) => ['$', '{', name, '}'].join('');
  let selector = unquote(/local selector="(.+)"$/m.exec(script)?.[1] ?? '').replace(
    bashVar('NAMESPACE'),
    namespace,
  );
  if (workload) selector = selector.replace('movie-backend-v2', workload);
  const query = (name: string) => {
    const found = new RegExp(`${name}="\\$\\(prometheus_scalar "(.+)"\\)"`).exec(script)?.[1];
    if (!found || !selector) throw new Error(`scripts/canary.sh has no ${name} query`);
    return unquote(found).replaceAll(bashVar('selector'), selector).replaceAll(bashVar('window'), window);
  };
  return { success: query('success'), p99: query('p99') };
}

/** Flagger's query for a built-in metric, as its istio-metrics-observer.go holds it, rendered for one Canary. */
export function flaggerQuery(
  metric: string,
  vars: { namespace: string; target: string; interval: string },
): string {
  const source = readFileSync(join(flaggerUpstreamDir(), 'istio-metrics-observer.go'), 'utf8');
  const found = new RegExp(`"${metric}": \`([^\`]+)\``).exec(source)?.[1];
  if (!found) throw new Error(`istio-metrics-observer.go has no query for ${metric}`);
  return (
    found
      .replaceAll('{{ namespace }}', vars.namespace)
      .replaceAll('{{ target }}', vars.target)
      .replaceAll('{{ interval }}', vars.interval)
      // Go source indentation (tabs) means nothing to PromQL, and YAML refuses tabs where it indents.
      .replaceAll(/\s+/g, ' ')
      .trim()
  );
}

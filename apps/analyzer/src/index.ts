/**
 * Offline checks of rendered manifests, in the spirit of `istioctl analyze`. Each check returns findings with a
 * message a user can act on; `analyzeOverlay` renders an overlay and runs them all.
 */
import { parseManifests, type RenderOptions, renderOverlay } from '@movies/mesh';
import type { Manifest } from '@movies/mesh/manifests';
import { checkNamespaces } from './check-namespace.js';
import { checkDashboards } from './check-observability.js';
import { checkRoutesDisjoint, checkRulesReachable } from './check-overlap.js';
import {
  checkDestinationHosts,
  checkGatewaysExist,
  checkHeaderNamesLowercase,
  checkSubsetSelection,
  checkSubsetsDefined,
  checkWeightsMatchOverlay,
  checkWeightsSum,
  loadRouteTables,
  type RoutingContext,
} from './check-routing.js';
import { checkSchema } from './check-schema.js';
import { checkServices } from './check-services.js';
import { checkStickyPins } from './check-sticky.js';
import { checkWorkloads } from './check-workloads.js';
import { expectedSplitOf } from './expected-split.js';
import type { Finding } from './findings.js';

export { checkSchema } from './check-schema.js';
export { expectedSplitOf, splitFromName } from './expected-split.js';
export { type Finding, formatFinding, hasErrors } from './findings.js';
export { strictSchema } from './schemas.js';

/** Every check id, with what it guards (printed by `analyze --list`). */
export const CHECKS: Record<string, string> = {
  schema:
    'every object matches its committed strict schema (core, Istio, Gateway API); unknown fields are errors',
  'virtual-service-supported': 'every VirtualService/HTTPRoute can be read by the shared routing module',
  'subset-defined': "every route and mirror subset exists in the host's DestinationRule",
  'destination-host': 'every route destination is a Service of the namespace, on one of its ports',
  'subset-selects-one-deployment': 'each DestinationRule subset selects the pods of exactly one Deployment',
  'gateway-exists': 'every gateway a route binds to exists',
  'weights-sum': "each route's weights add up to 100",
  'weights-match-overlay': "a plain /api/ request gets the split the overlay's name promises",
  'sticky-pins-match-weights':
    'a sticky pin rule exists, before the weighted rule, exactly for each version with weight',
  'header-lowercase': 'header match names are lowercase',
  'routes-disjoint': 'gateway-bound VirtualServices of one host never match the same request',
  'rule-reachable': 'no route is shadowed by an earlier one (the OR-ed match blocks mistake)',
  'service-selects-pods': "each Service's selector selects some Deployment's pods",
  'service-target-port': 'each Service targetPort (number or name) is a port of the selected pods',
  'workload-labels': 'pods carry app and version labels',
  'workload-probes': 'containers have liveness and readiness probes',
  'workload-resources': 'containers set cpu/memory requests and limits',
  'workload-security-context':
    'non-root, read-only root fs, no privilege escalation, drop ALL, seccomp RuntimeDefault',
  'workload-graceful-shutdown': 'preStop pause and a longer terminationGracePeriodSeconds',
  'workload-service-account': 'each Deployment has its own, existing ServiceAccount',
  'pdb-exists': 'a PodDisruptionBudget covers every Deployment',
  'namespace-injection': 'everything lives in a namespace labelled istio-injection: enabled',
  'grafana-dashboard': 'dashboard ConfigMaps hold valid JSON with per-version Istio queries',
};

export interface AnalyzeOptions {
  /** The split the manifests must implement, e.g. { v1: 80, v2: 20 }; skipped when undefined. */
  expectedSplit?: Record<string, number>;
  /** Overlay name, for messages. */
  overlay?: string;
}

/** Runs every check on already-parsed manifest objects. */
export function analyzeObjects(objects: readonly Manifest[], options: AnalyzeOptions = {}): Finding[] {
  const { tables, findings: unreadable } = loadRouteTables(objects);
  const context: RoutingContext = {
    objects,
    tables,
    expectedSplit: options.expectedSplit,
    overlay: options.overlay,
    unreadable: unreadable.length,
  };
  return [
    ...checkSchema(objects),
    ...unreadable,
    ...checkSubsetsDefined(context),
    ...checkDestinationHosts(context),
    ...checkSubsetSelection(context),
    ...checkGatewaysExist(context),
    ...checkWeightsSum(context),
    ...checkWeightsMatchOverlay(context),
    ...checkStickyPins(context),
    ...checkHeaderNamesLowercase(context),
    ...checkRoutesDisjoint(context),
    ...checkRulesReachable(context),
    ...checkServices(objects),
    ...checkWorkloads(objects),
    ...checkNamespaces(objects),
    ...checkDashboards(objects),
  ];
}

export interface OverlayAnalysis {
  overlay: string;
  objects: Manifest[];
  /** The split overlay the expected weights come from (the overlay itself for a split). */
  splitFrom: string | undefined;
  findings: Finding[];
}

/** Renders an overlay (kubectl kustomize, or the committed k8s/rendered fallback) and analyzes it. */
export async function analyzeOverlay(overlay: string, options: RenderOptions = {}): Promise<OverlayAnalysis> {
  const rendered = await renderOverlay(overlay, options);
  const objects = parseManifests(rendered.yaml, `k8s/overlays/${overlay}`);
  const expected = expectedSplitOf(overlay);
  const findings = analyzeObjects(objects, { expectedSplit: expected?.split, overlay });
  if (!expected) {
    findings.push({
      check: 'weights-match-overlay',
      severity: 'error',
      object: `overlay ${overlay}`,
      message:
        'is neither a split (like 80-20) nor built on one: list its split overlay under resources (e.g. ../80-20) so its weights can be checked',
    });
  }
  return { overlay, objects, splitFrom: expected?.via, findings };
}
export { dashboardQueries } from './check-observability.js';
export { canaryQueries, dashboardPanels, flaggerQuery, type PanelQuery } from './shipped-queries.js';

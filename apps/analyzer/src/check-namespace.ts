import { describeObject, type Manifest, metadataOf } from '@movies/mesh/manifests';
import type { Finding } from './findings.js';

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'GatewayClass',
]);

/**
 * `namespace-injection`: every namespaced object sits in a namespace that the manifests create with
 * `istio-injection: enabled`; without the sidecar a pod is outside the mesh and ignores every route.
 */
export function checkNamespaces(objects: readonly Manifest[]): Finding[] {
  const namespaces = new Map(
    objects
      .filter((object) => object.kind === 'Namespace')
      .map((object) => [metadataOf(object).name, metadataOf(object)]),
  );
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const object of objects) {
    if (CLUSTER_SCOPED.has(String(object.kind))) continue;
    const namespace = metadataOf(object).namespace;
    const report = (message: string) =>
      findings.push({
        check: 'namespace-injection',
        severity: 'error',
        object: describeObject(object),
        message,
      });
    if (!namespace) {
      report('has no namespace: kustomize sets it from the base kustomization (namespace: movies)');
      continue;
    }
    const declared = namespaces.get(namespace);
    if (declared?.labels?.['istio-injection'] === 'enabled' || reported.has(namespace)) continue;
    reported.add(namespace);
    if (declared) {
      findings.push({
        check: 'namespace-injection',
        severity: 'error',
        object: `Namespace ${namespace}`,
        message:
          'is not labelled istio-injection: enabled, so its pods get no sidecar and bypass every route',
      });
    } else {
      report(
        `namespace ${namespace} is not created by the manifests (add a Namespace labelled istio-injection: enabled)`,
      );
    }
  }
  return findings;
}

import {
  type Deployment,
  deploymentsSelectedBy,
  describeObject,
  formatLabels,
  type Manifest,
  type Service,
  services,
} from '@movies/mesh/manifests';
import type { Finding } from './findings.js';

function containerPorts(deployment: Deployment): Array<{ name?: string; containerPort: number }> {
  return deployment.spec.template.spec.containers.flatMap((container) => container.ports ?? []);
}

/**
 * `service-selects-pods`: each Service's selector picks the pods of at least one Deployment.
 * `service-target-port`: each targetPort (a number, or a port name) is a container port of every selected pod.
 */
export function checkServices(objects: readonly Manifest[]): Finding[] {
  const findings: Finding[] = [];
  for (const service of services(objects)) {
    const object = describeObject(service as unknown as Manifest);
    const selector = service.spec.selector;
    if (!selector || Object.keys(selector).length === 0) continue; // selector-less Services are managed by hand
    const selected = deploymentsSelectedBy(objects, service.metadata.namespace, selector);
    if (selected.length === 0) {
      findings.push({
        check: 'service-selects-pods',
        severity: 'error',
        object,
        message: `selector ${formatLabels(selector)} matches no Deployment's pod labels, so the Service has no endpoints`,
      });
      continue;
    }
    for (const message of targetPortProblems(service, selected)) {
      findings.push({ check: 'service-target-port', severity: 'error', object, message });
    }
  }
  return findings;
}

type ServicePort = NonNullable<Service['spec']['ports']>[number];

/** Each port whose targetPort the pods of a selected Deployment do not expose. */
function targetPortProblems(service: Service, selected: readonly Deployment[]): string[] {
  return (service.spec.ports ?? []).flatMap((port) =>
    selected.flatMap((deployment) => {
      const problem = targetPortProblem(port, deployment);
      return problem ? [problem] : [];
    }),
  );
}

function targetPortProblem(port: ServicePort, deployment: Deployment): string | undefined {
  const target = port.targetPort ?? port.port;
  const ports = containerPorts(deployment);
  const found = ports.some((p) =>
    typeof target === 'number' ? p.containerPort === target : p.name === target,
  );
  if (found) return undefined;
  const known = ports
    .map((p) => (p.name ? `${p.name}=${p.containerPort}` : String(p.containerPort)))
    .join(', ');
  return `port ${port.name ?? port.port} targets ${typeof target === 'number' ? 'port' : 'port name'} ${target}, which the pods of Deployment ${deployment.metadata.name} do not expose (container ports: ${known || 'none'})`;
}

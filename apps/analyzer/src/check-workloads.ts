import {
  type Container,
  type Deployment,
  deployments,
  describeObject,
  type LabelSelector,
  type Manifest,
  metadataOf,
  ofKind,
  podLabels,
  selectorMatches,
} from '@movies/mesh/manifests';
import type { Finding } from './findings.js';

type Report = (check: string, message: string) => void;

/** `workload-labels`: pods carry `app` and `version` (Istio telemetry and Kiali group by them). */
function checkLabels(deployment: Deployment, report: Report): void {
  const labels = podLabels(deployment);
  const missing = ['app', 'version'].filter((label) => !labels[label]);
  if (missing.length > 0) {
    report(
      'workload-labels',
      `pod template lacks the ${missing.map((label) => `"${label}"`).join(' and ')} label${missing.length > 1 ? 's' : ''}: Istio's metrics (destination_version) and Kiali's graph need app and version`,
    );
  }
}

/** `workload-probes`: every container has an HTTP liveness and readiness probe. */
function checkProbes(deployment: Deployment, report: Report): void {
  for (const container of deployment.spec.template.spec.containers) {
    for (const probe of ['livenessProbe', 'readinessProbe'] as const) {
      if (!container[probe]) {
        report(
          'workload-probes',
          `container ${container.name} has no ${probe}: Kubernetes cannot tell when it is ready or stuck`,
        );
      }
    }
  }
}

/** `workload-resources`: every container requests and limits cpu and memory. */
function checkResources(deployment: Deployment, report: Report): void {
  for (const container of deployment.spec.template.spec.containers) {
    const missing: string[] = [];
    for (const kind of ['requests', 'limits'] as const) {
      for (const resource of ['cpu', 'memory']) {
        if (!container.resources?.[kind]?.[resource]) missing.push(`${kind}.${resource}`);
      }
    }
    if (missing.length > 0) {
      report('workload-resources', `container ${container.name} sets no resources ${missing.join(', ')}`);
    }
  }
}

type PodSpecOf = Deployment['spec']['template']['spec'];
type SecurityContextOf = NonNullable<Container['securityContext']>;

/** Each setting a hardened container needs, and whether the container (or its pod) has it. */
const SECURITY_REQUIREMENTS: ReadonlyArray<
  [string, (context: SecurityContextOf, pod: PodSpecOf) => boolean]
> = [
  ['runAsNonRoot: true', (c, pod) => c.runAsNonRoot === true || pod.securityContext?.runAsNonRoot === true],
  ['readOnlyRootFilesystem: true', (c) => c.readOnlyRootFilesystem === true],
  ['allowPrivilegeEscalation: false', (c) => c.allowPrivilegeEscalation === false],
  ['capabilities.drop: [ALL]', (c) => (c.capabilities?.drop ?? []).includes('ALL')],
  ['no capabilities.add', (c) => (c.capabilities?.add ?? []).length === 0],
  [
    'seccompProfile.type: RuntimeDefault',
    (c, pod) => {
      const seccomp = c.seccompProfile?.type ?? pod.securityContext?.seccompProfile?.type;
      return seccomp === 'RuntimeDefault' || seccomp === 'Localhost';
    },
  ],
];

/** `workload-security-context`: non-root, read-only root filesystem, no privilege escalation, drop ALL, seccomp. */
function checkSecurityContext(deployment: Deployment, report: Report): void {
  const pod = deployment.spec.template.spec;
  for (const container of pod.containers) {
    const context = container.securityContext ?? {};
    const problems = SECURITY_REQUIREMENTS.filter(([, holds]) => !holds(context, pod)).map(([need]) => need);
    if (problems.length > 0) {
      report(
        'workload-security-context',
        `container ${container.name} securityContext needs ${problems.join(', ')}`,
      );
    }
  }
}

/**
 * `workload-graceful-shutdown`: a preStop pause keeps pods serving while the gateways learn they are going, and
 * terminationGracePeriodSeconds leaves time after it for in-flight requests to finish.
 */
function checkGracefulShutdown(deployment: Deployment, report: Report): void {
  const pod = deployment.spec.template.spec;
  const grace = pod.terminationGracePeriodSeconds;
  for (const container of pod.containers) {
    const preStop = container.lifecycle?.preStop;
    if (!preStop) {
      report(
        'workload-graceful-shutdown',
        `container ${container.name} has no lifecycle.preStop pause: the gateway may still send requests after SIGTERM`,
      );
      continue;
    }
    const pause = preStop.sleep?.seconds ?? 0;
    if (grace === undefined || grace <= pause) {
      report(
        'workload-graceful-shutdown',
        `terminationGracePeriodSeconds (${grace ?? 'unset'}) must be set and longer than container ${container.name}'s preStop pause (${pause} s) so draining requests can finish`,
      );
    }
  }
}

/** `workload-service-account`: each Deployment runs as its own ServiceAccount, which exists. */
function checkServiceAccounts(
  objects: readonly Manifest[],
  list: readonly Deployment[],
  findings: Finding[],
): void {
  const accounts = ofKind<Manifest>(objects, 'ServiceAccount', '').map(metadataOf);
  const users = new Map<string, string[]>();
  for (const deployment of list) {
    const name = deployment.spec.template.spec.serviceAccountName;
    const object = describeObject(deployment as unknown as Manifest);
    const report = (message: string) =>
      findings.push({ check: 'workload-service-account', severity: 'error', object, message });
    if (!name || name === 'default') {
      report(
        'runs as the namespace\'s "default" ServiceAccount: give it its own, so mTLS identities and AuthorizationPolicies can tell workloads apart',
      );
      continue;
    }
    if (
      !accounts.some(
        (account) => account.name === name && account.namespace === deployment.metadata.namespace,
      )
    ) {
      report(
        `uses ServiceAccount "${name}", which is not part of the manifests: its pods would never be created`,
      );
      continue;
    }
    const key = `${deployment.metadata.namespace}/${name}`;
    users.set(key, [...(users.get(key) ?? []), deployment.metadata.name]);
  }
  for (const [key, names] of users) {
    if (names.length < 2) continue;
    findings.push({
      check: 'workload-service-account',
      severity: 'error',
      object: `ServiceAccount ${key}`,
      message: `is shared by Deployments ${names.join(', ')}: give each workload its own ServiceAccount`,
    });
  }
}

/** `pdb-exists`: a PodDisruptionBudget covers every Deployment's pods. */
function checkDisruptionBudgets(
  objects: readonly Manifest[],
  list: readonly Deployment[],
  findings: Finding[],
): void {
  const budgets = ofKind<Manifest>(objects, 'PodDisruptionBudget', 'policy');
  for (const deployment of list) {
    const covered = budgets.some(
      (budget) =>
        metadataOf(budget).namespace === deployment.metadata.namespace &&
        selectorMatches(
          ((budget.spec ?? {}) as { selector?: LabelSelector }).selector ?? {},
          podLabels(deployment),
        ),
    );
    if (!covered) {
      findings.push({
        check: 'pdb-exists',
        severity: 'error',
        object: describeObject(deployment as unknown as Manifest),
        message: 'no PodDisruptionBudget selects its pods: a node drain could evict all of them at once',
      });
    }
  }
}

export function checkWorkloads(objects: readonly Manifest[]): Finding[] {
  const findings: Finding[] = [];
  const list = deployments(objects);
  for (const deployment of list) {
    const object = describeObject(deployment as unknown as Manifest);
    const report: Report = (check, message) => findings.push({ check, severity: 'error', object, message });
    checkLabels(deployment, report);
    checkProbes(deployment, report);
    checkResources(deployment, report);
    checkSecurityContext(deployment, report);
    checkGracefulShutdown(deployment, report);
  }
  checkServiceAccounts(objects, list, findings);
  checkDisruptionBudgets(objects, list, findings);
  return findings;
}

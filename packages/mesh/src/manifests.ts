/** Small typed views over rendered manifest objects, shared by the checks. */

export type Manifest = Record<string, unknown>;

export interface Metadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
}

export interface Probe {
  httpGet?: { path?: string; port: number | string };
  tcpSocket?: { port: number | string };
  exec?: unknown;
  grpc?: unknown;
}

export interface Container {
  name: string;
  image?: string;
  ports?: ContainerPort[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    runAsNonRoot?: boolean;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
    seccompProfile?: { type?: string };
  };
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: unknown; httpGet?: unknown } };
}

export interface PodSpec {
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type?: string } };
  containers: Container[];
}

export interface Deployment {
  metadata: Metadata;
  spec: {
    selector: LabelSelector;
    template: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
  };
}

export interface Service {
  metadata: Metadata;
  spec: {
    selector?: Record<string, string>;
    ports?: Array<{ name?: string; port: number; targetPort?: number | string }>;
  };
}

export interface DestinationRule {
  metadata: Metadata;
  spec: { host: string; subsets?: Array<{ name: string; labels?: Record<string, string> }> };
}

export function metadataOf(object: Manifest): Metadata {
  const metadata = object.metadata as Partial<Metadata> | undefined;
  return { ...metadata, name: String(metadata?.name ?? '(unnamed)') };
}

/** "VirtualService movies/movie-backend", the way every finding names its object. */
export function describeObject(object: Manifest): string {
  const { name, namespace } = metadataOf(object);
  return `${String(object.kind)} ${namespace ? `${namespace}/` : ''}${name}`;
}

export function ofKind<T>(objects: readonly Manifest[], kind: string, group?: string): T[] {
  return objects.filter((object) => {
    if (object.kind !== kind) return false;
    if (group === undefined) return true;
    const apiVersion = String(object.apiVersion ?? '');
    return group === '' ? !apiVersion.includes('/') : apiVersion.startsWith(`${group}/`);
  }) as T[];
}

export function deployments(objects: readonly Manifest[]): Deployment[] {
  return ofKind<Deployment>(objects, 'Deployment', 'apps');
}

export function services(objects: readonly Manifest[]): Service[] {
  return ofKind<Service>(objects, 'Service', '');
}

export function destinationRules(objects: readonly Manifest[]): DestinationRule[] {
  return ofKind<DestinationRule>(objects, 'DestinationRule', 'networking.istio.io');
}

/** True when every label the selector asks for is on the object with that value (matchLabels semantics). */
export function labelsMatch(
  selector: Record<string, string>,
  labels: Record<string, string> | undefined,
): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** Full LabelSelector semantics (matchLabels AND matchExpressions). An empty selector selects everything. */
export function selectorMatches(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  if (!labelsMatch(selector.matchLabels ?? {}, labels)) return false;
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels?.[key];
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
}

export function podLabels(deployment: Deployment): Record<string, string> {
  return deployment.spec.template.metadata?.labels ?? {};
}

/** Deployments in the namespace whose pods carry all the given labels. */
export function deploymentsSelectedBy(
  objects: readonly Manifest[],
  namespace: string | undefined,
  selector: Record<string, string>,
): Deployment[] {
  return deployments(objects).filter(
    (deployment) =>
      deployment.metadata.namespace === namespace && labelsMatch(selector, podLabels(deployment)),
  );
}

/** A destination host as written in a route ("movie-backend" or its FQDN) → the Service it names, if any. */
export function serviceForHost(
  objects: readonly Manifest[],
  host: string,
  fromNamespace: string | undefined,
): Service | undefined {
  const parts = host.split('.');
  const name = parts[0];
  const namespace = parts.length > 1 ? parts[1] : fromNamespace;
  return services(objects).find(
    (service) => service.metadata.name === name && service.metadata.namespace === namespace,
  );
}

export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

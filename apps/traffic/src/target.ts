/**
 * Where the traffic goes: --url, else $GATEWAY_URL, else the cluster's istio-ingressgateway found the way the
 * original demo did (LoadBalancer IP, then hostname, then a NodePort on a node's InternalIP), else the local
 * gateway of `pnpm dev` on localhost:$GATEWAY_PORT (8080 unless set, as for `pnpm dev`). The environment is
 * validated up front, GATEWAY_PORT and GATEWAY_TOKEN by the rules every app shares (@movies/contracts/env).
 */
import { isRunnable, run } from '@movies/cli-kit';
import { parseEnv, pickShared, refuseAnyPort, variable } from '@movies/contracts/env';
import { UsageError } from '@movies/contracts/errors';
import { TOKEN_VARIABLE } from '@movies/contracts/gateway-access';
import { findKubectl } from '@movies/mesh';
import { z } from 'zod';
import { fetchMeshState, TargetError } from './gateway-client.js';

const envShape = {
  GATEWAY_URL: variable(z.string().optional()),
  ...pickShared('GATEWAY_PORT', TOKEN_VARIABLE),
  NAMESPACE: variable(
    z
      .string()
      .regex(
        /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
        'NAMESPACE must be a Kubernetes namespace name such as movies',
      )
      .default('movies'),
  ),
  KUBECTL: variable(z.string().optional()),
};

export interface TrafficEnv {
  gatewayUrl: string | undefined;
  /** The gateway of `pnpm dev` on this machine: http://localhost:$GATEWAY_PORT. */
  localGatewayUrl: string;
  namespace: string;
  /** kubectl binary ($KUBECTL or found on PATH), undefined when there is none. */
  kubectl: string | undefined;
  /** $GATEWAY_TOKEN: the local gateway's admin token, for `set`. */
  gatewayToken: string | undefined;
}

/** Throws a CONFIG_INVALID AppError naming the bad variables. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): TrafficEnv {
  const values = parseEnv(envShape, env, { what: 'invalid environment' });
  refuseAnyPort(
    { GATEWAY_PORT: values.GATEWAY_PORT },
    'the traffic CLI needs the port `pnpm dev` printed (or GATEWAY_URL)',
  );
  return {
    gatewayUrl: values.GATEWAY_URL,
    localGatewayUrl: `http://localhost:${values.GATEWAY_PORT}`,
    namespace: values.NAMESPACE,
    kubectl: findKubectl({ ...env, KUBECTL: values.KUBECTL }),
    // Sent only with PUT /__mesh (`set`): a gateway bound beyond loopback needs it (apps/gateway, Security).
    gatewayToken: values[TOKEN_VARIABLE],
  };
}

/** "1.2.3.4:80", "localhost:8080/", "https://gw.example" → a base URL without a trailing slash. */
export function normalizeUrl(raw: string, what = '--url'): string {
  const text = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`${what} is not a URL: "${raw}" (e.g. http://localhost:8080 or 203.0.113.7:80)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${what} must be http:// or https://, got "${raw}"`);
  }
  if (url.search || url.hash || url.username) {
    throw new UsageError(`${what} must be a plain base URL with no query, fragment or credentials: "${raw}"`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export type TargetOrigin =
  | 'flag'
  | 'env'
  | 'loadbalancer-ip'
  | 'loadbalancer-hostname'
  | 'nodeport'
  | 'default';

export interface Target {
  url: string;
  origin: TargetOrigin;
}

export async function kubectlJson(kubectl: string, args: string[]): Promise<unknown> {
  const failed = (why: string) => new Error(`\`kubectl ${args.join(' ')}\` failed: ${why}`);
  const result = await run(kubectl, [...args, '-o', 'json'], { timeoutMs: 20_000 }).catch((error: Error) => {
    throw failed(error.message);
  });
  if (result.code !== 0 || result.timedOut) {
    throw failed(
      result.stderr.trim() || (result.timedOut ? 'timed out after 20 s' : `exit code ${result.code}`),
    );
  }
  try {
    return JSON.parse(result.stdout);
  } catch (error) {
    throw failed((error as Error).message);
  }
}

const serviceSchema = z.object({
  spec: z.object({
    ports: z
      .array(z.object({ name: z.string().optional(), port: z.number(), nodePort: z.number().optional() }))
      .default([]),
  }),
  status: z
    .object({
      loadBalancer: z
        .object({
          ingress: z
            .array(z.object({ ip: z.string().optional(), hostname: z.string().optional() }))
            .optional(),
        })
        .optional(),
    })
    .optional(),
});

const nodesSchema = z.object({
  items: z.array(
    z.object({
      status: z.object({
        addresses: z.array(z.object({ type: z.string(), address: z.string() })).default([]),
      }),
    }),
  ),
});

function hostPort(host: string, port: number): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return port === 80 ? `http://${h}` : `http://${h}:${port}`;
}

/**
 * The istio-ingressgateway's address, or undefined when kubectl has no cluster or no gateway to offer.
 * Uses the http2 port like the original (`{.spec.ports[?(@.name=="http2")].port}`), else http, else the first.
 */
export async function discoverIngress(kubectl: string): Promise<Target | undefined> {
  // No kubectl, or no kubeconfig context: there is no cluster to look in.
  if (!(await isRunnable(kubectl, ['config', 'current-context'], { timeoutMs: 10_000 }))) return undefined;
  let service: z.infer<typeof serviceSchema>;
  try {
    const json = await kubectlJson(kubectl, ['get', 'svc', 'istio-ingressgateway', '-n', 'istio-system']);
    service = serviceSchema.parse(json);
  } catch {
    return undefined;
  }
  const ports = service.spec.ports;
  const http = ports.find((p) => p.name === 'http2') ?? ports.find((p) => p.name === 'http') ?? ports[0];
  if (!http) return undefined;
  const ingress = service.status?.loadBalancer?.ingress?.[0];
  if (ingress?.ip) return { url: hostPort(ingress.ip, http.port), origin: 'loadbalancer-ip' };
  if (ingress?.hostname)
    return { url: hostPort(ingress.hostname, http.port), origin: 'loadbalancer-hostname' };
  if (http.nodePort === undefined) return undefined;
  try {
    const nodes = nodesSchema.parse(await kubectlJson(kubectl, ['get', 'nodes']));
    for (const node of nodes.items) {
      const internal = node.status.addresses.find((a) => a.type === 'InternalIP');
      if (internal) return { url: hostPort(internal.address, http.nodePort), origin: 'nodeport' };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export async function resolveTarget(flagUrl: string | undefined, env: TrafficEnv): Promise<Target> {
  if (flagUrl !== undefined) return { url: normalizeUrl(flagUrl, '--url'), origin: 'flag' };
  if (env.gatewayUrl !== undefined)
    return { url: normalizeUrl(env.gatewayUrl, 'GATEWAY_URL'), origin: 'env' };
  if (env.kubectl) {
    const found = await discoverIngress(env.kubectl);
    if (found) return found;
  }
  return { url: env.localGatewayUrl, origin: 'default' };
}

export function describeOrigin(origin: TargetOrigin): string {
  switch (origin) {
    case 'flag':
      return '--url';
    case 'env':
      return 'GATEWAY_URL';
    case 'loadbalancer-ip':
      return 'istio-ingressgateway LoadBalancer IP';
    case 'loadbalancer-hostname':
      return 'istio-ingressgateway LoadBalancer hostname';
    case 'nodeport':
      return 'istio-ingressgateway NodePort';
    case 'default':
      return 'default target';
  }
}

export type TargetMode = 'local' | 'cluster';

/**
 * Local or cluster: a target is the local gateway when GET /__mesh answers with the gateway's state
 * (fetchMeshState); anything else — an ingress gateway, a LoadBalancer, nothing at all — is a cluster, read with
 * kubectl. readConfiguredView (the CLI) and chooseTarget (canary.sh, through the ops helper) both decide by it.
 */
export async function isLocalGateway(url: string): Promise<boolean> {
  return (await fetchMeshState(url).catch(() => undefined)) !== undefined;
}

export interface TargetChoice {
  mode: TargetMode;
  /** Where the load goes; undefined in a cluster when none was given (the CLI finds the ingress gateway). */
  url: string | undefined;
  /** Why, when the mode was detected rather than given: "the gateway at … answers GET /__mesh". */
  detected?: string;
}

/**
 * canary.sh's target: --url, else $GATEWAY_URL, else the local gateway of `pnpm dev`; a mode given (--local,
 * --cluster) is kept, else detected by isLocalGateway. A local gateway that does not answer is refused (69).
 */
export async function chooseTarget(
  given: { url?: string | undefined; mode?: TargetMode | undefined },
  env: TrafficEnv,
): Promise<TargetChoice> {
  const named = given.url ?? env.gatewayUrl;
  const url =
    named === undefined ? undefined : normalizeUrl(named, given.url === undefined ? 'GATEWAY_URL' : '--url');
  if (given.mode === 'cluster') return { mode: 'cluster', url };
  const probed = url ?? env.localGatewayUrl;
  const local = await isLocalGateway(probed);
  if (given.mode === 'local') {
    if (!local)
      throw new TargetError(
        `the local gateway at ${probed} does not answer GET /__mesh. Start it with 'pnpm dev', or pass --url.`,
      );
    return { mode: 'local', url: probed };
  }
  const answers = local ? 'answers' : 'does not answer';
  const detected = `the gateway at ${probed} ${answers} GET /__mesh`;
  return local ? { mode: 'local', url: probed, detected } : { mode: 'cluster', url, detected };
}

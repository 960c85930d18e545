/**
 * Offline checks of the Flagger variants (k8s/progressive-delivery/flagger*): what Flagger's own admission would
 * accept but a cluster would only show as a stuck or broken canary. Flagger kinds are validated against the CRD
 * committed with Flagger's release, every other object through the analyzer's `checkSchema`, then each Canary is
 * cross-checked against the objects rendered beside it.
 */

import { VISITOR_COOKIE } from '@movies/contracts/names';
import {
  type Deployment,
  deployments,
  describeObject,
  type Manifest,
  metadataOf,
  ofKind,
  serviceForHost,
} from '@movies/mesh/manifests';
import { checkSchema } from './check-schema.js';
import type { Finding } from './findings.js';
import { FLAGGER_GROUP, flaggerValidator } from './flagger-schema.js';
import { describeSchemaErrors } from './schemas.js';

/** Every Flagger check id, with what it guards. */
export const FLAGGER_CHECKS: Record<string, string> = {
  'flagger-schema':
    "Flagger kinds match the committed CRD's openAPIV3Schema (unknown fields are errors); other kinds match the analyzer's schemas",
  'flagger-target':
    'targetRef names a rendered Deployment whose selector has `app` and no `version` (a selector cannot change)',
  'flagger-port': "the Canary's service port (or targetPort) is a port of the target's container",
  'flagger-gateway': 'every gateway the Canary binds to is a rendered Gateway',
  'flagger-generated-names':
    'no rendered Service, DestinationRule or VirtualService takes a name Flagger generates (<name>, -primary, -canary), nor a Deployment <target>-primary',
  'flagger-metrics':
    'every metric is a built-in (request-success-rate, request-duration) or a rendered MetricTemplate',
  'flagger-webhook': 'every webhook URL names a rendered Service on one of its ports (the load tester)',
  'flagger-webhook-timeout': "every webhook's timeout fits in the analysis interval",
  'flagger-cookies':
    'the canary and primary cookies differ from each other and from the sticky-sessions cookie',
  'flagger-step-weights':
    'stepWeights are above 0, rise, and stay below 100 (Flagger promotes after the last)',
};

/** Flagger's built-in metrics (pkg/metrics/observers): the only names allowed without a templateRef. */
const BUILT_IN_METRICS = new Set(['request-success-rate', 'request-duration']);
/** The kinds Flagger creates for a Canary with provider istio, each named <apex>, <apex>-primary, <apex>-canary. */
const GENERATED_KINDS = new Set(['Service', 'DestinationRule', 'VirtualService']);

interface Webhook {
  name?: string;
  url?: string;
  timeout?: string;
}

interface CanarySpec {
  targetRef?: { apiVersion?: string; kind?: string; name?: string };
  service?: { name?: string; port?: number; targetPort?: number | string; gateways?: string[] };
  analysis?: {
    interval?: string;
    stepWeights?: number[];
    metrics?: Array<{ name?: string; templateRef?: { name?: string; namespace?: string } }>;
    webhooks?: Webhook[];
    sessionAffinity?: { cookieName?: string; primaryCookieName?: string };
  };
}

interface Canary {
  object: Manifest;
  namespace: string | undefined;
  spec: CanarySpec;
}

type CanaryCheck = (canary: Canary, objects: readonly Manifest[]) => Array<[check: string, message: string]>;

function isFlagger(object: Manifest): boolean {
  return String(object.apiVersion ?? '').startsWith(`${FLAGGER_GROUP}/`);
}

function schemaFindings(objects: readonly Manifest[]): Finding[] {
  const flagger = objects.filter(isFlagger).flatMap((object) => {
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    const validate = flaggerValidator(apiVersion, kind);
    const problems = !validate
      ? [`no ${apiVersion} ${kind} in Flagger's CRDs (k8s/progressive-delivery/upstream)`]
      : validate(object)
        ? []
        : describeSchemaErrors(validate.errors ?? []).map(
            (line) => `does not match Flagger's ${apiVersion} ${kind} schema: ${line}`,
          );
    return problems.map((message) => ({
      check: 'flagger-schema',
      severity: 'error' as const,
      object: describeObject(object),
      message,
    }));
  });
  const core = checkSchema(objects.filter((object) => !isFlagger(object))).map((finding) => ({
    ...finding,
    check: 'flagger-schema',
  }));
  return [...flagger, ...core];
}

function sameNamespace(object: Manifest, namespace: string | undefined): boolean {
  return metadataOf(object).namespace === namespace;
}

function targetOf(canary: Canary, objects: readonly Manifest[]): Deployment | undefined {
  const name = canary.spec.targetRef?.name;
  return deployments(objects).find(
    (d) => d.metadata.name === name && d.metadata.namespace === canary.namespace,
  );
}

const checkTarget: CanaryCheck = (canary, objects) => {
  const ref = canary.spec.targetRef;
  if (ref?.kind !== 'Deployment')
    return [['flagger-target', `targetRef must be a Deployment, not ${ref?.kind}`]];
  const target = targetOf(canary, objects);
  if (!target) {
    const names = deployments(objects).map((d) => d.metadata.name);
    return [
      [
        'flagger-target',
        `targetRef names Deployment "${ref.name}", which is not rendered (have ${names.join(', ')})`,
      ],
    ];
  }
  const selector = target.spec.selector?.matchLabels ?? {};
  const problems: Array<[string, string]> = [];
  if (!('app' in selector)) {
    problems.push([
      'flagger-target',
      `target Deployment ${ref.name}'s selector has no "app" label: Flagger selects by it`,
    ]);
  }
  if ('version' in selector) {
    problems.push([
      'flagger-target',
      `target Deployment ${ref.name}'s selector has "version": a selector cannot change, so the next version could never roll out`,
    ]);
  }
  return problems;
};

const checkPort: CanaryCheck = (canary, objects) => {
  const target = targetOf(canary, objects);
  if (!target) return []; // reported by flagger-target
  const wanted = canary.spec.service?.targetPort ?? canary.spec.service?.port;
  const ports = target.spec.template.spec.containers.flatMap((c) => c.ports ?? []);
  const found = ports.some((p) => p.containerPort === wanted || (p.name !== undefined && p.name === wanted));
  if (found) return [];
  const have = ports.map((p) => `${p.name ?? ''}:${p.containerPort}`).join(', ');
  return [
    [
      'flagger-port',
      `service port ${wanted} is not a container port of Deployment ${target.metadata.name} (has ${have})`,
    ],
  ];
};

const checkGateways: CanaryCheck = (canary, objects) => {
  const gateways = ofKind<Manifest>(objects, 'Gateway', 'networking.istio.io');
  return (canary.spec.service?.gateways ?? [])
    .filter((ref) => ref !== 'mesh')
    .filter((ref) => {
      const [namespace, name] = ref.includes('/') ? ref.split('/') : [canary.namespace, ref];
      return !gateways.some((g) => metadataOf(g).name === name && sameNamespace(g, namespace));
    })
    .map((ref): [string, string] => [
      'flagger-gateway',
      `service.gateways names "${ref}", which is not a rendered Istio Gateway`,
    ]);
};

const checkGeneratedNames: CanaryCheck = (canary, objects) => {
  const apex = canary.spec.service?.name ?? canary.spec.targetRef?.name ?? '';
  const routing = new Set([apex, `${apex}-primary`, `${apex}-canary`]);
  // Flagger also copies the target into <target>-primary.
  const primary = `${canary.spec.targetRef?.name}-primary`;
  const generated = (o: Manifest) =>
    GENERATED_KINDS.has(String(o.kind))
      ? routing.has(metadataOf(o).name)
      : o.kind === 'Deployment' && metadataOf(o).name === primary;
  return objects
    .filter((o) => sameNamespace(o, canary.namespace) && generated(o))
    .map((o): [string, string] => [
      'flagger-generated-names',
      `${describeObject(o)} is a name Flagger generates for this Canary: leave it out (Flagger owns it)`,
    ]);
};

const checkMetrics: CanaryCheck = (canary, objects) => {
  const templates = ofKind<Manifest>(objects, 'MetricTemplate', FLAGGER_GROUP);
  return (canary.spec.analysis?.metrics ?? []).flatMap((metric): Array<[string, string]> => {
    const ref = metric.templateRef;
    if (!ref) {
      return BUILT_IN_METRICS.has(metric.name ?? '')
        ? []
        : [
            [
              'flagger-metrics',
              `metric "${metric.name}" is not built in (${[...BUILT_IN_METRICS].join(', ')}) and has no templateRef`,
            ],
          ];
    }
    const namespace = ref.namespace ?? canary.namespace;
    const found = templates.some((t) => metadataOf(t).name === ref.name && sameNamespace(t, namespace));
    return found
      ? []
      : [
          [
            'flagger-metrics',
            `metric "${metric.name}" refers to MetricTemplate ${namespace}/${ref.name}, which is not rendered`,
          ],
        ];
  });
};

function webhookProblem(webhook: Webhook, canary: Canary, objects: readonly Manifest[]): string | undefined {
  let url: URL;
  try {
    url = new URL(webhook.url ?? '');
  } catch {
    return `webhook "${webhook.name}" has no valid URL (${webhook.url})`;
  }
  const service = serviceForHost(objects, url.hostname, canary.namespace);
  if (!service) return `webhook "${webhook.name}" calls ${url.host}, which is not a rendered Service`;
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const ports = (service.spec.ports ?? []).map((p) => p.port);
  if (!ports.includes(port)) {
    return `webhook "${webhook.name}" calls port ${port} of Service ${service.metadata.name}, which has ${ports.join(', ')}`;
  }
  return undefined;
}

const checkWebhooks: CanaryCheck = (canary, objects) =>
  (canary.spec.analysis?.webhooks ?? []).flatMap((webhook): Array<[string, string]> => {
    const problem = webhookProblem(webhook, canary, objects);
    return problem ? [['flagger-webhook', problem]] : [];
  });

/** "1m" / "30s" → seconds (Flagger's duration pattern ^[0-9]+(m|s)); undefined when unreadable. */
function seconds(duration: string | undefined): number | undefined {
  const found = /^(\d+)(m|s)$/.exec(duration ?? '');
  if (!found) return undefined;
  return Number(found[1]) * (found[2] === 'm' ? 60 : 1);
}

const checkWebhookTimeouts: CanaryCheck = (canary) => {
  const interval = seconds(canary.spec.analysis?.interval);
  if (interval === undefined) {
    return [
      [
        'flagger-webhook-timeout',
        `analysis.interval "${canary.spec.analysis?.interval}" is not a duration like 1m or 30s`,
      ],
    ];
  }
  return (canary.spec.analysis?.webhooks ?? []).flatMap((webhook): Array<[string, string]> => {
    // Flagger's default webhook timeout is 10s.
    const timeout = webhook.timeout === undefined ? 10 : seconds(webhook.timeout);
    if (timeout !== undefined && timeout < interval) return [];
    return [
      [
        'flagger-webhook-timeout',
        `webhook "${webhook.name}" timeout ${webhook.timeout} does not fit in the ${canary.spec.analysis?.interval} interval`,
      ],
    ];
  });
};

const checkCookies: CanaryCheck = (canary) => {
  const affinity = canary.spec.analysis?.sessionAffinity;
  if (!affinity) return [];
  const { cookieName, primaryCookieName } = affinity;
  const problems: Array<[string, string]> = [];
  if (cookieName === primaryCookieName) {
    problems.push([
      'flagger-cookies',
      `cookieName and primaryCookieName are both "${cookieName}": a visitor could not tell canary from primary`,
    ]);
  }
  for (const [field, name] of [
    ['cookieName', cookieName],
    ['primaryCookieName', primaryCookieName],
  ] as const) {
    if (name === VISITOR_COOKIE) {
      problems.push([
        'flagger-cookies',
        `${field} "${name}" is the split overlays' sticky cookie: pick another name`,
      ]);
    }
  }
  return problems;
};

const checkStepWeights: CanaryCheck = (canary) => {
  const steps = canary.spec.analysis?.stepWeights;
  if (!steps) return [];
  const bad = steps.some(
    (weight, i) => weight <= 0 || weight >= 100 || (i > 0 && weight <= (steps[i - 1] as number)),
  );
  return bad
    ? [
        [
          'flagger-step-weights',
          `stepWeights [${steps.join(', ')}] must rise, each above 0 and below 100 (Flagger promotes after the last)`,
        ],
      ]
    : [];
};

const CANARY_CHECKS: readonly CanaryCheck[] = [
  checkTarget,
  checkPort,
  checkGateways,
  checkGeneratedNames,
  checkMetrics,
  checkWebhooks,
  checkWebhookTimeouts,
  checkCookies,
  checkStepWeights,
];

/** Every Flagger check on the objects of one rendered variant. */
export function checkFlagger(objects: readonly Manifest[]): Finding[] {
  const canaries: Canary[] = ofKind<Manifest>(objects, 'Canary', FLAGGER_GROUP).map((object) => ({
    object,
    namespace: metadataOf(object).namespace,
    spec: (object.spec ?? {}) as CanarySpec,
  }));
  const crossReferences = canaries.flatMap((canary) =>
    CANARY_CHECKS.flatMap((check) => check(canary, objects)).map(([check, message]) => ({
      check,
      severity: 'error' as const,
      object: describeObject(canary.object),
      message,
    })),
  );
  return [...schemaFindings(objects), ...crossReferences];
}

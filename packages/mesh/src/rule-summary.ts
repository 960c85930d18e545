/** People-readable summaries of VirtualService rules: `GET /__mesh`, `traffic config` and reports. */
import type { RuleSummary } from '@movies/contracts/mesh-state';
import {
  destinationKey,
  type HttpMatch,
  type HttpRoute,
  type StringMatch,
  type VirtualService,
  weightsOfRule,
} from './virtual-service.js';

/** A readable one-line description of a match block, e.g. `uri prefix /api/ AND header x-user-type = premium`. */
export function describeMatch(match: HttpMatch | undefined): string {
  if (!match) return 'every request';
  const describe = (m: StringMatch) =>
    m.exact !== undefined ? `= ${m.exact}` : m.prefix !== undefined ? `prefix ${m.prefix}` : `~ /${m.regex}/`;
  const parts: string[] = [];
  if (match.uri) parts.push(`uri ${describe(match.uri)}`);
  if (match.method) parts.push(`method ${describe(match.method)}`);
  if (match.authority) parts.push(`authority ${describe(match.authority)}`);
  for (const [name, m] of Object.entries(match.headers ?? {})) parts.push(`header ${name} ${describe(m)}`);
  for (const [name, m] of Object.entries(match.withoutHeaders ?? {}))
    parts.push(`no header ${name} ${describe(m)}`);
  for (const [name, m] of Object.entries(match.queryParams ?? {})) parts.push(`query ${name} ${describe(m)}`);
  return parts.join(' AND ') || 'every request';
}

/** The shape GET /__mesh carries: one schema, in @movies/contracts. */
export type { RuleSummary };

type RuleFault = RuleSummary['fault'];

function faultOf(rule: HttpRoute): RuleFault {
  const { delay, abort } = rule.fault ?? {};
  if (!delay && !abort) return undefined;
  return {
    ...(delay ? { delay: { fixedDelay: delay.fixedDelay, percent: delay.percentage?.value ?? 100 } } : {}),
    ...(abort ? { abort: { httpStatus: abort.httpStatus, percent: abort.percentage?.value ?? 100 } } : {}),
  };
}

function mirrorOf(rule: HttpRoute): RuleSummary['mirror'] {
  if (!rule.mirror) return undefined;
  return { host: rule.mirror.host, subset: rule.mirror.subset, percent: rule.mirrorPercentage?.value ?? 100 };
}

function summarizeRule(virtualService: VirtualService, rule: HttpRoute, index: number): RuleSummary {
  const weights = weightsOfRule(rule);
  return {
    virtualService: virtualService.metadata.name,
    index,
    name: rule.name,
    match: rule.match?.length ? rule.match.map(describeMatch) : [describeMatch(undefined)],
    rewrite: rule.rewrite?.uri,
    destinations: rule.route.map((d) => ({
      host: d.destination.host,
      subset: d.destination.subset,
      weight: weights[destinationKey(d.destination)] ?? 0,
    })),
    fault: faultOf(rule),
    mirror: mirrorOf(rule),
    timeout: rule.timeout,
    retries: rule.retries
      ? { attempts: rule.retries.attempts, perTryTimeout: rule.retries.perTryTimeout }
      : undefined,
  };
}

/** Plain-data summary of every rule, for `GET /__mesh`, `traffic config` and reports. */
export function summarizeRules(virtualServices: readonly VirtualService[]): RuleSummary[] {
  return virtualServices.flatMap((virtualService) =>
    virtualService.spec.http.map((rule, index) => summarizeRule(virtualService, rule, index)),
  );
}

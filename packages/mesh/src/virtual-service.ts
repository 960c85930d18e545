/**
 * Reads VirtualServices for the gateway, the traffic CLI, the scripts' helper and the analyzer, so they route
 * alike. It parses the subset of Istio's networking.istio.io VirtualService that this project's manifests use, and
 * implements its routing semantics the way Envoy applies them:
 * - http rules are tried in order and the first rule with a matching match block wins;
 * - the conditions inside one match block AND, the blocks of a rule OR;
 * - uri/header/authority regexes are RE2 full matches; uri matching ignores the query string (exact, regex);
 * - a prefix rewrite replaces the matched prefix, any other rewrite replaces the whole path;
 * - a destination is drawn per request with probability weight / sum of weights.
 * The local gateway, the traffic CLI and the manifest checks all read VirtualServices through this file, so a
 * field the local gateway could not honour is a parse error here rather than silently different routing.
 */
import { z } from 'zod';
import { ManifestError } from './errors.js';

const stringMatchSchema = z
  .object({ exact: z.string(), prefix: z.string(), regex: z.string() })
  .partial()
  .strict()
  .refine((m) => Object.keys(m).length === 1, {
    message: 'a StringMatch needs exactly one of exact, prefix, regex',
  });

const percentSchema = z.object({ value: z.number().min(0).max(100) }).strict();

/** Istio durations: "3s", "0.5s", "250ms", "1m", "1h". */
const durationSchema = z.string().regex(/^\d+(\.\d+)?(h|m|s|ms|us)$/, 'a duration such as "3s" or "250ms"');

const destinationSchema = z
  .object({
    host: z.string().min(1),
    subset: z.string().min(1).optional(),
    port: z
      .object({ number: z.number().int().min(1).max(65535) })
      .strict()
      .optional(),
  })
  .strict();

const headerOperationsSchema = z
  .object({
    set: z.record(z.string(), z.string()).optional(),
    add: z.record(z.string(), z.string()).optional(),
    remove: z.array(z.string()).optional(),
  })
  .strict();

const headersSchema = z
  .object({ request: headerOperationsSchema.optional(), response: headerOperationsSchema.optional() })
  .strict();

const matchSchema = z
  .object({
    name: z.string().optional(),
    uri: stringMatchSchema.optional(),
    method: stringMatchSchema.optional(),
    authority: stringMatchSchema.optional(),
    headers: z.record(z.string(), stringMatchSchema).optional(),
    withoutHeaders: z.record(z.string(), stringMatchSchema).optional(),
    queryParams: z.record(z.string(), stringMatchSchema).optional(),
    ignoreUriCase: z.boolean().optional(),
  })
  .strict();

const routeDestinationSchema = z
  .object({
    destination: destinationSchema,
    weight: z.number().int().min(0).max(100).optional(),
    headers: headersSchema.optional(),
  })
  .strict();

const httpRouteSchema = z
  .object({
    name: z.string().optional(),
    match: z.array(matchSchema).optional(),
    route: z.array(routeDestinationSchema).min(1),
    rewrite: z.object({ uri: z.string().optional(), authority: z.string().optional() }).strict().optional(),
    timeout: durationSchema.optional(),
    retries: z
      .object({
        attempts: z.number().int().min(0),
        perTryTimeout: durationSchema.optional(),
        retryOn: z.string().optional(),
      })
      .strict()
      .optional(),
    fault: z
      .object({
        delay: z
          .object({ fixedDelay: durationSchema, percentage: percentSchema.optional() })
          .strict()
          .optional(),
        abort: z
          .object({ httpStatus: z.number().int().min(200).max(599), percentage: percentSchema.optional() })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    mirror: destinationSchema.optional(),
    mirrorPercentage: percentSchema.optional(),
    headers: headersSchema.optional(),
  })
  .strict();

export const virtualServiceSchema = z.object({
  apiVersion: z.string().regex(/^networking\.istio\.io\/v1(alpha3|beta1)?$/, 'networking.istio.io/v1'),
  kind: z.literal('VirtualService'),
  metadata: z.object({ name: z.string().min(1), namespace: z.string().optional() }).passthrough(),
  spec: z
    .object({
      hosts: z.array(z.string().min(1)).min(1),
      gateways: z.array(z.string().min(1)).optional(),
      http: z.array(httpRouteSchema).min(1),
      exportTo: z.array(z.string()).optional(),
    })
    .strict(),
});

export type StringMatch = z.infer<typeof stringMatchSchema>;
export type Destination = z.infer<typeof destinationSchema>;
export type HttpMatch = z.infer<typeof matchSchema>;
export type RouteDestination = z.infer<typeof routeDestinationSchema>;
export type HttpRoute = z.infer<typeof httpRouteSchema>;
export type VirtualService = z.infer<typeof virtualServiceSchema>;

/** Validates one parsed manifest object; the error names the VirtualService and the path of each bad field. */
export function parseVirtualService(object: unknown): VirtualService {
  const result = virtualServiceSchema.safeParse(object);
  if (result.success) {
    for (const rule of result.data.spec.http) for (const match of rule.match ?? []) compileMatch(match);
    return result.data;
  }
  const name = (object as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  const problems = result.error.issues.map((issue) => {
    const where = issue.path.join('.') || '(root)';
    const unknown = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
    return `${where}: ${issue.message}${unknown}`;
  });
  throw new ManifestError(
    `VirtualService ${typeof name === 'string' ? name : '(unnamed)'} is not supported: ${problems.join('; ')}`,
  );
}

export function isVirtualService(object: unknown): boolean {
  const o = object as { kind?: unknown; apiVersion?: unknown } | null;
  return (
    o?.kind === 'VirtualService' &&
    typeof o.apiVersion === 'string' &&
    o.apiVersion.startsWith('networking.istio.io/')
  );
}

/** Everything a route decision needs to know about one incoming request. */
export interface RequestInfo {
  method: string;
  /** Path with its query string, as in the HTTP request line. */
  path: string;
  authority?: string;
  /** Header names in lowercase, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
}

export interface RouteDecision {
  virtualService: VirtualService;
  rule: HttpRoute;
  ruleIndex: number;
  /** The match block that matched, or undefined when the rule has none (it matches everything). */
  match: HttpMatch | undefined;
}

type Matcher = (value: string | undefined) => boolean;

const compiledMatches = new WeakMap<HttpMatch, (request: RequestInfo) => boolean>();

function compileString(match: StringMatch, ignoreCase = false): Matcher {
  // Stryker disable next-line MethodExpression: folding both sides to upper case instead matches the same paths
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  if (match.exact !== undefined) {
    const exact = fold(match.exact);
    return (value) => value !== undefined && fold(value) === exact;
  }
  if (match.prefix !== undefined) {
    const prefix = fold(match.prefix);
    return (value) => value !== undefined && fold(value).startsWith(prefix);
  }
  const unsupported = re2Unsupported(match.regex as string);
  if (unsupported) {
    throw new ManifestError(
      `invalid regex ${JSON.stringify(match.regex)}: ${unsupported}, which RE2 (Envoy's regex engine) does not support`,
    );
  }
  let regex: RegExp;
  try {
    // RE2 full match: anchor the whole expression.
    regex = new RegExp(`^(?:${re2ToJavaScript(match.regex as string)})$`, ignoreCase ? 'i' : '');
  } catch (error) {
    throw new ManifestError(`invalid regex ${JSON.stringify(match.regex)}: ${(error as Error).message}`);
  }
  return (value) => value !== undefined && regex.test(value);
}

/**
 * JavaScript regex syntax RE2 rejects: lookaround and backreferences (Istio would refuse such a VirtualService).
 * Escaped characters are skipped first so `\\(?=` stays a literal.
 */
function re2Unsupported(regex: string): string | undefined {
  const plain = regex.replace(/\\[^1-9k]/g, '__');
  if (/\(\?<?[=!]/.test(plain)) return 'it uses a lookaround group';
  if (/\\[1-9]|\\k</.test(plain)) return 'it uses a backreference';
  return undefined;
}

/** RE2's named group `(?P<name>…)` is written `(?<name>…)` in JavaScript; escaped characters stay as they are. */
function re2ToJavaScript(regex: string): string {
  return regex.replace(/\\.|\(\?P</gs, (token) => (token === '(?P<' ? '(?<' : token));
}

/**
 * A header's value as Envoy's matcher sees it: several `cookie` headers are one, joined by "; " (as Envoy joins
 * HTTP/2 cookie crumbs); any other repeated header is joined by ",".
 */
function headerValue(request: RequestInfo, name: string): string | undefined {
  const key = name.toLowerCase();
  const value = request.headers[key];
  return Array.isArray(value) ? value.join(key === 'cookie' ? '; ' : ',') : value;
}

function compileMatch(match: HttpMatch): (request: RequestInfo) => boolean {
  const cached = compiledMatches.get(match);
  // Stryker disable next-line ConditionalExpression: compiling a match again gives an equal matcher; the cache only saves time
  if (cached) return cached;
  const checks: Array<(request: RequestInfo) => boolean> = [];
  if (match.uri) {
    const uri = compileString(match.uri, match.ignoreUriCase);
    const usesPrefix = match.uri.prefix !== undefined;
    checks.push((request) => uri(usesPrefix ? request.path : pathWithoutQuery(request.path)));
  }
  if (match.method) {
    const method = compileString(match.method);
    checks.push((request) => method(request.method.toUpperCase()));
  }
  if (match.authority) {
    const authority = compileString(match.authority);
    checks.push((request) => authority(request.authority ?? headerValue(request, 'host')));
  }
  for (const [name, condition] of Object.entries(match.headers ?? {})) {
    const header = compileString(condition);
    checks.push((request) => header(headerValue(request, name)));
  }
  for (const [name, condition] of Object.entries(match.withoutHeaders ?? {})) {
    const header = compileString(condition);
    checks.push((request) => !header(headerValue(request, name)));
  }
  for (const [name, condition] of Object.entries(match.queryParams ?? {})) {
    const param = compileString(condition);
    checks.push((request) => param(queryParam(request.path, name)));
  }
  const compiled = (request: RequestInfo) => checks.every((check) => check(request));
  compiledMatches.set(match, compiled);
  return compiled;
}

function pathWithoutQuery(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

function queryParam(path: string, name: string): string | undefined {
  const q = path.indexOf('?');
  if (q === -1) return undefined;
  return new URLSearchParams(path.slice(q + 1)).get(name) ?? undefined;
}

/** The first http rule (across the VirtualServices in order) whose match blocks accept the request. */
export function matchRequest(
  virtualServices: readonly VirtualService[],
  request: RequestInfo,
): RouteDecision | undefined {
  for (const virtualService of virtualServices) {
    const rules = virtualService.spec.http;
    for (let ruleIndex = 0; ruleIndex < rules.length; ruleIndex++) {
      const rule = rules[ruleIndex] as HttpRoute;
      if (!rule.match || rule.match.length === 0)
        return { virtualService, rule, ruleIndex, match: undefined };
      const match = rule.match.find((block) => compileMatch(block)(request));
      if (match) return { virtualService, rule, ruleIndex, match };
    }
  }
  return undefined;
}

/** The path sent upstream after the rule's uri rewrite. */
export function rewritePath(decision: RouteDecision, path: string): string {
  const replacement = decision.rule.rewrite?.uri;
  if (replacement === undefined) return path;
  const prefix = decision.match?.uri?.prefix;
  if (prefix !== undefined) {
    const rest = path.slice(prefix.length);
    // Envoy does not add a slash: "/api/" → "/" turns "/api/movies" into "/movies".
    return `${replacement}${rest}`;
  }
  const q = path.indexOf('?');
  return q === -1 ? replacement : `${replacement}${path.slice(q)}`;
}

/** Draws one destination with probability weight / total, as Envoy's weighted clusters do. */
export function chooseDestination(rule: HttpRoute, random: () => number = Math.random): RouteDestination {
  const destinations = rule.route;
  if (destinations.length === 1) return destinations[0] as RouteDestination;
  const total = destinations.reduce((sum, d) => sum + (d.weight ?? 0), 0);
  if (total === 0) return destinations[0] as RouteDestination;
  let ticket = random() * total;
  for (const destination of destinations) {
    ticket -= destination.weight ?? 0;
    if (ticket < 0) return destination;
  }
  // Floating point edge: the last destination with weight takes the remainder.
  return [...destinations].reverse().find((d) => (d.weight ?? 0) > 0) as RouteDestination;
}

export interface FaultDecision {
  delayMs: number;
  abortStatus: number | undefined;
}

/** Decides, independently as Envoy does, whether this request is delayed and whether it is aborted. */
export function decideFault(rule: HttpRoute, random: () => number = Math.random): FaultDecision {
  const { delay, abort } = rule.fault ?? {};
  const hit = (percentage: { value: number } | undefined) => random() * 100 < (percentage?.value ?? 100);
  return {
    delayMs: delay && hit(delay.percentage) ? parseDuration(delay.fixedDelay) : 0,
    abortStatus: abort && hit(abort.percentage) ? abort.httpStatus : undefined,
  };
}

export function shouldMirror(rule: HttpRoute, random: () => number = Math.random): boolean {
  if (!rule.mirror) return false;
  return random() * 100 < (rule.mirrorPercentage?.value ?? 100);
}

const durationUnits: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };

/** "3s" → 3000, "250ms" → 250. */
export function parseDuration(duration: string): number {
  const found = /^(\d+(?:\.\d+)?)(h|m|s|ms|us)$/.exec(duration);
  if (!found)
    throw new ManifestError(`invalid duration ${JSON.stringify(duration)}: use e.g. "3s" or "250ms"`);
  return Number(found[1]) * (durationUnits[found[2] as string] as number);
}

/** The request a newcomer's browser sends to the API: what "the split" of an overlay means. */
export const plainApiRequest: RequestInfo = { method: 'GET', path: '/api/', headers: {} };

/** Subset name of a destination, or its short host name when it has no subset. */
export function destinationKey(destination: Destination): string {
  return destination.subset ?? shortHost(destination.host);
}

/** "movie-backend.movies.svc.cluster.local" → "movie-backend". */
export function shortHost(host: string): string {
  return host.split('.')[0] as string;
}

/** Percent per destination that a plain request to /api/ gets, e.g. { v1: 80, v2: 20 }. Empty when unrouted. */
export function splitOf(
  virtualServices: readonly VirtualService[],
  request: RequestInfo = plainApiRequest,
): Record<string, number> {
  const decision = matchRequest(virtualServices, request);
  if (!decision) return {};
  return weightsOfRule(decision.rule);
}

/** Percent per destination of one rule; weights are normalised to 100, a lone destination gets 100. */
export function weightsOfRule(rule: HttpRoute): Record<string, number> {
  const total = rule.route.reduce((sum, d) => sum + (d.weight ?? 0), 0);
  const weights: Record<string, number> = {};
  for (const destination of rule.route) {
    const share = rule.route.length === 1 ? 100 : total === 0 ? 0 : ((destination.weight ?? 0) * 100) / total;
    const key = destinationKey(destination.destination);
    weights[key] = (weights[key] ?? 0) + share;
  }
  return weights;
}

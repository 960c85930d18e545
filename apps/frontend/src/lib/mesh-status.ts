import { apiClient, premiumHeader } from './api-client';

// GET /__mesh is the local gateway's routing state (apps/gateway). A cluster has no such endpoint: there the
// reader resolves null and the UI says where to look instead. Only the fields the UI reads are parsed.

export type MeshWeights = Record<string, number>;
export type SubsetCounts = { requests: number; errors: number };
export type MeshTraffic = {
  windowSeconds: number;
  /** Requests per subset over the last `windowSeconds` (errors: answers with status >= 500). */
  window: Record<string, SubsetCounts>;
  /** Since the gateway started. */
  total: Record<string, SubsetCounts>;
};
export type PremiumRoute = { header: string; value: string; subset: string | null };
export type MeshStatus = {
  source: string | null;
  weights: MeshWeights;
  /** The first rule that routes on `x-user-type`, or null when premium requests just follow the weights. */
  premiumRoute: PremiumRoute | null;
  traffic: MeshTraffic | null;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

function parseWeights(value: unknown): MeshWeights | null {
  if (!isRecord(value) || Object.keys(value).length === 0) return null;
  const entries = Object.entries(value);
  return entries.every(([, weight]) => isCount(weight) && weight <= 100)
    ? (Object.fromEntries(entries) as MeshWeights)
    : null;
}

function parseCounts(value: unknown): Record<string, SubsetCounts> | null {
  if (!isRecord(value)) return null;
  const counts: Record<string, SubsetCounts> = {};
  for (const [subset, entry] of Object.entries(value)) {
    if (!isRecord(entry) || !isCount(entry.requests) || !isCount(entry.errors)) return null;
    counts[subset] = { requests: entry.requests, errors: entry.errors };
  }
  return counts;
}

function parseTraffic(value: unknown): MeshTraffic | null {
  if (!isRecord(value) || !isCount(value.windowSeconds)) return null;
  const window = parseCounts(value.window);
  const total = parseCounts(value.total);
  return window && total ? { windowSeconds: value.windowSeconds, window, total } : null;
}

type RawRoute = { match?: Array<{ headers?: Record<string, Record<string, unknown>> }>; route?: unknown };

/** The subset a rule sends everything to, when it has one destination (header routing: v2). */
function soleSubset(route: unknown): string | null {
  if (!Array.isArray(route) || route.length !== 1) return null;
  const subset: unknown = route[0]?.destination?.subset;
  return typeof subset === 'string' ? subset : null;
}

/** Reads the routing table (VirtualServices, or HTTPRoutes read as such) for a rule on the premium header. */
function findPremiumRoute(virtualServices: unknown): PremiumRoute | null {
  if (!Array.isArray(virtualServices)) return null;
  for (const virtualService of virtualServices) {
    const rules: unknown = virtualService?.spec?.http;
    if (!Array.isArray(rules)) continue;
    for (const rule of rules as RawRoute[]) {
      for (const match of rule.match ?? []) {
        const condition = match.headers?.[premiumHeader.name];
        if (!condition) continue;
        const value = [condition.exact, condition.prefix, condition.regex].find((v) => typeof v === 'string');
        return { header: premiumHeader.name, value: String(value ?? ''), subset: soleSubset(rule.route) };
      }
    }
  }
  return null;
}

export function parseMeshStatus(body: unknown): MeshStatus | null {
  if (!isRecord(body)) return null;
  const weights = parseWeights(body.weights);
  if (!weights) return null;
  return {
    source: typeof body.source === 'string' ? body.source : null,
    weights,
    premiumRoute: findPremiumRoute(body.virtualServices),
    traffic: parseTraffic(body.traffic),
  };
}

/**
 * GET /__mesh. Resolves null when there is no such endpoint (a cluster, or a static server answering with its
 * HTML page) or it cannot be read.
 */
export async function getMeshStatus(signal?: AbortSignal): Promise<MeshStatus | null> {
  try {
    // Same client, but /__mesh lives beside /api, not under it; it is not part of the visitor's visit.
    const response = await apiClient.get<unknown>('/__mesh', {
      baseURL: '/',
      signal,
      timeout: 5_000,
      outsideVisit: true,
    });
    return parseMeshStatus(response.data);
  } catch {
    return null;
  }
}

import {
  type MeshState,
  meshStateSchema,
  type TrafficCount,
  type TrafficSnapshot,
} from '@movies/contracts/mesh-state';
import { PREMIUM_HEADER } from '@movies/contracts/names';
import * as z from 'zod/mini';

export type MeshWeights = MeshState['weights'];
export type SubsetCounts = TrafficCount;
export type MeshTraffic = TrafficSnapshot;
export type PremiumRoute = { header: string; value: string; subset: string | null };
/** What the UI knows of the local gateway's routing state (GET /__mesh, read by ./mesh-status.ts). */
export type MeshStatus = {
  source: string | null;
  weights: MeshWeights;
  /** The first rule that routes on `x-user-type`, or null when premium requests just follow the weights. */
  premiumRoute: PremiumRoute | null;
  traffic: MeshTraffic | null;
};

/**
 * The fields of the gateway's state (@movies/contracts' schema, the gateway's own) the UI reads. Only weights are
 * required: without counters the traffic panel counts its own requests, without the routing table premium routing
 * is judged by the answers.
 */
const { shape } = meshStateSchema;
const meshViewSchema = z.object({
  source: z.optional(shape.source),
  weights: shape.weights,
  virtualServices: z.optional(shape.virtualServices),
  traffic: z.optional(shape.traffic),
});

type RawRoute = { match?: Array<{ headers?: Record<string, Record<string, unknown>> }>; route?: unknown };

/** The subset a rule sends everything to, when it has one destination (header routing: v2). */
function soleSubset(route: unknown): string | null {
  if (!Array.isArray(route) || route.length !== 1) return null;
  const subset: unknown = route[0]?.destination?.subset;
  return typeof subset === 'string' ? subset : null;
}

/** Reads the routing table (VirtualServices, or HTTPRoutes read as such) for a rule on the premium header. */
function findPremiumRoute(virtualServices: MeshState['virtualServices']): PremiumRoute | null {
  for (const virtualService of virtualServices) {
    const rules = (virtualService.spec as { http?: unknown } | undefined)?.http;
    if (!Array.isArray(rules)) continue;
    for (const rule of rules as RawRoute[]) {
      for (const match of rule.match ?? []) {
        const condition = match.headers?.[PREMIUM_HEADER.name];
        if (!condition) continue;
        const value = [condition.exact, condition.prefix, condition.regex].find((v) => typeof v === 'string');
        return { header: PREMIUM_HEADER.name, value: String(value ?? ''), subset: soleSubset(rule.route) };
      }
    }
  }
  return null;
}

export function parseMeshStatus(body: unknown): MeshStatus | null {
  const parsed = meshViewSchema.safeParse(body);
  if (!parsed.success || Object.keys(parsed.data.weights).length === 0) return null;
  const { source, weights, virtualServices, traffic } = parsed.data;
  return {
    source: source ?? null,
    weights,
    premiumRoute: findPremiumRoute(virtualServices ?? []),
    traffic: traffic ?? null,
  };
}

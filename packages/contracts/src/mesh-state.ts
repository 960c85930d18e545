/**
 * The local gateway's admin endpoint (apps/gateway): GET /__mesh answers the routing state, PUT /__mesh takes an
 * overlay or a split. The gateway builds its answer as this type; the traffic CLI, the ops helper (canary.sh) and
 * the UI parse it with this schema. A cluster has no such endpoint. The path is MESH_PATH (names.ts).
 */
import * as z from 'zod/mini';

const count = z.int().check(z.minimum(0));
const countsBySubset = z.record(z.string(), count);
/** A percentage per subset, e.g. { v1: 80, v2: 20 }. */
export const meshWeightsSchema = z.record(z.string(), z.number().check(z.minimum(0), z.maximum(100)));

const trafficCountSchema = z.strictObject({ requests: count, errors: count });
export type TrafficCount = z.infer<typeof trafficCountSchema>;

/** All traffic through the gateway per subset (errors: answers with status >= 500); "unrouted" when no rule matched. */
export const trafficSnapshotSchema = z.strictObject({
  windowSeconds: z.number().check(z.positive()),
  /** Over the last `windowSeconds`. */
  window: z.record(z.string(), trafficCountSchema),
  /** Since the gateway started. */
  total: z.record(z.string(), trafficCountSchema),
});
export type TrafficSnapshot = z.infer<typeof trafficSnapshotSchema>;

const optionalText = z.optional(z.string());

/** One rule of the routing table in words (@movies/mesh's summarizeRules). */
export const ruleSummarySchema = z.strictObject({
  virtualService: z.string(),
  index: count,
  name: optionalText,
  /** One entry per match block; the blocks OR. */
  match: z.array(z.string()),
  rewrite: optionalText,
  destinations: z.array(z.strictObject({ host: z.string(), subset: optionalText, weight: z.number() })),
  fault: z.optional(
    z.strictObject({
      delay: z.optional(z.strictObject({ fixedDelay: z.string(), percent: z.number() })),
      abort: z.optional(z.strictObject({ httpStatus: z.int(), percent: z.number() })),
    }),
  ),
  mirror: z.optional(z.strictObject({ host: z.string(), subset: optionalText, percent: z.number() })),
  timeout: optionalText,
  retries: z.optional(z.strictObject({ attempts: count, perTryTimeout: optionalText })),
});
export type RuleSummary = z.infer<typeof ruleSummarySchema>;

/** GET /__mesh. */
export const meshStateSchema = z.strictObject({
  /** The overlay name, or "custom" for a split set through PUT. */
  source: z.string().check(z.minLength(1)),
  /** The overlay the rules come from (a custom split keeps its overlay's rules). */
  overlay: optionalText,
  /** How the VirtualServices were read: a live kustomize render, the committed k8s/rendered file, or given. */
  via: z.enum(['kubectl', 'rendered', 'inline']),
  /** The split a plain GET /api/ gets. */
  weights: meshWeightsSchema,
  rules: z.array(ruleSummarySchema),
  /** Requests forwarded per destination (subset, or host short name) since `countsSince`. */
  counts: countsBySubset,
  countsSince: z.iso.datetime(),
  /** Side effects counted since the table took over. */
  stats: z.strictObject({ mirrored: count, delayed: count, aborted: count, unrouted: count }),
  /** Upstream URL per destination key, e.g. "movie-backend/v1" → "http://127.0.0.1:8001". */
  upstreams: z.record(z.string(), z.string()),
  updatedAt: z.iso.datetime(),
  /** The routing table itself (parse each with @movies/mesh's parseVirtualService to use it). */
  virtualServices: z.array(z.record(z.string(), z.unknown())),
  /** Subsets a split may name (the DestinationRule's, else those with an upstream), e.g. ["v1", "v2"]. */
  subsets: z.array(z.string()),
  traffic: trafficSnapshotSchema,
});
export type MeshState = z.infer<typeof meshStateSchema>;

/** PUT /__mesh: switch to an overlay under k8s/overlays, or set a split on the current overlay's rules. */
export const meshUpdateSchema = z.union([
  z.strictObject({ overlay: z.string().check(z.minLength(1)) }),
  z.strictObject({ weights: z.record(z.string(), z.number()) }),
]);
export type MeshUpdate = z.infer<typeof meshUpdateSchema>;

export const meshUpdateHelp =
  'send {"overlay": "<name under k8s/overlays>"} or {"weights": {"v1": 80, "v2": 20}}';

/**
 * An immutable routing table: the VirtualServices of one overlay (or a custom split derived from one) plus the
 * per-subset counters of the requests it routed. The gateway swaps whole tables, so a request that started on
 * one table finishes on it, and the counters of a table mean "since this table took over".
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '@movies/contracts/errors';
import {
  type Destination,
  k8sDir,
  type LoadedOverlay,
  loadOverlay,
  matchRequest,
  plainApiRequest,
  type RenderOptions,
  type RuleSummary,
  shortHost,
  splitOf,
  summarizeRules,
  type VirtualService,
  validateWeights,
  WeightsError,
  withWeights,
} from '@movies/mesh';
import { type UpstreamMap, upstreamFor, upstreamKey } from './upstreams.js';

/** Routes that lead nowhere on this machine (a destination with no local upstream). */
export class RoutingError extends AppError {
  override name = 'RoutingError';
  constructor(message: string) {
    super('MESH_BAD_UPSTREAMS', message);
  }
}

export interface RoutingTable {
  /** The overlay name, or "custom" for weights set through PUT /__mesh. */
  source: string;
  /** The overlay the table comes from (a custom split keeps the rules of the overlay it was derived from). */
  overlay: string | undefined;
  /** How the VirtualServices were read: a live kubectl kustomize, the committed k8s/rendered file, or given. */
  via: LoadedOverlay['via'] | 'inline';
  virtualServices: readonly VirtualService[];
  /** The split a plain GET /api/ gets, e.g. { v1: 80, v2: 20 }. */
  weights: Record<string, number>;
  rules: RuleSummary[];
  /** Subsets a split may name: the DestinationRule's for the /api/ rule's host, else those with an upstream. */
  subsets: string[];
  /** Subset names per host from the overlay's DestinationRules (kept by custom splits derived from it). */
  destinationRuleSubsets?: Record<string, string[]>;
  updatedAt: Date;
  /** Requests forwarded per destination (subset name, or host short name), since this table took over. */
  counts: Record<string, number>;
  /** Side effects counted since this table took over. */
  stats: { mirrored: number; delayed: number; aborted: number; unrouted: number };
}

export interface TableSource {
  source: string;
  overlay: string | undefined;
  via: RoutingTable['via'];
  virtualServices: readonly VirtualService[];
  /** Subset names per host from the overlay's DestinationRules, when there are any. */
  destinationRuleSubsets?: Record<string, string[]>;
}

/** What `subsets` holds: the weighted rule's host's DestinationRule subsets, else the upstreams of that host. */
function splitSubsets(from: TableSource, upstreams: UpstreamMap): string[] {
  const host = matchRequest(from.virtualServices, plainApiRequest)?.rule.route[0]?.destination.host;
  if (!host) return [];
  const declared = from.destinationRuleSubsets?.[shortHost(host)];
  if (declared && declared.length > 0) return declared;
  const prefix = `${upstreamKey({ host })}/`;
  return Object.keys(upstreams)
    .filter((key) => key.startsWith(prefix))
    .map((key) => key.slice(prefix.length));
}

export function destinationsOf(virtualServices: readonly VirtualService[]): Destination[] {
  return virtualServices.flatMap((virtualService) =>
    virtualService.spec.http.flatMap((rule) => [
      ...rule.route.map((route) => route.destination),
      ...(rule.mirror ? [rule.mirror] : []),
    ]),
  );
}

/** Builds a table, refusing one that routes to a destination with no local upstream. */
export function createRoutingTable(from: TableSource, upstreams: UpstreamMap): RoutingTable {
  const unmapped = [
    ...new Set(
      destinationsOf(from.virtualServices)
        .filter((destination) => upstreamFor(upstreams, destination) === undefined)
        .map(upstreamKey),
    ),
  ];
  if (unmapped.length > 0) {
    throw new RoutingError(
      `${from.overlay ? `overlay "${from.overlay}"` : 'the VirtualServices'} route to ${unmapped.join(', ')}, ` +
        `which ${unmapped.length === 1 ? 'has' : 'have'} no local upstream (known: ${Object.keys(upstreams).join(', ')})`,
    );
  }
  const counts: Record<string, number> = {};
  for (const destination of destinationsOf(from.virtualServices)) {
    counts[destination.subset ?? upstreamKey(destination)] = 0;
  }
  return {
    ...from,
    weights: splitOf(from.virtualServices),
    rules: summarizeRules(from.virtualServices),
    subsets: splitSubsets(from, upstreams),
    updatedAt: new Date(),
    counts,
    stats: { mirrored: 0, delayed: 0, aborted: 0, unrouted: 0 },
  };
}

/** mtime and size of every file under k8s/: changes whenever a manifest an overlay could use changes. */
function k8sFingerprint(): string {
  const parts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path);
        parts.push(`${path}:${stat.mtimeMs}:${stat.size}`);
      }
    }
  };
  try {
    walk(k8sDir);
  } catch {
    // A file vanished mid-walk: an unmatchable fingerprint forces a fresh render.
    return String(Math.random());
  }
  return parts.join('|');
}

/**
 * Renders overlays through @movies/mesh and remembers the result until a file under k8s/ changes, so a live
 * switch to an overlay seen before (or pre-rendered) takes effect at once instead of after a kubectl run.
 */
export class OverlayLoader {
  /** Shared by every gateway of the process: renders do not depend on the gateway, only on the files. */
  private static readonly cache = new Map<string, { fingerprint: string; loaded: Promise<LoadedOverlay> }>();

  constructor(private readonly render: RenderOptions = {}) {}

  load(name: string): Promise<LoadedOverlay> {
    const fingerprint = k8sFingerprint();
    const key = `${name}\0${String(this.render.kubectl)}`;
    const cached = OverlayLoader.cache.get(key);
    if (cached && cached.fingerprint === fingerprint) return cached.loaded;
    const loaded = loadOverlay(name, this.render);
    OverlayLoader.cache.set(key, { fingerprint, loaded });
    loaded.catch(() => OverlayLoader.cache.delete(key));
    return loaded;
  }

  /** Renders the named overlays one after another in the background; failures surface when one is used. */
  async prerender(names: readonly string[]): Promise<void> {
    for (const name of names) await this.load(name).catch(() => undefined);
  }
}

export async function tableFromOverlay(
  overlay: string,
  upstreams: UpstreamMap,
  loader: OverlayLoader,
): Promise<RoutingTable> {
  const loaded = await loader.load(overlay);
  return createRoutingTable(
    {
      source: overlay,
      overlay,
      via: loaded.via,
      virtualServices: loaded.virtualServices,
      destinationRuleSubsets: loaded.subsets,
    },
    upstreams,
  );
}

/**
 * The current table with a new split on the rule a plain /api/ request takes (sticky pin rules follow it). The
 * subsets a split may name are the table's `subsets` (the DestinationRule's), so "v3" is refused rather than
 * routed nowhere, and a subset at weight 0 can always be brought back.
 */
export function tableWithWeights(
  current: RoutingTable,
  weights: Record<string, number>,
  upstreams: UpstreamMap,
): RoutingTable {
  if (!matchRequest(current.virtualServices, plainApiRequest))
    throw new WeightsError(`the current routing (${current.source}) has no rule for ${plainApiRequest.path}`);
  validateWeights(weights, current.subsets);
  return createRoutingTable(
    {
      source: 'custom',
      overlay: current.overlay,
      via: current.via,
      virtualServices: withWeights(current.virtualServices, weights),
      destinationRuleSubsets: current.destinationRuleSubsets,
    },
    upstreams,
  );
}

/**
 * A requested split, checked and applied: which weights are valid, and how to set them on the rule a plain /api/
 * request takes — with the sticky pin rules brought in line (./sticky-sessions.ts).
 */
import { WeightsError } from './errors.js';
import { reconcilePins } from './sticky-sessions.js';
import {
  type HttpRoute,
  matchRequest,
  plainApiRequest,
  type RequestInfo,
  type RouteDestination,
  type VirtualService,
} from './virtual-service.js';

/**
 * How a weight may be written on a command line (the traffic CLI, the scripts through the ops helper): a plain
 * decimal number, so "-5" and "1.5" reach the range check below and are named there, while "5%", "1e2", "0x10"
 * and "" are refused as text.
 */
const WEIGHT_TEXT = /^[+-]?\d+(\.\d+)?$/;

/** True when the text reads as a weight (not necessarily a valid one): `set 95 5` against `set 50-50`. */
export function isWeightText(text: string): boolean {
  return WEIGHT_TEXT.test(text);
}

function badWeight(subset: string, got: string): WeightsError {
  return new WeightsError(`weight for ${subset} must be a whole number from 0 to 100, got ${got}`);
}

function checkWeight(subset: string, weight: number, got: string): void {
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) throw badWeight(subset, got);
}

/** One weight as typed, for `subset`: a whole number from 0 to 100; the message quotes the text given. */
export function parseWeight(text: string, subset: string): number {
  const got = JSON.stringify(text);
  if (!WEIGHT_TEXT.test(text)) throw badWeight(subset, got);
  const weight = Number(text);
  checkWeight(subset, weight, got);
  return weight;
}

/** A split as typed ([subset, text] pairs): each weight parsed, then the whole checked by validateWeights. */
export function parseSplit(
  entries: readonly (readonly [string, string])[],
  knownSubsets?: readonly string[],
): Record<string, number> {
  return validateWeights(
    Object.fromEntries(entries.map(([subset, text]) => [subset, parseWeight(text, subset)])),
    knownSubsets,
  );
}

/**
 * Validates a requested split: whole numbers from 0 to 100 that sum to 100, over known subsets.
 * Returns the weights in the order given.
 */
export function validateWeights(
  weights: Record<string, number>,
  knownSubsets?: readonly string[],
): Record<string, number> {
  const entries = Object.entries(weights);
  if (entries.length === 0) throw new WeightsError('no weights given');
  for (const [subset, weight] of entries) {
    if (knownSubsets && !knownSubsets.includes(subset)) {
      throw new WeightsError(`unknown subset "${subset}" (known: ${knownSubsets.join(', ')})`);
    }
    checkWeight(subset, weight, String(weight));
  }
  const sum = entries.reduce((total, [, weight]) => total + weight, 0);
  if (sum !== 100)
    throw new WeightsError(`weights must sum to 100, got ${sum} (${entries.map(([, w]) => w).join(' + ')})`);
  return weights;
}

/**
 * Where each weighted subset sits in the rule's route, in the order of `weights`. A subset the rule has no
 * destination for is refused, naming what the rule routes to: a split only moves traffic between destinations
 * the manifest already has (a new one needs its overlay, whose DestinationRule and Deployment come with it).
 */
export function destinationIndexes(rule: HttpRoute, weights: Record<string, number>): number[] {
  return Object.keys(weights).map((subset) => {
    const index = rule.route.findIndex((d) => d.destination.subset === subset);
    if (index === -1) {
      const present = rule.route.map((d) => d.destination.subset ?? d.destination.host).join(', ');
      throw new WeightsError(
        `rule ${rule.name ?? '(unnamed)'} has no destination with subset ${subset} (it routes to: ${present})`,
      );
    }
    return index;
  });
}

/**
 * Returns copies of the VirtualServices with new weights on the rule a plain /api/ request takes (the default
 * split). Every destination the rule has stays, in its place: a subset not named gets weight 0, so a later split
 * can bring it back; a named subset the rule lacks is refused (destinationIndexes). Rules pinned to one version
 * (header routing's premium rule) keep their destination; sticky pin rules follow the new weights.
 */
export function withWeights(
  virtualServices: readonly VirtualService[],
  weights: Record<string, number>,
  request: RequestInfo = plainApiRequest,
): VirtualService[] {
  const decision = matchRequest(virtualServices, request);
  if (!decision) throw new WeightsError(`no VirtualService rule routes ${request.path}`);
  const { rule } = decision;
  destinationIndexes(rule, weights);
  const weightOf = (subset: string | undefined) =>
    subset !== undefined && Object.hasOwn(weights, subset) ? (weights[subset] as number) : 0;
  const route: RouteDestination[] = rule.route.map((d) => ({ ...d, weight: weightOf(d.destination.subset) }));
  return virtualServices.map((virtualService) => {
    if (virtualService !== decision.virtualService) return virtualService;
    const http = virtualService.spec.http.map((r, index) =>
      index === decision.ruleIndex ? { ...r, route } : r,
    );
    return {
      ...virtualService,
      spec: { ...virtualService.spec, http: reconcilePins(http, decision.ruleIndex).http },
    };
  });
}

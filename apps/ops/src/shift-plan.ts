/**
 * Plans a weight change on a live VirtualService as an RFC 6902 JSON patch. The rule to change is the one a
 * plain request to /api/ takes (found with @movies/mesh's matchRequest, exactly as the local gateway and Envoy
 * choose it), so header-routing's premium rule keeps its pinned destination. Sticky pin rules follow the weights
 * (@movies/mesh reconcilePins, as the local gateway does): a subset going to 0 loses its pin rule, one coming back
 * gets it. `test` ops guard the structure the patch relies on: if someone reorders or edits the rules or
 * destinations in between, the API server rejects the patch instead of silently moving traffic.
 */
import { AppError } from '@movies/contracts/errors';
import {
  destinationIndexes,
  formatSplit,
  type HttpRoute,
  matchRequest,
  parseVirtualService,
  plainApiRequest,
  reconcilePins,
  type VirtualService,
  validateWeights,
  WeightsError,
  weightsOfRule,
} from '@movies/mesh';

export type JsonPatchOperation =
  | { op: 'test'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'add'; path: string; value: unknown }
  | { op: 'remove'; path: string };

/** The live VirtualService cannot take the shift (no rule for /api/, a subset it lacks): exit 65 in the scripts. */
export class ShiftPlanError extends AppError {
  override name = 'ShiftPlanError';
  constructor(message: string) {
    super('MESH_BAD_MANIFEST', message);
  }
}

export interface ShiftPlan {
  /** Index of the weighted rule once the patch is applied. */
  ruleIndex: number;
  ruleName: string | undefined;
  before: Record<string, number>;
  patch: JsonPatchOperation[];
}

/** The live object as `kubectl get -o json` returns it, validated by @movies/mesh as the gateway validates it. */
export function readVirtualService(json: unknown): VirtualService {
  return parseVirtualService(json);
}

export function planShift(json: unknown, weights: Record<string, number>): ShiftPlan {
  validateWeights(weights);
  const virtualService = readVirtualService(json);
  const decision = matchRequest([virtualService], plainApiRequest);
  if (!decision) {
    throw new ShiftPlanError(
      `VirtualService ${virtualService.metadata.name} has no rule for ${plainApiRequest.path}: nothing to shift`,
    );
  }
  const { rule } = decision;
  const label = rule.name ?? String(decision.ruleIndex);
  let indexes: number[];
  try {
    indexes = destinationIndexes(rule, weights);
  } catch (error) {
    if (!(error instanceof WeightsError)) throw error;
    throw new ShiftPlanError(
      `VirtualService ${virtualService.metadata.name}: ${error.message}; apply a split overlay first, e.g. ` +
        'scripts/deploy.sh apply 100-0',
    );
  }
  const untouched = rule.route.filter(
    (d) => d.destination.subset === undefined || !(d.destination.subset in weights),
  );
  if (untouched.length > 0) {
    throw new ShiftPlanError(
      `rule ${label} also routes to ${untouched
        .map((d) => d.destination.subset ?? d.destination.host)
        .join(', ')}, which the requested weights do not cover`,
    );
  }
  const shifted: HttpRoute = {
    ...rule,
    route: rule.route.map((d) => ({ ...d, weight: weights[d.destination.subset as string] })),
  };
  const http = virtualService.spec.http.map((r, i) => (i === decision.ruleIndex ? shifted : r));
  const pins = reconcilePins(http, decision.ruleIndex);
  const live = (json as { spec: { http: unknown[] } }).spec.http;
  const patch: JsonPatchOperation[] = [];
  // Stale pin rules go first, last one first so the earlier indexes stay put; each is guarded by its live value.
  for (const index of [...pins.removed].sort((a, b) => b - a)) {
    patch.push({ op: 'test', path: `/spec/http/${index}`, value: live[index] });
    patch.push({ op: 'remove', path: `/spec/http/${index}` });
  }
  // New pin rules go in at their final index; the rule they push down is checked by name first.
  const current = http.filter((_, index) => !pins.removed.includes(index));
  for (const index of pins.added) {
    const pushedDown = current[index];
    if (pushedDown?.name !== undefined) {
      patch.push({ op: 'test', path: `/spec/http/${index}/name`, value: pushedDown.name });
    }
    patch.push({ op: 'add', path: `/spec/http/${index}`, value: pins.http[index] });
    current.splice(index, 0, pins.http[index] as HttpRoute);
  }
  // Then the weights, on the weighted rule where it now stands: its name and each destination's subset guarded.
  const rulePath = `/spec/http/${pins.weightedIndex}`;
  if (rule.name !== undefined) patch.push({ op: 'test', path: `${rulePath}/name`, value: rule.name });
  Object.entries(weights).forEach(([subset, weight], i) => {
    const index = indexes[i] as number;
    const destinationPath = `${rulePath}/route/${index}`;
    patch.push({ op: 'test', path: `${destinationPath}/destination/subset`, value: subset });
    // `replace` needs the member to exist; a destination written without a weight gets one added.
    const hasWeight = rule.route[index]?.weight !== undefined;
    patch.push({ op: hasWeight ? 'replace' : 'add', path: `${destinationPath}/weight`, value: weight });
  });
  return { ruleIndex: pins.weightedIndex, ruleName: rule.name, before: weightsOfRule(rule), patch };
}

/** "v1 95 %, v2 5 %" for the rule plain /api/ traffic takes. */
export function describeSplit(json: unknown): string {
  const virtualService = readVirtualService(json);
  const decision = matchRequest([virtualService], plainApiRequest);
  if (!decision) return `${virtualService.metadata.name}: no rule routes ${plainApiRequest.path}`;
  const weights = weightsOfRule(decision.rule);
  const rule = decision.rule.name ?? `#${decision.ruleIndex}`;
  return `${virtualService.metadata.name} (rule ${rule}): ${formatSplit(weights, 1)}`;
}

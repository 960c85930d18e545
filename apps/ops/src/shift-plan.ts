/**
 * Plans a weight change on a live VirtualService as an RFC 6902 JSON patch. The rule to change is the one a
 * plain request to /api/ takes (found with @movies/mesh's matchRequest, exactly as the local gateway and Envoy
 * choose it), so header-routing's premium rule keeps its pinned destination. `test` ops guard the structure the
 * patch relies on: if someone reorders the rules or destinations in between, the API server rejects the patch
 * instead of silently moving traffic to the wrong subset.
 */
import {
  matchRequest,
  parseVirtualService,
  plainApiRequest,
  type VirtualService,
  validateWeights,
  weightsOfRule,
} from '@movies/mesh';

export type JsonPatchOperation =
  | { op: 'test'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'add'; path: string; value: unknown };

export class ShiftPlanError extends Error {
  override name = 'ShiftPlanError';
}

export interface ShiftPlan {
  ruleIndex: number;
  ruleName: string | undefined;
  before: Record<string, number>;
  patch: JsonPatchOperation[];
}

/** The live object as `kubectl get -o json` returns it, validated through the one VirtualService module. */
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
  const { rule, ruleIndex } = decision;
  const rulePath = `/spec/http/${ruleIndex}`;
  const patch: JsonPatchOperation[] = [];
  // Guard the rule's identity when it has a name, and the destination subset at each index we rewrite.
  if (rule.name !== undefined) patch.push({ op: 'test', path: `${rulePath}/name`, value: rule.name });
  for (const [subset, weight] of Object.entries(weights)) {
    const index = rule.route.findIndex((d) => d.destination.subset === subset);
    if (index === -1) {
      const present = rule.route.map((d) => d.destination.subset ?? d.destination.host).join(', ');
      throw new ShiftPlanError(
        `rule ${rule.name ?? ruleIndex} of VirtualService ${virtualService.metadata.name} has no destination ` +
          `with subset ${subset} (it routes to: ${present}); apply a split overlay first, e.g. ` +
          'scripts/deploy.sh apply 100-0',
      );
    }
    const destinationPath = `${rulePath}/route/${index}`;
    patch.push({ op: 'test', path: `${destinationPath}/destination/subset`, value: subset });
    // `replace` needs the member to exist; a destination written without a weight gets one added.
    const hasWeight = rule.route[index]?.weight !== undefined;
    patch.push({ op: hasWeight ? 'replace' : 'add', path: `${destinationPath}/weight`, value: weight });
  }
  const untouched = rule.route.filter(
    (d) => d.destination.subset === undefined || !(d.destination.subset in weights),
  );
  if (untouched.length > 0) {
    throw new ShiftPlanError(
      `rule ${rule.name ?? ruleIndex} also routes to ${untouched
        .map((d) => d.destination.subset ?? d.destination.host)
        .join(', ')}, which the requested weights do not cover`,
    );
  }
  return { ruleIndex, ruleName: rule.name, before: weightsOfRule(rule), patch };
}

/** "v1 95 %, v2 5 %" for the rule plain /api/ traffic takes. */
export function describeSplit(json: unknown): string {
  const virtualService = readVirtualService(json);
  const decision = matchRequest([virtualService], plainApiRequest);
  if (!decision) return `${virtualService.metadata.name}: no rule routes ${plainApiRequest.path}`;
  const weights = weightsOfRule(decision.rule);
  const parts = Object.entries(weights).map(([subset, weight]) => `${subset} ${formatPercent(weight)} %`);
  const rule = decision.rule.name ?? `#${decision.ruleIndex}`;
  return `${virtualService.metadata.name} (rule ${rule}): ${parts.join(', ')}`;
}

function formatPercent(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

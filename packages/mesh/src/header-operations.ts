/**
 * VirtualService `headers` (request/response set, add, remove) the way Istio hands them to Envoy and Envoy applies
 * them, so the local gateway rewrites headers exactly as the ingress gateway would:
 * - Istio turns `set` into OVERWRITE_IF_EXISTS_OR_ADD and `add` into APPEND_IF_EXISTS_OR_ADD entries, set first,
 *   and `remove` into the headers-to-remove list.
 * - Envoy's HeaderParser removes first, then applies the entries in order; an entry with an empty value is skipped
 *   (keep_empty_value defaults to false).
 * - Destinations with weight 0 are left out of the weighted clusters. When one destination remains, Istio
 *   appends its operations after the rule's in one list (so a destination `set` wins over a rule `add`); with
 *   several, Envoy applies the picked cluster's operations first and the rule's afterwards (the rule wins).
 */
import type { HttpRoute, RouteDestination } from './virtual-service.js';

export interface HeaderOperations {
  set?: Record<string, string>;
  add?: Record<string, string>;
  remove?: string[];
}

/** One Envoy HeaderParser: names to remove, then entries to write in order. */
export interface HeaderMutation {
  remove: string[];
  write: Array<{ name: string; value: string; append: boolean }>;
}

export type HeaderMap = Record<string, string | string[]>;

function toMutation(operations: HeaderOperations | undefined): HeaderMutation {
  return {
    remove: (operations?.remove ?? []).map((name) => name.toLowerCase()),
    write: [
      ...Object.entries(operations?.set ?? {}).map(([name, value]) => ({ name, value, append: false })),
      ...Object.entries(operations?.add ?? {}).map(([name, value]) => ({ name, value, append: true })),
    ].map((entry) => ({ ...entry, name: entry.name.toLowerCase() })),
  };
}

/** Destinations Envoy can pick: those with weight, or the only one a rule has. */
export function effectiveDestinations(rule: HttpRoute): RouteDestination[] {
  if (rule.route.length === 1) return rule.route;
  return rule.route.filter((destination) => (destination.weight ?? 0) > 0);
}

/** The header mutations for one request that took `rule` and was sent to `destination`, in Envoy's order. */
export function headerMutations(
  rule: HttpRoute,
  destination: RouteDestination,
  direction: 'request' | 'response',
): HeaderMutation[] {
  const ruleMutation = toMutation(rule.headers?.[direction]);
  const destinationMutation = toMutation(destination.headers?.[direction]);
  if (effectiveDestinations(rule).length <= 1) {
    return [
      {
        remove: [...ruleMutation.remove, ...destinationMutation.remove],
        write: [...ruleMutation.write, ...destinationMutation.write],
      },
    ];
  }
  return [destinationMutation, ruleMutation];
}

/** One set or append on a header map: an append keeps what is there, an empty value writes nothing (Envoy). */
function writeHeader(headers: HeaderMap, { name, value, append }: HeaderMutation['write'][number]): void {
  if (value === '') return;
  const existing = headers[name];
  if (!append || existing === undefined) headers[name] = value;
  else headers[name] = [...(Array.isArray(existing) ? existing : [existing]), value];
}

/** Applies mutations to a header map whose names are lowercase (as Node gives them). */
export function applyHeaderMutations(headers: HeaderMap, mutations: readonly HeaderMutation[]): void {
  for (const mutation of mutations) {
    for (const name of mutation.remove) delete headers[name];
    for (const write of mutation.write) writeHeader(headers, write);
  }
}

/** `traffic set`: switch the local gateway to an overlay or to custom weights (PUT /__mesh), then read it back. */
import { TOKEN_VARIABLE } from '@movies/contracts/gateway-access';
import { validateWeights, WeightsError } from '@movies/mesh';
import { type Invocation, UsageError, type WeightChange } from '../args.js';
import { exitCodes } from '../exit-codes.js';
import { fetchMeshState, putMesh } from '../gateway-client.js';
import { colourFor, palette, weightBars } from '../render.js';
import type { Target } from '../target.js';

/** Checks weights before anything is sent: whole numbers 0–100 summing to 100 (the mesh module's rule). */
export function checkChange(change: WeightChange): void {
  if ('weights' in change) {
    try {
      validateWeights(change.weights);
    } catch (error) {
      if (error instanceof WeightsError) throw new UsageError(error.message, 'set');
      throw error;
    }
  }
}

/** `token`: the gateway's admin token ($GATEWAY_TOKEN), sent with the change; a loopback gateway needs none. */
export async function runSet(
  invocation: Extract<Invocation, { command: 'set' }>,
  target: Target,
  token?: string,
): Promise<number> {
  const { change } = invocation;
  const current = await fetchMeshState(target.url);
  if (!current) {
    const what = 'overlay' in change ? change.overlay : Object.values(change.weights).join(' ');
    process.stderr.write(
      `traffic set: ${target.url} is not the local gateway (it has no GET /__mesh); \`set ${what}\` only changes the local gateway.\n` +
        'In a cluster, shift traffic with scripts/shift-traffic.sh <overlay> or `kubectl apply -k k8s/overlays/<name>`.\n',
    );
    return exitCodes.usage;
  }
  if ('weights' in change) {
    // Names are checked against the subsets the gateway accepts (its DestinationRule's), not the current weights:
    // after `set v1=100`, v2 is still a subset and `set 95 5` brings it back.
    try {
      validateWeights(change.weights, current.subsets);
    } catch (error) {
      if (error instanceof WeightsError) throw new UsageError(error.message, 'set');
      throw error;
    }
  }
  const result = await putMesh(target.url, change, token);
  if (!result.ok) {
    const hint =
      result.status === 401
        ? token === undefined
          ? `\nSet ${TOKEN_VARIABLE} to the admin token the gateway printed when it started.\n`
          : `\n${TOKEN_VARIABLE} is not this gateway's admin token (it prints its token when it starts).\n`
        : '\n';
    process.stderr.write(
      `traffic set: the gateway refused the change (HTTP ${result.status}): ${result.message}${hint}`,
    );
    return result.status >= 400 && result.status < 500 ? exitCodes.usage : exitCodes.errors;
  }
  const state = await fetchMeshState(target.url);
  if (!state) {
    process.stderr.write(`traffic set: ${target.url} stopped answering GET /__mesh after the change\n`);
    return exitCodes.errors;
  }
  const c = palette(colourFor(process.stdout));
  const lines = [
    `Routing at ${target.url} is now ${c.bold(state.source)}; GET /api/ splits:`,
    ...weightBars(state.weights, c),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return exitCodes.ok;
}

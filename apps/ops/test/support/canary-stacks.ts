/** The two local stacks the canary tests run against: a healthy v2, and a v2 with the backend's demo fault. */
import { meshStateSchema } from '@movies/contracts/mesh-state';
import { MESH_PATH } from '@movies/contracts/names';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '@movies/gateway/testing';
import { afterAll, beforeAll } from 'vitest';

export interface CanaryStacks {
  healthy: LocalStack;
  faulty: LocalStack;
}

/** Starts both stacks (overlay 100-0) before the calling suite's tests and closes them after; filled in `beforeAll`. */
export function canaryStacks(options: Pick<LocalStackOptions, 'gateway'> = {}): CanaryStacks {
  const stacks = {} as CanaryStacks;
  beforeAll(async () => {
    [stacks.healthy, stacks.faulty] = await Promise.all([
      startLocalStack({ ...options, overlay: '100-0' }),
      // The backend's documented demo fault: 30 % of v2's API requests answer 500.
      startLocalStack({ ...options, overlay: '100-0', backendEnv: { v2: { FAULT_ERROR_RATE: '0.3' } } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([stacks.healthy?.close(), stacks.faulty?.close()]);
  });
  return stacks;
}

/** The weights the stack's gateway routes by now (GET /__mesh). */
export async function meshWeights(stack: LocalStack): Promise<Record<string, number>> {
  const response = await fetch(`${stack.gatewayUrl}${MESH_PATH}`);
  return meshStateSchema.parse(await response.json()).weights;
}

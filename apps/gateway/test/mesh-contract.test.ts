/**
 * GET and PUT /__mesh keep the contract the traffic CLI, the ops helper and the UI parse with
 * (@movies/contracts' meshStateSchema): for every overlay, after real traffic, and for a custom split. Parsing
 * must neither fail nor drop a field, so the schema describes exactly what the gateway sends.
 */
import { errorAnswerSchema, MESH_PATH, meshStateSchema } from '@movies/contracts';
import { listOverlays } from '@movies/mesh';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../src/testing.js';
import { putMesh, sendMany } from './helpers.js';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ overlay: '80-20' });
});

afterAll(async () => {
  await stack?.close();
});

async function mesh(method: 'GET' | 'PUT', body?: unknown): Promise<{ status: number; json: unknown }> {
  const response =
    method === 'PUT' ? await putMesh(stack.gatewayUrl, body) : await fetch(`${stack.gatewayUrl}${MESH_PATH}`);
  return { status: response.status, json: await response.json() };
}

/** Parses with the contract and checks nothing the gateway sent was left out of it. */
function expectState(json: unknown) {
  const parsed = meshStateSchema.safeParse(json);
  expect(parsed.success, parsed.error?.message).toBe(true);
  expect(parsed.data).toEqual(json);
  return parsed.data;
}

describe('the /__mesh contract', () => {
  it.each(listOverlays())(
    'overlay %s: PUT and GET answer a state the schema describes in full',
    async (overlay) => {
      const put = await mesh('PUT', { overlay });
      expect(put.status).toBe(200);
      expect(expectState(put.json)?.source).toBe(overlay);
      await sendMany(stack.gatewayUrl, 20);
      const got = expectState((await mesh('GET')).json);
      expect(got?.overlay).toBe(overlay);
    },
  );

  it('a custom split, with counters that moved', async () => {
    const put = await mesh('PUT', { weights: { v1: 30, v2: 70 } });
    expect(expectState(put.json)).toMatchObject({ source: 'custom', weights: { v1: 30, v2: 70 } });
    await sendMany(stack.gatewayUrl, 30);
    const state = expectState((await mesh('GET')).json);
    const answered = Object.values(state?.traffic.total ?? {}).reduce(
      (sum, count) => sum + count.requests,
      0,
    );
    expect(answered).toBeGreaterThanOrEqual(30);
  });

  it('a refused PUT answers the error shape every error answer has', async () => {
    const refused = await mesh('PUT', { weights: { v1: 30, v2: 30 } });
    expect(refused.status).toBe(400);
    expect(errorAnswerSchema.safeParse(refused.json).success).toBe(true);
  });
});

import { apiGet, toApiError } from '../../../lib/api-client';
import { catalogueOf } from '../../../lib/backend-version-store';
import { getMeshStatus, type MeshWeights } from '../../../lib/mesh-status';
import { readPin, startNewVisit } from '../../../lib/visitor-pin';

export type Draw =
  | { status: 'drawing' }
  | {
      status: 'landed';
      version: string;
      catalogue: string | null;
      /** False when no movie-version cookie came back: the mesh has no sticky sessions. */
      pinned: boolean;
      /** The configured split, from the local gateway's /__mesh; null on a cluster. */
      weights: MeshWeights | null;
      source: string | null;
    }
  | { status: 'failed'; message: string };

/**
 * Forgets the pin and asks GET /api/ as a new visitor: the mesh draws a version by the weights and pins it.
 * Every query on the page fetches again (after this draw, carrying the new pin).
 */
export async function drawNewVisitor(): Promise<Draw> {
  startNewVisit();
  const [answer, mesh] = await Promise.all([
    apiGet<unknown>('/').catch((error: unknown) => toApiError(error)),
    getMeshStatus(),
  ]);
  if (answer instanceof Error) return { status: 'failed', message: answer.message };
  const pin = readPin();
  const version = pin ?? answer.servedBy.version;
  if (!version) return { status: 'failed', message: 'The answer named no backend version.' };
  return {
    status: 'landed',
    version,
    catalogue: catalogueOf(version),
    pinned: pin !== null,
    weights: mesh?.weights ?? null,
    source: mesh?.source ?? null,
  };
}

/**
 * The mesh module's errors: each carries its stable code from @movies/contracts' errors, which decides the HTTP
 * status (the gateway's /__mesh answers) and the exit code (the command lines). The classes stay so callers can
 * catch one kind by name.
 */
import { AppError } from '@movies/contracts/errors';

/** A split that is not whole numbers from 0 to 100 summing to 100 over known subsets. */
export class WeightsError extends AppError {
  override name = 'WeightsError';
  constructor(message: string) {
    super('MESH_BAD_WEIGHTS', message);
  }
}

/** An overlay name that is not a folder of k8s/overlays, or one that cannot be rendered. */
export class OverlayError extends AppError {
  override name = 'OverlayError';
  constructor(message: string) {
    super('MESH_UNKNOWN_OVERLAY', message);
  }
}

/** A VirtualService or HTTPRoute the module cannot read or route by. */
export class ManifestError extends AppError {
  override name = 'ManifestError';
  constructor(message: string) {
    super('MESH_BAD_MANIFEST', message);
  }
}

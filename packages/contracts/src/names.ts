/**
 * The names every process agrees on (no zod here, so the UI's first page can import them for free). The backend
 * states who answered in the identity headers (on every answer, errors included); the gateway, the traffic CLI,
 * the scripts and the UI read a version only from there.
 */

/** The answering backend's version ("v1", "v2"): what a split is measured by. */
export const VERSION_HEADER = 'x-backend-version';
/** The catalogue the answering backend serves ("bollywood", "hollywood"). */
export const CATALOGUE_HEADER = 'x-catalogue';
/** Where the data of the answer came from ("bundled" or "tmdb"). */
export const DATA_SOURCE_HEADER = 'x-data-source';
/** The request's id, kept across the mesh (Envoy's, or the caller's when sane) and echoed on the answer. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** What the backend exposes to browsers on cross-origin answers. */
export const IDENTITY_HEADERS = [
  VERSION_HEADER,
  CATALOGUE_HEADER,
  DATA_SOURCE_HEADER,
  REQUEST_ID_HEADER,
] as const;

/** The header-routing scenario: requests with this header and value go to v2 (k8s/overlays/header-routing). */
export const PREMIUM_HEADER = { name: 'x-user-type', value: 'premium' } as const;

/** The sticky-sessions cookie: the mesh sets `movie-version=<subset>` and routes a visitor who carries it there. */
export const VISITOR_COOKIE = 'movie-version';

/** The local gateway's admin endpoint (apps/gateway): GET the routing state, PUT an overlay or a split. */
export const MESH_PATH = '/__mesh';

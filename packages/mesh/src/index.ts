// Public surface of @movies/mesh: the one place that reads VirtualServices and k8s overlays, with the sticky-session
// contract, the split statistics and the seeded random source that every tool and test shares.
// Also: Gateway API HTTPRoutes read as VirtualServices, and k8s/rendered regeneration. The offline manifest
// checks load large schemas, so they live behind their own entry point: '@movies/mesh/analyze'.
export {
  HttpRouteError,
  httpRoutesAsVirtualServices,
  httpRouteToVirtualService,
  isHttpRoute,
} from './analyze/http-route.js';
export * from './header-operations.js';
export * from './overlays.js';
export { seededRandom } from './random.js';
export { type RenderFileResult, renderAll, renderedFileContent } from './render.js';
export * from './stats.js';
export * from './sticky-sessions.js';
export * from './virtual-service.js';
export * from './weights.js';

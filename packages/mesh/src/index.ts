// Public surface of @movies/mesh: what reads VirtualServices and k8s overlays for every tool, with the sticky-session
// contract, the split statistics and the seeded random source that every tool and test shares.
// Also: Gateway API HTTPRoutes read as VirtualServices, and k8s/rendered regeneration. The offline manifest
// checks load large schemas and the TypeScript compiler, so they live in their own package: apps/analyzer.

export * from './errors.js';
export * from './header-operations.js';
export { hostVersions, subsetlessHosts, weightsByVersion } from './host-versions.js';
export {
  httpRoutesAsVirtualServices,
  httpRouteToVirtualService,
  isHttpRoute,
} from './http-route.js';
export * from './overlays.js';
export { type RenderFileResult, renderAll, renderedFileContent } from './render.js';
export * from './rule-summary.js';
export { formatPercent, formatSplit } from './split-format.js';
export * from './stats.js';
export * from './sticky-sessions.js';
export * from './virtual-service.js';
export * from './weights.js';

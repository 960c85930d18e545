// Public surface of @movies/mesh: the one place that reads VirtualServices and k8s overlays.
// Also: Gateway API HTTPRoutes read as VirtualServices, and k8s/rendered regeneration. The offline manifest
// checks load large schemas, so they live behind their own entry point: '@movies/mesh/analyze'.
export {
  HttpRouteError,
  httpRoutesAsVirtualServices,
  httpRouteToVirtualService,
  isHttpRoute,
} from './analyze/http-route.js';
export * from './overlays.js';
export { type RenderFileResult, renderAll, renderedFileContent } from './render.js';
export * from './virtual-service.js';

// Public surface of @movies/mesh: the one place that reads VirtualServices and k8s overlays.
export * from './overlays.js';
export * from './virtual-service.js';
// Offline manifest checks, Gateway API HTTPRoutes read as VirtualServices, and k8s/rendered regeneration.
export * from './analyze/index.js';
export { type RenderFileResult, renderAll, renderedFileContent } from './render.js';

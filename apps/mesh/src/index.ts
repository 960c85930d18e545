// Public surface of @movies/mesh: the one place that reads VirtualServices and k8s overlays.
// analyze: offline manifest checks and Gateway API HTTPRoutes read as VirtualServices; render: k8s/rendered files.
export * from './analyze/index.js';
export * from './overlays.js';
export { type RenderFileResult, renderAll, renderedFileContent } from './render.js';
export * from './virtual-service.js';

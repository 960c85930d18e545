// Public surface of @movies/mesh: the one place that reads VirtualServices and k8s overlays.
export * from './overlays.js';
export * from './virtual-service.js';

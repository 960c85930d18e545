export * from './api.js';
export * from './errors.js';
export * from './gateway-access.js';
export * from './mesh-state.js';
export * from './names.js';
export * from './original-api.js';
export * from './traffic-report.js';

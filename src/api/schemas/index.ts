export * from './common.js';
export * from './network.js';
export * from './placements.js';
export * from './sites.js';
export * from './tasks.js';
export * from './topology.js';

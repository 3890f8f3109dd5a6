export * from './compute-power.js';
export * from './grid-profiles.js';
export * from './grid-shapes.js';
export * from './load.js';
export * from './lookup.js';
export * from './schema.js';
export * from './types.js';
export * from './validate.js';

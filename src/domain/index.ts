export * from './clock.js';
export * from './energy.js';
export * from './errors.js';
export * from './money.js';
export * from './placement.js';
export * from './rng.js';
export * from './site.js';
export * from './task.js';

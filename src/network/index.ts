export * from './bandwidth.js';
export * from './fiber.js';
export * from './geo.js';
export * from './network-model.js';

/** The HTTP API: app, server, services, schemas, roles. */
export * from './app.js';
export * from './errors.js';
export * from './roles.js';
export * from './routes/types.js';
export * as schemas from './schemas/index.js';
export * from './server.js';
export * from './services/index.js';
export { fieldOf, RequestValidationError, typeboxValidatorCompiler } from './validation.js';

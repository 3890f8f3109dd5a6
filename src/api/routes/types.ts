import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../domain/clock.js';
import type { Services } from '../services/index.js';

export interface RouteDeps {
  services: Services;
  clock: Clock;
}

/** A capability's routes; each declares its roles in `config.roles`. */
export type RouteModule = (app: FastifyInstance, deps: RouteDeps) => void;

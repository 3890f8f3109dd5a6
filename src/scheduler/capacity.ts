/**
 * The scheduler's window on capacity: what is free at a site over a time
 * interval, and the reservations that use it. The live platform and the
 * simulator hand the same kind of object to the same scheduler.
 *
 * Sites are addressed by their index in the list the view was built from
 * (resolve once with `siteIndex`): the scheduler asks hundreds of thousands of
 * questions per second and a string lookup each time would dominate.
 * A task's GPUs come from one pool (`gpuPool`, an index into
 * `site.capacity.gpus`; -1 when it needs none).
 */
import type { TaskResources } from '../domain/task.js';

export interface Reservation {
  taskId: string;
  siteId: string;
  siteIndex: number;
  gpuPool: number;
  startS: number;
  endS: number;
  resources: TaskResources;
}

/** The least free amount of each resource over an interval. */
export interface FreeCapacity {
  cpuCores: number;
  memoryGb: number;
  hpcNodes: number;
  storageTb: number;
  /** Free GPUs per pool, in the order of `site.capacity.gpus`. */
  gpus: number[];
}

export interface CapacityView {
  /** Index of a site in this view, or -1 when the view does not know it. */
  siteIndex(siteId: string): number;
  /**
   * The highest share in use, once `need` is added, of any resource `need`
   * asks for, over [startS, endS). At most 1 means it fits; Infinity means the
   * site has none of a resource the task needs.
   */
  peakShare(site: number, need: TaskResources, gpuPool: number, startS: number, endS: number): number;
  /**
   * The load-balance score's input: the highest share in use from `fromS` on (over all later time, not
   * only a run's interval), once `need` is added, of any resource `need` asks for — a site's committed
   * load, read without a search over the run. Infinity when the site has none of a resource.
   */
  loadShare(site: number, need: TaskResources, gpuPool: number, fromS: number): number;
  fits(site: number, need: TaskResources, gpuPool: number, startS: number, endS: number): boolean;
  /** Book `need` at the site over [startS, endS); throws DomainError('conflict') when it does not fit. */
  reserve(
    taskId: string,
    site: number,
    need: TaskResources,
    gpuPool: number,
    startS: number,
    endS: number,
  ): Reservation;
  /**
   * Optional: the task runs past its booked end — hold its resources until `endS` too, even if that
   * overfills the site (the work is really there; new work then avoids the site).
   */
  extend?(taskId: string, endS: number): Reservation | undefined;
  /** Give back what the task still holds from `atS` on (all of it when omitted or before its start). */
  release(taskId: string, atS?: number): Reservation | undefined;
  reservation(taskId: string): Reservation | undefined;
  freeOver(site: number, startS: number, endS: number): FreeCapacity;
  /** Forget the past before `tS` (a hint: the scheduler calls it as its clock moves). */
  forgetBefore?(tS: number): void;
}

/** Demands are sums of floats (memory in GB, storage in TB): allow rounding noise, nothing more. */
export const FIT_TOLERANCE = 1e-9;

export const fitsShare = (share: number): boolean => share <= 1 + FIT_TOLERANCE;

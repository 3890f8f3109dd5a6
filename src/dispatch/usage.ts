/**
 * A finished (or abandoned) job's accounting as a usage record for metering:
 * what was held for how long, and the energy and carbon that implies under the
 * one power model (src/domain/energy.ts) the scheduler also plans with.
 */
import { carbonG, DEFAULT_GPU_POWER_W, facilityEnergyKwh, itPowerKw } from '../domain/energy.js';
import type { Site } from '../domain/site.js';
import type { Task } from '../domain/task.js';
import type { JobAccounting, JobRef, JobState } from './backend.js';

export interface UsageRecord {
  taskId: string;
  attempt: number;
  siteId: string;
  tenantId: string;
  backend: string;
  cluster: string;
  jobId: string;
  /** The job's end state (a failed or cancelled job still used what it held). */
  state: JobState;
  startedAtS: number | null;
  endedAtS: number | null;
  wallS: number;
  cpus: number;
  /** Allocated core-seconds (cpus × wall). */
  cpuCoreS: number;
  /** CPU time measured by the backend, when it measures it. */
  cpuUsedS: number | null;
  gpus: number;
  gpuS: number;
  hpcNodes: number;
  hpcNodeS: number;
  memoryGbS: number;
  /** Facility energy: IT power × PUE × wall time. */
  energyKwh: number;
  /** Emissions at the site's grid factor net of its green share. */
  carbonG: number;
  exitCode: number | null;
  signal: number | null;
  recordedAtS: number;
}

/** Power of one GPU of the kind the task asked for at this site (the task's model, else the site's first pool). */
export function gpuPowerW(site: Site, task: Task): number {
  const pools = site.capacity.gpus;
  const pool = (task.resources.gpuModel && pools.find((p) => p.model === task.resources.gpuModel)) || pools[0];
  return pool?.powerW ?? DEFAULT_GPU_POWER_W;
}

export function usageOf(
  task: Task,
  site: Site,
  job: { attempt: number; ref: JobRef; state: JobState },
  acct: JobAccounting,
  recordedAtS: number,
): UsageRecord {
  const r = task.resources;
  const wallS = acct.wallS;
  // the CPUs the backend really allocated (Slurm's minimum is one), not just what was asked
  const cpus = acct.cpus > 0 ? acct.cpus : r.cpuCores;
  const itKw = itPowerKw({ ...r, cpuCores: cpus }, gpuPowerW(site, task));
  const energyKwh = facilityEnergyKwh(itKw, site.pue, wallS);
  return {
    taskId: task.id,
    attempt: job.attempt,
    siteId: site.id,
    tenantId: task.tenantId,
    backend: job.ref.backend,
    cluster: job.ref.cluster,
    jobId: job.ref.jobId,
    state: job.state,
    startedAtS: acct.startedAtS,
    endedAtS: acct.endedAtS,
    wallS,
    cpus,
    cpuCoreS: acct.cpuCoreS > 0 ? acct.cpuCoreS : cpus * wallS,
    cpuUsedS: acct.cpuUsedS,
    gpus: r.gpus,
    gpuS: r.gpus * wallS,
    hpcNodes: r.hpcNodes,
    hpcNodeS: r.hpcNodes * wallS,
    memoryGbS: r.memoryGb * wallS,
    energyKwh,
    carbonG: carbonG(energyKwh, site.gridCarbonGPerKwh, site.greenShare),
    exitCode: acct.exitCode,
    signal: acct.signal,
    recordedAtS,
  };
}

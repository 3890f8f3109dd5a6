/**
 * The power model: what a task draws, by kind of resource. Used by the
 * scheduler's carbon score and by metering; one model so both agree.
 * Figures are typical board/socket powers; a site's PUE multiplies them.
 */
import type { TaskResources } from './task.js';

/** Per CPU core under load (a 64-core 250 W server CPU ≈ 4 W/core, plus memory and board). */
export const CPU_CORE_POWER_W = 6;
/** Per HPC node (2 sockets, memory, interconnect). */
export const HPC_NODE_POWER_W = 450;
/** Per TB of storage, always on. */
export const STORAGE_POWER_W_PER_TB = 8;
/** GPU board power when the model is unknown. */
export const DEFAULT_GPU_POWER_W = 400;

/** IT power of a task, in kW, given the power of one GPU at the site. */
export function itPowerKw(r: TaskResources, gpuPowerW = DEFAULT_GPU_POWER_W): number {
  const w =
    r.cpuCores * CPU_CORE_POWER_W +
    r.gpus * gpuPowerW +
    r.hpcNodes * HPC_NODE_POWER_W +
    r.storageTb * STORAGE_POWER_W_PER_TB;
  return w / 1000;
}

/** Facility energy (IT × PUE) for a run of `durationS`, in kWh. */
export function facilityEnergyKwh(itKw: number, pue: number, durationS: number): number {
  return (itKw * pue * durationS) / 3600;
}

/** Emissions of that energy given the grid factor and the site's green share. */
export function carbonG(energyKwh: number, gridCarbonGPerKwh: number, greenShare: number): number {
  return energyKwh * gridCarbonGPerKwh * (1 - greenShare);
}

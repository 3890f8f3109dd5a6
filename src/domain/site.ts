/**
 * The supply side: a site is one place that runs work — a data-center
 * cluster of a national hub, a city site, or an edge node ("1+10+N").
 * Capacity is by kind of compute (通用 general, 智能 intelligent, 超算 super)
 * plus storage; prices are integer fen per unit.
 */
export type ComputeKind = 'general' | 'intelligent' | 'super';
export type SiteTier = 'cluster' | 'city' | 'edge';
/** Which side of 东数西算 a hub (and its sites) is on. */
export type Side = 'east' | 'west';
export type SiteStatus = 'up' | 'down' | 'draining';

export interface GpuPool {
  /** e.g. "A800", "H20", "Ascend 910B", "RTX 4090" */
  model: string;
  count: number;
  /** Dense FP16 TFLOPS of one GPU. */
  fp16Tflops: number;
  memoryGb: number;
  /** Board power of one GPU at full load. */
  powerW: number;
}

export interface SiteCapacity {
  /** General compute: CPU cores. */
  cpuCores: number;
  memoryGb: number;
  /** Intelligent compute, by GPU model. */
  gpus: GpuPool[];
  /** Super compute (HPC): nodes and cores per node. */
  hpcNodes: number;
  hpcCoresPerNode: number;
  storageTb: number;
  /** Share of storage that is advanced (SSD/NVMe), 0..1. */
  storageSsdShare: number;
  racks: number;
}

export interface SitePrices {
  priceFenPerCoreHour: number;
  priceFenPerGpuHour: number;
  priceFenPerHpcNodeHour: number;
  priceFenPerTbMonth: number;
  /** Data moved into or out of the site, per GB. */
  priceFenPerGbMoved: number;
}

/** How a site runs work (dispatch). Absent = the embedded local executor. */
export type SiteBackend =
  | { kind: 'local'; maxConcurrent?: number }
  | {
      kind: 'slurm';
      /** slurmrestd base URL, e.g. http://127.0.0.1:16801 */
      restUrl?: string;
      /** slurmrestd unix socket (local auth, no token); used instead of restUrl when set */
      restSocket?: string;
      /** Pin the slurmrestd API version (e.g. "v0.0.38"); default: the newest both sides speak */
      apiVersion?: string;
      /** JWT for slurmrestd (X-SLURM-USER-TOKEN) */
      token?: string;
      userName?: string;
      /** slurm.conf path, for the sbatch/squeue/scontrol CLI fallback */
      slurmConf?: string;
      partition?: string;
      account?: string;
      /** Working directory for job scripts and output on the cluster. */
      workDir?: string;
      clusterName?: string;
    };

export interface Site {
  id: string;
  name: string;
  nameZh: string;
  tier: SiteTier;
  /** National hub (one of 8) this site belongs to, if any. */
  hubId: string | null;
  /** National data-center cluster (one of 10), if any. */
  clusterId: string | null;
  city: string;
  province: string;
  side: Side;
  /** MEE grid region: 华北, 东北, 华东, 华中, 西北, 南方, 西南 */
  gridRegion: string;
  lat: number;
  lon: number;
  pue: number;
  /** Share of electricity that is green (renewable), 0..1. */
  greenShare: number;
  /** Average grid emission factor, gCO2 per kWh. */
  gridCarbonGPerKwh: number;
  capacity: SiteCapacity;
  prices: SitePrices;
  status: SiteStatus;
  /** False when the site has an open compliance case that bars important data. */
  compliant: boolean;
  backend?: SiteBackend;
}

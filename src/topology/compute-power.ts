/**
 * A site's compute in P (PFLOPS) by kind, the unit Chinese statistics use
 * ("算力规模 10321P"). Following CAICT's convention each kind is counted at its
 * own precision: general (通用) at FP32, super (超算) at FP64, intelligent (智算)
 * at FP16. The per-core figures are fleet averages we assume (see
 * data/SOURCES.md): a modern server core peaks at ~77 GFLOPS FP32 (AMD Zen 4,
 * 2×256-bit FMA at 2.4 GHz) to ~147 GFLOPS (Intel Ice Lake, 2×512-bit FMA at
 * 2.3 GHz); we take 100 GFLOPS FP32, and half of that at FP64.
 */
import type { ComputeKind, Site } from '../domain/site.js';

/** Peak FP32 TFLOPS of one general-purpose CPU core (assumed fleet average). */
export const GENERAL_FP32_TFLOPS_PER_CORE = 0.1;
/** Peak FP64 TFLOPS of one HPC node core (half the FP32 rate of the same vector units). */
export const HPC_FP64_TFLOPS_PER_CORE = 0.05;

export type PflopsByKind = Record<ComputeKind, number> & { total: number };

/** P (PFLOPS) of a site per kind of compute, and the total. */
export function sitePflops(site: Pick<Site, 'capacity'>): PflopsByKind {
  const c = site.capacity;
  const general = (c.cpuCores * GENERAL_FP32_TFLOPS_PER_CORE) / 1000;
  const superP = (c.hpcNodes * c.hpcCoresPerNode * HPC_FP64_TFLOPS_PER_CORE) / 1000;
  let intelligent = 0;
  for (const g of c.gpus) intelligent += (g.count * g.fp16Tflops) / 1000;
  return { general, super: superP, intelligent, total: general + superP + intelligent };
}

/** Sum of `sitePflops` over many sites. */
export function totalPflops(sites: readonly Pick<Site, 'capacity'>[]): PflopsByKind {
  const sum: PflopsByKind = { general: 0, super: 0, intelligent: 0, total: 0 };
  for (const s of sites) {
    const p = sitePflops(s);
    sum.general += p.general;
    sum.super += p.super;
    sum.intelligent += p.intelligent;
    sum.total += p.total;
  }
  return sum;
}

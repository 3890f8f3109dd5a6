/**
 * The capacity what-if: "what if 和林格尔 got 20,000 P more AI compute?"
 * written `helinger-1:intelligent:20000P`. Compute is counted in P (PFLOPS)
 * the way Chinese statistics count it (src/topology/compute-power.ts):
 * general compute at FP32 per CPU core, intelligent at FP16 per GPU of the
 * site's pool, super at FP64 per HPC node. The amount is turned into cores,
 * GPUs or HPC nodes of the kind the site already runs.
 */
import { DomainError } from '../../domain/errors.js';
import type { ComputeKind, Site } from '../../domain/site.js';
import { GENERAL_FP32_TFLOPS_PER_CORE, HPC_FP64_TFLOPS_PER_CORE } from '../../topology/compute-power.js';

export interface CapacityAddition {
  siteId: string;
  kind: ComputeKind;
  /** PFLOPS to add (at the kind's own precision). */
  pflops: number;
}

const KINDS: readonly ComputeKind[] = ['general', 'intelligent', 'super'];
/** Unit suffix → PFLOPS. */
const UNITS: Readonly<Record<string, number>> = { '': 1, P: 1, PF: 1, T: 1e-3, TF: 1e-3, E: 1e3, EF: 1e3 };

/** Parses `site:kind:amount` (amount in P by default; suffix T, P or E). */
export function parseCapacityAddition(spec: string, field = 'addCapacity'): CapacityAddition {
  const parts = spec.split(':').map((p) => p.trim());
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    throw new DomainError(
      'validation',
      `${field}: expected site:kind:amount (e.g. helinger-1:intelligent:20000P), got '${spec}'`,
      field,
    );
  }
  const [siteId, kind, amount] = parts as [string, string, string];
  if (!(KINDS as readonly string[]).includes(kind)) {
    throw new DomainError('validation', `${field}: kind must be one of ${KINDS.join(', ')}, got '${kind}'`, field);
  }
  const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(amount);
  const unit = m ? m[2]!.toUpperCase() : '';
  const scale = UNITS[unit];
  if (!m || scale === undefined) {
    throw new DomainError(
      'validation',
      `${field}: amount must be a number with an optional unit T, P or E (FLOPS), got '${amount}'`,
      field,
    );
  }
  const pflops = Number(m[1]) * scale;
  if (!(pflops > 0 && Number.isFinite(pflops))) {
    throw new DomainError('validation', `${field}: amount must be > 0, got '${amount}'`, field);
  }
  return { siteId, kind: kind as ComputeKind, pflops };
}

/** What one addition became, for the scenario summary. */
export interface AppliedAddition extends CapacityAddition {
  added: { cpuCores?: number; memoryGb?: number; gpus?: number; gpuModel?: string; hpcNodes?: number };
}

/** Adds the capacity to the site in place; errors name the field and say what the site lacks. */
export function applyCapacityAddition(sites: Site[], a: CapacityAddition, field = 'addCapacity'): AppliedAddition {
  const site = sites.find((s) => s.id === a.siteId);
  if (!site) throw new DomainError('validation', `${field}: unknown site '${a.siteId}'`, field);
  const c = site.capacity;
  const tflops = a.pflops * 1000;
  if (a.kind === 'general') {
    const cores = Math.round(tflops / GENERAL_FP32_TFLOPS_PER_CORE);
    // new servers come with the site's memory per core
    const memoryGb = c.cpuCores > 0 ? Math.round((cores * c.memoryGb) / c.cpuCores) : cores * 4;
    c.cpuCores += cores;
    c.memoryGb += memoryGb;
    return { ...a, added: { cpuCores: cores, memoryGb } };
  }
  if (a.kind === 'intelligent') {
    // extend the site's largest GPU pool: more of the accelerator it already runs
    const pool = c.gpus.reduce<number>((best, g, i) => (best < 0 || g.count > c.gpus[best]!.count ? i : best), -1);
    if (pool < 0) {
      throw new DomainError(
        'validation',
        `${field}: site '${a.siteId}' has no GPU pool to add intelligent compute to`,
        field,
      );
    }
    const g = c.gpus[pool]!;
    const gpus = Math.round(tflops / g.fp16Tflops);
    g.count += gpus;
    return { ...a, added: { gpus, gpuModel: g.model } };
  }
  if (c.hpcCoresPerNode <= 0) {
    throw new DomainError('validation', `${field}: site '${a.siteId}' has no HPC nodes to add super compute to`, field);
  }
  const nodes = Math.round(tflops / (c.hpcCoresPerNode * HPC_FP64_TFLOPS_PER_CORE));
  c.hpcNodes += nodes;
  return { ...a, added: { hpcNodes: nodes } };
}

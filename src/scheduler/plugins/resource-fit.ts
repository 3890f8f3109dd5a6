/**
 * Filter: the site has compute of the right kind and size at all (when empty):
 * enough cores, memory, HPC nodes and storage, and a GPU pool of the required
 * model and speed with enough GPUs. Whether it is free now is `capacity`'s job.
 */
import type { Site } from '../../domain/site.js';
import type { TaskResources } from '../../domain/task.js';
import type { FilterPlugin } from './types.js';

/** The resource shape as a cache key. */
export function shapeKey(r: TaskResources): string {
  return `${r.cpuCores},${r.memoryGb},${r.gpus},${r.gpuModel ?? '-'},${r.minGpuFp16Tflops ?? '-'},${r.hpcNodes},${r.storageTb}`;
}

/** GPU pools of the site a task may use (indices into site.capacity.gpus); [-1] when it needs no GPU. */
export function matchingPools(need: TaskResources, site: Site): number[] {
  if (need.gpus <= 0) return [-1];
  const out: number[] = [];
  site.capacity.gpus.forEach((g, k) => {
    if (poolMatches(need, g)) out.push(k);
  });
  return out;
}

/** Are this pool's GPUs of the model and speed the task asks for? */
function poolKindMatches(need: TaskResources, g: Site['capacity']['gpus'][number]): boolean {
  if (need.gpuModel !== undefined && g.model !== need.gpuModel) return false;
  return need.minGpuFp16Tflops === undefined || g.fp16Tflops >= need.minGpuFp16Tflops;
}

/** Can this pool serve the task's GPUs (model, speed, count)? */
function poolMatches(need: TaskResources, g: Site['capacity']['gpus'][number]): boolean {
  return poolKindMatches(need, g) && g.count >= need.gpus;
}

/** How many times `have` the need is (0 when nothing is needed; Infinity when there is none). */
const times = (need: number, have: number): number =>
  need <= 0 ? 0 : have > 0 ? need / have : Number.POSITIVE_INFINITY;

function gpuWanted(need: TaskResources): string {
  const model = need.gpuModel ? ` ${need.gpuModel}` : '';
  const speed = need.minGpuFp16Tflops !== undefined ? ` of ≥ ${need.minGpuFp16Tflops} FP16 TFLOPS` : '';
  return `${need.gpus}${model} GPUs${speed}`;
}

export const resourceFitFilter: FilterPlugin = {
  name: 'resource-fit',
  stage: 'static',
  describe: 'compute of the right kind and size',
  key: (task) => shapeKey(task.resources),
  passes(task, site) {
    const need = task.resources;
    const c = site.capacity;
    if (need.cpuCores > c.cpuCores || need.memoryGb > c.memoryGb || need.hpcNodes > c.hpcNodes) return false;
    if (need.storageTb > c.storageTb) return false;
    return need.gpus <= 0 || c.gpus.some((g) => poolMatches(need, g));
  },
  // how many times over the site's size the task is: a task too big for any site learns the largest
  miss(task, i, ctx) {
    const need = task.resources;
    const c = ctx.table.sites[i]!.capacity;
    let over = Math.max(
      times(need.cpuCores, c.cpuCores),
      times(need.memoryGb, c.memoryGb),
      times(need.hpcNodes, c.hpcNodes),
      times(need.storageTb, c.storageTb),
    );
    if (need.gpus > 0) {
      // the largest pool of the model and speed asked for (none: infinitely far)
      let most = 0;
      for (const g of c.gpus) if (poolKindMatches(need, g)) most = Math.max(most, g.count);
      over = Math.max(over, times(need.gpus, most));
    }
    return over;
  },
  check(task, site) {
    const need = task.resources;
    const c = site.capacity;
    if (need.cpuCores > c.cpuCores) return `needs ${need.cpuCores} CPU cores, site has ${c.cpuCores}`;
    if (need.memoryGb > c.memoryGb) return `needs ${need.memoryGb} GB memory, site has ${c.memoryGb}`;
    if (need.hpcNodes > c.hpcNodes) return `needs ${need.hpcNodes} HPC nodes, site has ${c.hpcNodes}`;
    if (need.storageTb > c.storageTb) return `needs ${need.storageTb} TB storage, site has ${c.storageTb}`;
    if (need.gpus > 0 && matchingPools(need, site).length === 0) {
      const have = c.gpus.length > 0 ? c.gpus.map((g) => `${g.count} ${g.model}`).join(', ') : 'no GPUs';
      return `needs ${gpuWanted(need)}; site has ${have}`;
    }
    return null;
  },
};

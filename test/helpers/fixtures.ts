/** Realistic inputs for tests: a shipped site, and task specs that pass validation. */
import type { Site } from '../../src/domain/site.js';
import type { Task } from '../../src/domain/task.js';
import { newTaskId } from '../../src/store/ids.js';
import { loadNationalTopology } from '../../src/topology/load.js';

export function shippedSite(id = 'zhangjiakou-1'): Site {
  const s = loadNationalTopology().sites.find((x) => x.id === id);
  if (!s) throw new Error(`no shipped site ${id}`);
  return s;
}

/** A new site id in a real city, derived from a shipped one (so every cross-check passes). */
export function newSite(id: string, from = 'langfang-1'): Site {
  return { ...shippedSite(from), id, name: `Test site ${id}`, nameZh: `测试站点 ${id}` };
}

export function task(overrides: Partial<Task> = {}, nowS = 1_800_000_000): Task {
  return {
    id: newTaskId(nowS),
    tenantId: 'acme',
    kind: 'training',
    resources: { cpuCores: 32, memoryGb: 128, gpus: 8, hpcNodes: 0, storageTb: 0 },
    durationS: 3600,
    estimatedDurationS: 3600,
    submittedAtS: nowS,
    earliestStartS: nowS,
    deadlineS: null,
    originCity: 'beijing',
    latencySlaMs: null,
    dataGb: 100,
    dataClass: 'general',
    allowedHubs: [],
    pairedOnly: false,
    priority: 0,
    ...overrides,
  };
}

/** A valid submission body for POST /tasks. */
export function submission(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    tenantId: 'acme',
    kind: 'training',
    resources: { cpuCores: 32, memoryGb: 128, gpus: 8 },
    durationS: 3600,
    originCity: 'beijing',
    ...overrides,
  };
}

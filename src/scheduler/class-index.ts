/**
 * The class plans by task class, found without building a key string per
 * decision: a numeric hash of the class fields picks a bucket, and the
 * fields themselves are compared with each plan's first task. The same
 * fields as `classKey` (plan.ts) — what a static filter or column reads.
 */
import type { Task } from '../domain/task.js';
import type { ClassPlan } from './plugins/types.js';

/** One FNV-style step: h and v mixed into 32 bits. */
export function mix(h: number, v: number): number {
  return Math.imul(h ^ v, 0x01000193);
}

function mixString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
  return mix(h, 0x1f);
}

/** Mix a number exactly: its integer part and its fraction (collisions are resolved by `sameClass`). */
function mixNumber(h: number, x: number): number {
  const i = Math.trunc(x);
  return mix(mix(h, i | 0), ((x - i) * 0x40000000) | 0);
}

/** Small numbers for the few distinct strings of a field (a Map reads a string's cached hash). */
class Interned {
  private readonly ids = new Map<string, number>();
  of(s: string): number {
    const id = this.ids.get(s);
    if (id !== undefined) return id;
    // bounded by the topology's places, the data classes and GPU models; past that, the characters serve
    if (this.ids.size >= 100_000) return mixString(0, s);
    this.ids.set(s, this.ids.size + 1);
    return this.ids.size;
  }
}

const places = new Interned();
const names = new Interned();

export function classHash(t: Task): number {
  const r = t.resources;
  let h = 0x811c9dc5;
  h = mix(h, places.of(t.originCity));
  h = mix(h, names.of(t.dataClass));
  h = mixNumber(h, t.latencySlaMs ?? -1);
  h = mixNumber(h, r.cpuCores);
  h = mixNumber(h, r.memoryGb);
  h = mixNumber(h, r.gpus);
  h = mixNumber(h, r.hpcNodes);
  h = mixNumber(h, r.storageTb);
  h = mixNumber(h, r.minGpuFp16Tflops ?? -1);
  if (r.gpuModel !== undefined) h = mix(h, names.of(r.gpuModel));
  for (const hub of t.allowedHubs) h = mix(h, places.of(hub));
  h = mix(h, (t.pairedOnly ? 1 : 0) + (t.dataGb > 0 ? 2 : 0));
  // a small integer (Smi): a Map key with no heap number behind it
  return h & 0x3fffffff;
}

/** Do two tasks belong to one class (the fields of classKey)? */
export function sameClass(a: Task, b: Task): boolean {
  if (a === b) return true;
  const ra = a.resources;
  const rb = b.resources;
  if (
    a.originCity !== b.originCity ||
    a.dataClass !== b.dataClass ||
    a.latencySlaMs !== b.latencySlaMs ||
    a.pairedOnly !== b.pairedOnly ||
    a.dataGb > 0 !== b.dataGb > 0 ||
    ra.cpuCores !== rb.cpuCores ||
    ra.memoryGb !== rb.memoryGb ||
    ra.gpus !== rb.gpus ||
    ra.hpcNodes !== rb.hpcNodes ||
    ra.storageTb !== rb.storageTb ||
    ra.gpuModel !== rb.gpuModel ||
    ra.minGpuFp16Tflops !== rb.minGpuFp16Tflops ||
    a.allowedHubs.length !== b.allowedHubs.length
  ) {
    return false;
  }
  for (let i = 0; i < a.allowedHubs.length; i++) if (a.allowedHubs[i] !== b.allowedHubs[i]) return false;
  return true;
}

export class ClassIndex {
  private readonly buckets = new Map<number, ClassPlan[]>();
  size = 0;

  get(task: Task): ClassPlan | undefined {
    const list = this.buckets.get(classHash(task));
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) if (sameClass(task, list[i]!.shape)) return list[i];
    return undefined;
  }

  add(plan: ClassPlan): void {
    const h = classHash(plan.shape);
    const list = this.buckets.get(h);
    if (list === undefined) this.buckets.set(h, [plan]);
    else list.push(plan);
    this.size++;
  }

  /** Drop the plans whose horizon starts before `fromS`. */
  dropStartingBefore(fromS: number): void {
    for (const [h, list] of this.buckets) {
      const kept = list.filter((p) => p.horizonStartS >= fromS);
      this.size -= list.length - kept.length;
      if (kept.length === 0) this.buckets.delete(h);
      else if (kept.length < list.length) this.buckets.set(h, kept);
    }
  }

  clear(): void {
    this.buckets.clear();
    this.size = 0;
  }
}

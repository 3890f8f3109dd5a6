/**
 * Per-tenant queues and weighted fair share. Each tenant's queue is kept in
 * queue order; a cycle serves tenants one task at a time, always the tenant
 * with the fewest active (placed, unfinished) tasks per unit of weight, so a
 * tenant with weight 2 holds about twice the running work of one with weight 1.
 */
import { invalid } from '../domain/errors.js';
import type { Task } from '../domain/task.js';
import type { QueueSortPlugin } from './plugins/queue-order.js';

export interface FairShareOptions {
  /** Tenant id → weight > 0 (default 1). */
  tenantWeights?: Record<string, number>;
  /** Most tasks a tenant may have placed and unfinished at once (default: no limit). */
  maxRunningPerTenant?: number;
}

export function validateFairShare(f: FairShareOptions | undefined): Required<FairShareOptions> {
  const weights = f?.tenantWeights ?? {};
  if (weights === null || typeof weights !== 'object') throw invalid('fairShare.tenantWeights', 'must be an object');
  for (const [t, w] of Object.entries(weights)) {
    if (!(typeof w === 'number' && w > 0 && Number.isFinite(w))) {
      throw invalid(`fairShare.tenantWeights.${t}`, `must be a finite number > 0, got ${w}`);
    }
  }
  const max = f?.maxRunningPerTenant ?? Number.POSITIVE_INFINITY;
  if (!(typeof max === 'number' && (max === Number.POSITIVE_INFINITY || (Number.isInteger(max) && max >= 1)))) {
    throw invalid('fairShare.maxRunningPerTenant', `must be an integer ≥ 1, got ${max}`);
  }
  return { tenantWeights: { ...weights }, maxRunningPerTenant: max };
}

export class TenantQueues {
  private readonly byTenant = new Map<string, Task[]>();
  private readonly ids = new Map<string, Task>();

  constructor(private readonly order: QueueSortPlugin) {}

  get size(): number {
    return this.ids.size;
  }

  has(taskId: string): boolean {
    return this.ids.has(taskId);
  }

  get(taskId: string): Task | undefined {
    return this.ids.get(taskId);
  }

  add(task: Task): void {
    let q = this.byTenant.get(task.tenantId);
    if (!q) {
      q = [];
      this.byTenant.set(task.tenantId, q);
    }
    // binary search for the insertion point keeps each queue sorted
    let lo = 0;
    let hi = q.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.order.compare(q[mid]!, task) <= 0) lo = mid + 1;
      else hi = mid;
    }
    q.splice(lo, 0, task);
    this.ids.set(task.id, task);
  }

  remove(taskId: string): Task | undefined {
    const t = this.ids.get(taskId);
    if (!t) return undefined;
    this.ids.delete(taskId);
    const q = this.byTenant.get(t.tenantId)!;
    const i = q.indexOf(t);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) this.byTenant.delete(t.tenantId);
    return t;
  }

  /** Drop many at once (after a cycle): one pass per touched tenant. */
  removeAll(taskIds: Iterable<string>): void {
    const touched = new Set<string>();
    for (const id of taskIds) {
      const t = this.ids.get(id);
      if (!t) continue;
      this.ids.delete(id);
      touched.add(t.tenantId);
    }
    for (const tenant of touched) {
      const q = this.byTenant.get(tenant)!.filter((t) => this.ids.has(t.id));
      if (q.length === 0) this.byTenant.delete(tenant);
      else this.byTenant.set(tenant, q);
    }
  }

  tenants(): string[] {
    return [...this.byTenant.keys()].sort();
  }

  queueOf(tenant: string): readonly Task[] {
    return this.byTenant.get(tenant) ?? [];
  }

  /** Every queued task: tenants by id, each in queue order. */
  all(): Task[] {
    return this.tenants().flatMap((t) => this.byTenant.get(t)!);
  }
}

/** A min-heap of tenants by (active / weight, tenant id): who is served next. */
export class FairShareHeap {
  private readonly items: { tenant: string; key: number }[] = [];

  push(tenant: string, key: number): void {
    const a = this.items;
    a.push({ tenant, key });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): string | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top.tenant;
  }

  private less(x: { tenant: string; key: number }, y: { tenant: string; key: number }): boolean {
    return x.key < y.key || (x.key === y.key && x.tenant < y.tenant);
  }
}

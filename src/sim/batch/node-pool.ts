/**
 * The nodes of one batch machine, allocated individually as real batch
 * systems do: a job holds specific node ids, lowest-numbered free nodes first
 * (what Slurm's linear selection does on a flat cluster).
 *
 * `stamp`/`epoch` let the scheduler mark a set of nodes (the queue head's
 * reservation) without clearing an array on every pass: node i is marked when
 * stamp[i] === epoch.
 */
export class NodePool {
  readonly size: number;
  private readonly freeFlags: Uint8Array;
  private free: number;

  constructor(size: number) {
    this.size = size;
    this.freeFlags = new Uint8Array(size).fill(1);
    this.free = size;
  }

  get freeCount(): number {
    return this.free;
  }

  isFree(id: number): boolean {
    return this.freeFlags[id] === 1;
  }

  /** The `k` lowest free nodes; the caller has checked k ≤ freeCount. */
  take(k: number): Int32Array {
    const ids = new Int32Array(k);
    const f = this.freeFlags;
    let n = 0;
    for (let i = 0; n < k && i < this.size; i++) {
      if (f[i] === 1) {
        f[i] = 0;
        ids[n++] = i;
      }
    }
    if (n < k) throw new Error(`internal: asked for ${k} nodes, ${n} available`);
    this.free -= k;
    return ids;
  }

  /** `k` free nodes, marked ones first (lowest ids), then unmarked ones. */
  takeMarkedFirst(k: number, stamp: Uint32Array, epoch: number): Int32Array {
    const ids = new Int32Array(k);
    const f = this.freeFlags;
    let n = 0;
    for (let i = 0; n < k && i < this.size; i++) {
      if (f[i] === 1 && stamp[i] === epoch) {
        f[i] = 0;
        ids[n++] = i;
      }
    }
    for (let i = 0; n < k && i < this.size; i++) {
      if (f[i] === 1) {
        f[i] = 0;
        ids[n++] = i;
      }
    }
    if (n < k) throw new Error(`internal: asked for ${k} nodes, ${n} available`);
    this.free -= k;
    return ids;
  }

  /** `k` free unmarked nodes; the caller has checked that many exist. */
  takeUnmarked(k: number, stamp: Uint32Array, epoch: number): Int32Array {
    const ids = new Int32Array(k);
    const f = this.freeFlags;
    let n = 0;
    for (let i = 0; n < k && i < this.size; i++) {
      if (f[i] === 1 && stamp[i] !== epoch) {
        f[i] = 0;
        ids[n++] = i;
      }
    }
    if (n < k) throw new Error(`internal: asked for ${k} nodes, ${n} available`);
    this.free -= k;
    return ids;
  }

  /** Marks the `k` lowest free nodes (without taking them) and returns their ids. */
  markLowestFree(k: number, stamp: Uint32Array, epoch: number): Int32Array {
    const ids = new Int32Array(k);
    const f = this.freeFlags;
    let n = 0;
    for (let i = 0; n < k && i < this.size; i++) {
      if (f[i] === 1) {
        stamp[i] = epoch;
        ids[n++] = i;
      }
    }
    if (n < k) throw new Error(`internal: asked to mark ${k} free nodes, ${n} free`);
    return ids;
  }

  release(ids: Int32Array): void {
    const f = this.freeFlags;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (f[id] === 1) throw new Error(`node ${id} released twice`);
      f[id] = 1;
    }
    this.free += ids.length;
  }
}

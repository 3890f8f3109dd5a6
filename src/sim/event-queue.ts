/**
 * The future event list: a binary min-heap ordered by (time, priority, seq).
 * `seq` is the insertion number, so events at the same time and priority
 * come out in the order they were scheduled — never in an order that depends
 * on heap layout. That is what makes a run repeatable for a seed.
 */

/** What an event does when its time comes. Handlers receive the payload they were scheduled with. */
export type EventHandler<P> = (payload: P) => void;

export interface SimEvent<P = unknown> {
  readonly timeS: number;
  /** Lower runs first among events at the same time (see `EventPriority`). */
  readonly priority: number;
  /** Insertion number: the final tie-breaker. */
  readonly seq: number;
  readonly handler: EventHandler<P>;
  readonly payload: P;
  /** Set by `Engine.cancel`; a cancelled event is skipped when it surfaces (lazy deletion). */
  cancelled: boolean;
}

/** Events that sort before `b`. Inlined comparisons would be no faster in V8; this is monomorphic. */
function before(a: SimEvent, b: SimEvent): boolean {
  if (a.timeS !== b.timeS) return a.timeS < b.timeS;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

export class EventQueue {
  private heap: SimEvent[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): SimEvent | undefined {
    return this.heap[0];
  }

  push(ev: SimEvent): void {
    const h = this.heap;
    let i = h.length;
    h.push(ev);
    // sift up: move parents down until ev's place is found
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as SimEvent;
      if (!before(ev, parent)) break;
      h[i] = parent;
      i = p;
    }
    h[i] = ev;
  }

  pop(): SimEvent | undefined {
    const h = this.heap;
    const n = h.length;
    if (n === 0) return undefined;
    const top = h[0] as SimEvent;
    const last = h.pop() as SimEvent;
    if (n > 1) {
      // sift down the last element from the root
      const m = n - 1;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= m) break;
        const r = l + 1;
        let c = l;
        let child = h[l] as SimEvent;
        if (r < m) {
          const right = h[r] as SimEvent;
          if (before(right, child)) {
            c = r;
            child = right;
          }
        }
        if (!before(child, last)) break;
        h[i] = child;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }

  clear(): void {
    this.heap = [];
  }
}

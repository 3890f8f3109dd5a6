/**
 * The discrete-event engine: a virtual clock plus a future event list.
 * Everything the simulator does — arrivals, job ends, scheduling passes, the
 * national scenario's scheduler cycles — is an event. The engine is
 * single-threaded and has no I/O, so a run depends only on its inputs and seed.
 */
import { DomainError } from '../domain/errors.js';
import { VirtualClock } from './clock.js';
import { type EventHandler, type EventId, EventQueue, MAX_PRIORITY, MIN_PRIORITY } from './event-queue.js';

/**
 * Lanes for events at the same instant (any integer in [-64, 63] works).
 * Work that must see the state after every arrival and completion at time t
 * (a scheduling pass) goes in `late`.
 */
export const EventPriority = {
  /** Completions, when they must free capacity before anything else at that instant. */
  early: -1,
  normal: 0,
  /** Decisions that must see everything else that happened at the same time. */
  late: 1,
} as const;

export interface RunOptions {
  /** Process events with time ≤ untilS, then move the clock to untilS. */
  untilS?: number;
  /** Stop after this many events (for stepping and progress reporting). */
  maxEvents?: number;
}

export class Engine {
  /** The simulated time; hand this to anything that needs a `Clock` (the scheduler). */
  readonly clock: VirtualClock;
  private readonly queue = new EventQueue();
  private stopped = false;
  /** Events executed so far (cancelled ones are not counted). */
  processed = 0;

  constructor(startS = 0) {
    this.clock = new VirtualClock(startS);
  }

  nowS(): number {
    return this.clock.nowS();
  }

  /** Events scheduled and not yet run or cancelled. */
  get pending(): number {
    return this.queue.size;
  }

  /** Schedules `handler(payload)` at absolute time `timeS` (not in the past). */
  at<P>(timeS: number, handler: EventHandler<P>, payload: P, priority: number = EventPriority.normal): EventId {
    const now = this.clock.nowS();
    if (!(timeS >= now && timeS < Number.POSITIVE_INFINITY)) {
      throw new DomainError(
        'validation',
        `timeS: event time ${timeS} is not finite or is before now (${now})`,
        'timeS',
      );
    }
    if (!Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
      throw new DomainError(
        'validation',
        `priority: must be an integer in [${MIN_PRIORITY}, ${MAX_PRIORITY}], got ${priority}`,
        'priority',
      );
    }
    return this.queue.push(timeS, priority, handler, payload);
  }

  /** Schedules `handler(payload)` `delayS` seconds from now. */
  after<P>(delayS: number, handler: EventHandler<P>, payload: P, priority: number = EventPriority.normal): EventId {
    if (!(delayS >= 0)) throw new DomainError('validation', `delayS: must be ≥ 0, got ${delayS}`, 'delayS');
    return this.at(this.clock.nowS() + delayS, handler, payload, priority);
  }

  /** Cancels a scheduled event. Returns false if it already ran or was cancelled (harmless). */
  cancel(id: EventId): boolean {
    return this.queue.cancel(id);
  }

  /** Asks `run` to return after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /** Time of the next live event, or null when none is left. */
  nextTimeS(): number | null {
    this.queue.skipCancelled();
    const t = this.queue.peekTimeS();
    return t === Number.POSITIVE_INFINITY ? null : t;
  }

  /** Runs the next event; false when there is none. */
  step(): boolean {
    const slot = this.queue.popSlot();
    if (slot < 0) return false;
    this.fire(slot);
    return true;
  }

  /** Runs events in order until none is left, `untilS` is passed, `maxEvents` ran or `stop()` was called. */
  run(opts: RunOptions = {}): number {
    const untilS = opts.untilS ?? Number.POSITIVE_INFINITY;
    const maxEvents = opts.maxEvents ?? Number.POSITIVE_INFINITY;
    if (Number.isNaN(untilS) || untilS < this.clock.nowS()) {
      throw new DomainError('validation', `untilS: ${untilS} is before now (${this.clock.nowS()})`, 'untilS');
    }
    this.stopped = false;
    const q = this.queue;
    let n = 0;
    while (n < maxEvents && !this.stopped) {
      q.skipCancelled();
      if (q.peekTimeS() > untilS) break;
      const slot = q.popSlot();
      if (slot < 0) break;
      this.fire(slot);
      n++;
    }
    if (untilS !== Number.POSITIVE_INFINITY && !this.stopped && n < maxEvents) this.clock.advanceTo(untilS);
    return n;
  }

  private fire(slot: number): void {
    const q = this.queue;
    this.clock.advanceTo(q.poppedTimeS);
    const handler = q.handlerOf(slot);
    const payload = q.payloadOf(slot);
    q.release(slot);
    this.processed++;
    handler(payload);
  }
}

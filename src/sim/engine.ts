/**
 * The discrete-event engine: a virtual clock plus a future event list.
 * Everything the simulator does — arrivals, job ends, scheduling passes, the
 * national scenario's scheduler cycles — is an event. The engine is
 * single-threaded and has no I/O, so a run depends only on its inputs and seed.
 */
import { DomainError } from '../domain/errors.js';
import { VirtualClock } from './clock.js';
import { type EventHandler, EventQueue, type SimEvent } from './event-queue.js';

/**
 * Lanes for events at the same instant. Work that should see the state after
 * every arrival and completion at time t (a scheduling pass) goes in `late`.
 */
export const EventPriority = {
  /** Job/task completions: free capacity first. */
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
  private seq = 0;
  private stopped = false;
  private live = 0;
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
    return this.live;
  }

  /** Schedules `handler(payload)` at absolute time `timeS` (not in the past). */
  at<P>(timeS: number, handler: EventHandler<P>, payload: P, priority: number = EventPriority.normal): SimEvent<P> {
    const now = this.clock.nowS();
    if (!(timeS >= now) || !Number.isFinite(timeS)) {
      throw new DomainError(
        'validation',
        `timeS: event time ${timeS} is not finite or is before now (${now})`,
        'timeS',
      );
    }
    const ev: SimEvent<P> = { timeS, priority, seq: this.seq++, handler, payload, cancelled: false };
    this.queue.push(ev as SimEvent);
    this.live++;
    return ev;
  }

  /** Schedules `handler(payload)` `delayS` seconds from now. */
  after<P>(delayS: number, handler: EventHandler<P>, payload: P, priority: number = EventPriority.normal): SimEvent<P> {
    if (!(delayS >= 0)) throw new DomainError('validation', `delayS: must be ≥ 0, got ${delayS}`, 'delayS');
    return this.at(this.clock.nowS() + delayS, handler, payload, priority);
  }

  /** Cancels a scheduled event; it is dropped when it reaches the front. Cancelling twice is harmless. */
  cancel(ev: SimEvent<never> | SimEvent): void {
    if (ev.cancelled) return;
    ev.cancelled = true;
    this.live--;
  }

  /** Asks `run` to return after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /** Time of the next live event, or null when none is left. */
  nextTimeS(): number | null {
    this.dropCancelledHead();
    const ev = this.queue.peek();
    return ev ? ev.timeS : null;
  }

  /** Runs the next event; false when there is none. */
  step(): boolean {
    this.dropCancelledHead();
    const ev = this.queue.pop();
    if (!ev) return false;
    this.fire(ev);
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
      const ev = q.peek();
      if (!ev || ev.timeS > untilS) break;
      q.pop();
      if (ev.cancelled) continue;
      this.fire(ev);
      n++;
    }
    if (untilS !== Number.POSITIVE_INFINITY && !this.stopped && n < maxEvents) this.clock.advanceTo(untilS);
    return n;
  }

  private fire(ev: SimEvent): void {
    this.clock.advanceTo(ev.timeS);
    this.live--;
    this.processed++;
    ev.handler(ev.payload);
  }

  private dropCancelledHead(): void {
    const q = this.queue;
    for (let ev = q.peek(); ev?.cancelled; ev = q.peek()) q.pop();
  }
}

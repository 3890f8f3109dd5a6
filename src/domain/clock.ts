/**
 * Time. Nothing in Suanwang reads the wall clock except a `Clock`:
 * the live platform uses `systemClock`, the simulator a virtual one, and the
 * scheduler cannot tell them apart — so both make the very same decisions.
 * All domain times are seconds since the Unix epoch (`...S`), fractional allowed.
 */
export interface Clock {
  /** Current time in seconds since the Unix epoch. */
  nowS(): number;
}

export const systemClock: Clock = { nowS: () => Date.now() / 1000 };

/** A clock that only moves when told to: the simulator's and the tests'. */
export class ManualClock implements Clock {
  constructor(private tS = 0) {}
  nowS(): number {
    return this.tS;
  }
  set(tS: number): void {
    if (tS < this.tS) throw new Error(`clock cannot go backwards: ${tS} < ${this.tS}`);
    this.tS = tS;
  }
  advance(dS: number): void {
    this.set(this.tS + dS);
  }
}

export const HOUR_S = 3600;
export const DAY_S = 86400;

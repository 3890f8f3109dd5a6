/**
 * The simulator's clock: a `Clock` whose time only the event engine moves.
 * The scheduler reads it exactly as it reads `systemClock` in the live
 * platform, so simulated and live runs make the same decisions.
 */
import type { Clock } from '../domain/clock.js';
import { DomainError } from '../domain/errors.js';

export class VirtualClock implements Clock {
  private tS: number;

  constructor(startS = 0) {
    if (!Number.isFinite(startS)) throw new DomainError('validation', `startS: not a finite time: ${startS}`, 'startS');
    this.tS = startS;
  }

  nowS(): number {
    return this.tS;
  }

  /** Moves time forward to `tS`; the engine calls this before each event. */
  advanceTo(tS: number): void {
    // Equal is fine (many events share a time); backwards would break causality.
    if (tS < this.tS) throw new DomainError('conflict', `virtual clock cannot go backwards: ${tS} < ${this.tS}`);
    this.tS = tS;
  }
}

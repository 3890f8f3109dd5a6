/**
 * A time-aware reservation book: per site, usage of every resource as a step
 * function of time, so a question about [start, end) sees work that starts
 * later (deferred tasks) as well as work still running.
 *
 * Per site the steps are rows of one typed array (see Timeline): row i starts
 * at its time and holds the usage until the next row's time; before the first
 * row nothing is used. Rows are merged when they become equal, so a site holds
 * about two rows per live reservation.
 */
import { DomainError, invalid, notFound } from '../domain/errors.js';
import type { Site } from '../domain/site.js';
import type { TaskResources } from '../domain/task.js';
import { type CapacityView, FIT_TOLERANCE, type FreeCapacity, fitsShare, type Reservation } from './capacity.js';
import { nonNegative } from './validate-task.js';

/** Resource rows: fixed dimensions first, then one per GPU pool. */
const CPU = 0;
const MEM = 1;
const HPC = 2;
const STORAGE = 3;
const GPU0 = 4;

/** How a row compares with the one before it (see likePrevious). */
const DIFFERENT = 0;
const EXACTLY = 1;
const ROUGHLY = 2;

/**
 * One site's steps in one buffer, a row after the other: row r is `S = 1 + 2D` numbers at r·S —
 * its start time, its usage of each resource (until the next row's time), and the highest usage of
 * each resource in rows r..n-1 (the suffix maxima, kept up to date at every change). With the maxima
 * a question whose interval runs past the last row, or whose first row is the highest from there on —
 * the usual case, as running work only ends — is answered without a scan. One buffer rather than
 * three arrays: a question reads its row's time, usage and maxima from neighbouring memory, and
 * moving rows is one move (+2.5% decisions/s in the scheduler benchmark).
 */
class Timeline {
  buf: Float64Array;
  n = 0;
  /** Numbers per row. */
  readonly S: number;
  /** The book's forget time this timeline was last pruned to (pruning is lazy, on next use). */
  prunedTo = Number.NEGATIVE_INFINITY;

  constructor(
    readonly dims: number,
    readonly cap: Float64Array,
  ) {
    this.S = 1 + 2 * dims;
    this.buf = new Float64Array(8 * this.S);
  }

  /** Index of the last row starting at or before t, or -1. */
  rowAt(t: number): number {
    // most questions start now, and rows before the forget time are gone: look at the first rows first
    const buf = this.buf;
    const S = this.S;
    const n = this.n;
    if (n === 0 || buf[0]! > t) return -1;
    if (n === 1 || buf[S]! > t) return 0;
    if (n === 2 || buf[2 * S]! > t) return 1;
    let lo = 2;
    let hi = n - 1;
    let ans = 2;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (buf[mid * S]! <= t) {
        ans = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ans;
  }

  private grow(): void {
    const buf = new Float64Array(this.buf.length * 2);
    buf.set(this.buf);
    this.buf = buf;
  }

  /** Make sure a row starts exactly at t; returns its index. */
  private split(t: number): number {
    const at = this.rowAt(t);
    const S = this.S;
    if (at >= 0 && this.buf[at * S] === t) return at;
    if ((this.n + 1) * S > this.buf.length) this.grow();
    const buf = this.buf;
    const D = this.dims;
    const ins = at + 1;
    buf.copyWithin((ins + 1) * S, ins * S, this.n * S);
    buf[ins * S] = t;
    // a copy of row `at` has its usage and its suffix maxima; a zero row before everything has the
    // maxima of the row after it
    if (at >= 0) buf.copyWithin(ins * S + 1, at * S + 1, at * S + S);
    else {
      buf.fill(0, 1, 1 + D);
      if (this.n > 0) buf.copyWithin(1 + D, S + 1 + D, 2 * S);
      else buf.fill(0, 1 + D, S);
    }
    this.n++;
    return ins;
  }

  /** Does row i hold the usage of the row before it: DIFFERENT, EXACTLY, or within rounding noise (ROUGHLY)? */
  private likePrevious(i: number): number {
    const D = this.dims;
    const S = this.S;
    const buf = this.buf;
    let how = EXACTLY;
    for (let d = 0; d < D; d++) {
      const prev = i > 0 ? buf[(i - 1) * S + 1 + d]! : 0;
      const v = buf[i * S + 1 + d]!;
      if (v === prev) continue;
      if (Math.abs(v - prev) > FIT_TOLERANCE) return DIFFERENT;
      how = ROUGHLY;
    }
    return how;
  }

  /** Drop row i; the suffix maxima of rows after it stay valid (those before are the caller's to redo). */
  private remove(i: number): void {
    const S = this.S;
    this.buf.copyWithin(i * S, (i + 1) * S, this.n * S);
    this.n--;
  }

  /** Add (sign 1) or take away (sign -1) `amounts` over [s, e) (sparse: dims[k] gets amounts[k], k < nd). */
  add(s: number, e: number, dims: Int32Array, amounts: Float64Array, nd: number, sign: number): void {
    const i = this.split(s);
    const j = this.split(e);
    const S = this.S;
    const buf = this.buf;
    if (sign > 0) this.raise(i, j, dims, amounts, nd);
    else {
      for (let r = i; r < j; r++) {
        const base = r * S + 1;
        for (let k = 0; k < nd; k++) {
          const at = base + dims[k]!;
          const v = buf[at]! - amounts[k]!;
          // releases may leave -1e-15 behind; usage is never negative
          buf[at] = v < 0 && v > -FIT_TOLERANCE ? 0 : v;
        }
      }
    }
    // merge the boundaries that became redundant (the later one first: indices shift)
    let end = j;
    // dropping a row exactly like the one before it leaves every suffix maximum as it was
    let roughMerge = false;
    const atJ = this.likePrevious(j);
    if (atJ !== DIFFERENT) {
      this.remove(j);
      roughMerge = atJ === ROUGHLY;
    }
    const atI = this.likePrevious(i);
    if (atI !== DIFFERENT) {
      this.remove(i);
      end--;
      roughMerge ||= atI === ROUGHLY;
    }
    // rows from `end` on are unchanged, and so are their suffix maxima: a release redoes the ones before in
    // the resources it touched (a booking did in `raise`), and a rough merge, which may move some other
    // resource's maxima a little, redoes them all
    const stop = Math.min(end, this.n);
    if (sign < 0 || roughMerge) this.suffixBefore(stop, i, roughMerge ? 0 : nd, dims);
  }

  /**
   * A booking over rows [i, j) (both ends split, every suffix maximum still valid): add its usage and
   * redo the suffix maxima of the resources it uses in the same pass, from row j's (unchanged) back to
   * row i. Usage only rose, so an earlier row's maximum becomes the larger of its old one and row i's new
   * one: the pass goes on, lifting them, until a row is already that high (maxima never fall going back).
   * Merging an exact copy afterwards leaves every maximum as it is (the property tests hold the answers
   * to a naive model); one pass over the rows instead of two.
   */
  private raise(i: number, j: number, dims: Int32Array, amounts: Float64Array, nd: number): void {
    const D = this.dims;
    const S = this.S;
    const buf = this.buf;
    const n = this.n;
    for (let k = 0; k < nd; k++) {
      const use = 1 + dims[k]!;
      const suf = use + D;
      const a = amounts[k]!;
      let high = j < n ? buf[j * S + suf]! : 0;
      for (let r = j - 1; r >= i; r--) {
        const v = buf[r * S + use]! + a;
        buf[r * S + use] = v;
        if (v > high) high = v;
        buf[r * S + suf] = high;
      }
      for (let r = i - 1; r >= 0 && buf[r * S + suf]! < high; r--) buf[r * S + suf] = high;
    }
  }

  /**
   * Recompute the suffix maxima of rows end-1 down to 0, from their usage and row `end`'s maxima, in
   * the first `count` resources of `only` (count 0: all). Rows below `unchangedBelow` kept their usage:
   * once one of them keeps its suffix maxima, so do all before it (exact stop).
   */
  private suffixBefore(end: number, unchangedBelow: number, count: number, only: Int32Array): void {
    const D = this.dims;
    const S = this.S;
    const buf = this.buf;
    const n = this.n;
    const all = count === 0;
    const nd = all ? D : count;
    for (let r = end - 1; r >= 0; r--) {
      let changed = false;
      const use = r * S + 1;
      const suf = use + D;
      for (let k = 0; k < nd; k++) {
        const d = all ? k : only[k]!;
        const v = buf[use + d]!;
        const after = r + 1 < n ? buf[suf + S + d]! : 0;
        const m = Math.max(v, after);
        if (buf[suf + d] !== m) {
          buf[suf + d] = m;
          changed = true;
        }
      }
      if (!changed && r < unchangedBelow) return;
    }
  }

  /**
   * Highest usage over [s, e) of each of the first nd resources of `dims`, into out[k], given
   * first = rowAt(s).
   */
  peaks(first: number, e: number, dims: Int32Array, nd: number, out: Float64Array): void {
    const n = this.n;
    const buf = this.buf;
    const S = this.S;
    if (n === 0 || (first < 0 && buf[0]! >= e)) {
      for (let k = 0; k < nd; k++) out[k] = 0;
      return;
    }
    const D = this.dims;
    const from = Math.max(first, 0) * S + 1;
    const pastEnd = e > buf[(n - 1) * S]!;
    // the first row starting at or after e (found when a resource needs it)
    let last = -1;
    for (let k = 0; k < nd; k++) {
      const d = dims[k]!;
      const rest = buf[from + D + d]!;
      let best = first >= 0 ? buf[from + d]! : 0;
      if (pastEnd || (first >= 0 && rest === best)) {
        out[k] = rest;
        continue;
      }
      if (last < 0) {
        let lo = first + 1;
        let hi = n - 1; // row n-1 starts at or after e: not past the end
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (buf[mid * S]! < e) lo = mid + 1;
          else hi = mid;
        }
        last = lo;
      }
      // the highest from `first` on is reached before e when it beats everything from e on
      if (buf[last * S + 1 + D + d]! < rest) {
        out[k] = rest;
        continue;
      }
      // one tight loop per resource: quicker than one loop over rows testing each resource
      for (let r = first + 1; r < last; r++) {
        const v = buf[r * S + 1 + d]!;
        if (v > best) best = v;
      }
      out[k] = best;
    }
  }

  /** Highest usage of resource d from time t on, given first = rowAt(t) (n > 0). */
  peakFrom(first: number, d: number): number {
    return this.buf[Math.max(first, 0) * this.S + 1 + this.dims + d]!;
  }

  /** Drop rows that ended before t (the row covering t stays). */
  forgetBefore(t: number): void {
    // the usual case, no row ended yet: no search
    if (this.n < 2 || this.buf[this.S]! > t) return;
    const at = this.rowAt(t);
    if (at <= 0) return;
    const S = this.S;
    // a suffix maximum does not look back: the kept rows keep theirs
    this.buf.copyWithin(0, at * S, this.n * S);
    this.n -= at;
  }
}

/** A task's share of one resource with `used` already in use: Infinity when the site has none of it. */
function shareOf(used: number, amount: number, capacity: number): number {
  return capacity <= 0 ? Number.POSITIVE_INFINITY : (used + amount) / capacity;
}

/** Below this many reservations the book does not sweep ended ones at all. */
const SWEEP_MIN = 1024;

function validNeed(need: TaskResources): void {
  // one named read per field: a loop over the names made each read a keyed lookup, on every booking
  nonNegative(need.cpuCores, 'resources.cpuCores');
  nonNegative(need.memoryGb, 'resources.memoryGb');
  nonNegative(need.gpus, 'resources.gpus');
  nonNegative(need.hpcNodes, 'resources.hpcNodes');
  nonNegative(need.storageTb, 'resources.storageTb');
}

export class ReservationBook implements CapacityView {
  private readonly index = new Map<string, number>();
  private readonly lines: Timeline[];
  private readonly held = new Map<string, Reservation>();
  private sweptAtS = Number.NEGATIVE_INFINITY;
  private keptAtSweep = SWEEP_MIN / 2;
  /** History before this time is dropped, site by site, when a site is next used. */
  private forgetS = Number.NEGATIVE_INFINITY;
  // scratch arrays for the sparse row updates (no allocation per reservation)
  private readonly dimScratch = new Int32Array(5);
  private readonly amtScratch = new Float64Array(5);
  private readonly peakScratch = new Float64Array(5);
  /**
   * Per site, the last load answer's row as one dense record of `loadStride` numbers: the row's start
   * time, the next row's start time, and the suffix maxima of the row's resources (the highest usage
   * from any time in the row on). A decision reads ~16 sites' loads, mostly from now on: a question
   * inside the remembered row is answered from this record and the dense capacities, without reaching
   * the site's timeline (its object, buffer and capacity array). Any change to a site's timeline clears
   * its record; forgetting the past changes neither a suffix maximum nor a kept row.
   */
  private readonly loadRows: Float64Array;
  private readonly loadStride: number;
  /** Capacity of each resource, dense: caps[site·capStride + d] (0 past a site's own resources). */
  private readonly caps: Float64Array;
  private readonly capStride: number;

  constructor(readonly sites: readonly Site[]) {
    this.lines = sites.map((s, i) => {
      if (this.index.has(s.id)) throw invalid(`sites[${i}].id`, `duplicate site id '${s.id}'`);
      this.index.set(s.id, i);
      const c = s.capacity;
      const cap = new Float64Array(GPU0 + c.gpus.length);
      cap[CPU] = c.cpuCores;
      cap[MEM] = c.memoryGb;
      cap[HPC] = c.hpcNodes;
      cap[STORAGE] = c.storageTb;
      c.gpus.forEach((g, k) => {
        cap[GPU0 + k] = g.count;
      });
      return new Timeline(cap.length, cap);
    });
    this.capStride = this.lines.reduce((m, l) => Math.max(m, l.dims), GPU0);
    this.loadStride = 2 + this.capStride;
    this.caps = new Float64Array(this.lines.length * this.capStride);
    for (let i = 0; i < this.lines.length; i++) this.caps.set(this.lines[i]!.cap, i * this.capStride);
    // every record starts cleared (a start time of +∞ holds no question)
    this.loadRows = new Float64Array(this.lines.length * this.loadStride).fill(Number.POSITIVE_INFINITY);
  }

  /** A site's timeline changed: its remembered load row no longer holds. */
  private changed(site: number): void {
    this.loadRows[site * this.loadStride] = Number.POSITIVE_INFINITY;
  }

  siteIndex(siteId: string): number {
    return this.index.get(siteId) ?? -1;
  }

  private line(site: number): Timeline {
    const l = this.lines[site];
    if (!l) throw notFound('site index', String(site));
    if (l.prunedTo < this.forgetS) {
      l.forgetBefore(this.forgetS);
      l.prunedTo = this.forgetS;
    }
    return l;
  }

  /** Sparse (dimension, amount) pairs of a need into the scratch arrays: their count, or -1 when the GPU pool is invalid. */
  private sparse(l: Timeline, need: TaskResources, gpuPool: number): number {
    const dims = this.dimScratch;
    const amts = this.amtScratch;
    let n = 0;
    if (need.cpuCores > 0) {
      dims[n] = CPU;
      amts[n++] = need.cpuCores;
    }
    if (need.memoryGb > 0) {
      dims[n] = MEM;
      amts[n++] = need.memoryGb;
    }
    if (need.hpcNodes > 0) {
      dims[n] = HPC;
      amts[n++] = need.hpcNodes;
    }
    if (need.storageTb > 0) {
      dims[n] = STORAGE;
      amts[n++] = need.storageTb;
    }
    if (need.gpus > 0) {
      if (gpuPool < 0 || GPU0 + gpuPool >= l.dims) return -1;
      dims[n] = GPU0 + gpuPool;
      amts[n++] = need.gpus;
    }
    return n;
  }

  peakShare(site: number, need: TaskResources, gpuPool: number, startS: number, endS: number): number {
    const l = this.line(site);
    const D = l.dims;
    const cap = l.cap;
    const nc = need.cpuCores;
    const nm = need.memoryGb;
    const nh = need.hpcNodes;
    const ns = need.storageTb;
    const ng = need.gpus;
    const gd = GPU0 + gpuPool;
    if (ng > 0 && (gpuPool < 0 || gd >= D)) return Number.POSITIVE_INFINITY;
    if ((nc > 0 && cap[CPU]! <= 0) || (nm > 0 && cap[MEM]! <= 0) || (nh > 0 && cap[HPC]! <= 0)) {
      return Number.POSITIVE_INFINITY;
    }
    if ((ns > 0 && cap[STORAGE]! <= 0) || (ng > 0 && cap[gd]! <= 0)) return Number.POSITIVE_INFINITY;
    // nothing booked: the task's own share (most sites, most of the time, in a large network)
    if (l.n === 0) {
      let share = 0;
      if (nc > 0) share = Math.max(share, nc / cap[CPU]!);
      if (nm > 0) share = Math.max(share, nm / cap[MEM]!);
      if (nh > 0) share = Math.max(share, nh / cap[HPC]!);
      if (ns > 0) share = Math.max(share, ns / cap[STORAGE]!);
      if (ng > 0) share = Math.max(share, ng / cap[gd]!);
      return share;
    }
    const nd = this.sparse(l, need, gpuPool);
    const dims = this.dimScratch;
    const peaks = this.peakScratch;
    l.peaks(l.rowAt(startS), endS, dims, nd, peaks);
    const amts = this.amtScratch;
    let share = 0;
    for (let k = 0; k < nd; k++) {
      const v = (peaks[k]! + amts[k]!) / cap[dims[k]!]!;
      if (v > share) share = v;
    }
    return share;
  }

  loadShare(site: number, need: TaskResources, gpuPool: number, fromS: number): number {
    const rows = this.loadRows;
    const o = site * this.loadStride;
    // not in the remembered row (or none is): remember the row covering fromS
    if (!(fromS >= rows[o]! && fromS < rows[o + 1]!)) this.rememberRow(site, fromS);
    const caps = this.caps;
    const c = site * this.capStride;
    const m = o + 2;
    // (highest usage from fromS on + need) / capacity, the quotient peakShare forms, resource by resource
    let share = 0;
    if (need.cpuCores > 0) share = Math.max(share, shareOf(rows[m + CPU]!, need.cpuCores, caps[c + CPU]!));
    if (need.memoryGb > 0) share = Math.max(share, shareOf(rows[m + MEM]!, need.memoryGb, caps[c + MEM]!));
    if (need.hpcNodes > 0) share = Math.max(share, shareOf(rows[m + HPC]!, need.hpcNodes, caps[c + HPC]!));
    if (need.storageTb > 0) share = Math.max(share, shareOf(rows[m + STORAGE]!, need.storageTb, caps[c + STORAGE]!));
    if (need.gpus > 0) {
      const d = GPU0 + gpuPool;
      // a pool the site does not have has capacity 0 here (caps are zero past a site's own resources)
      if (gpuPool < 0 || d >= this.capStride) return Number.POSITIVE_INFINITY;
      share = Math.max(share, shareOf(rows[m + d]!, need.gpus, caps[c + d]!));
    }
    return share;
  }

  /** Fill a site's load record from the row of its timeline covering t. */
  private rememberRow(site: number, t: number): void {
    const l = this.line(site);
    const rows = this.loadRows;
    const o = site * this.loadStride;
    const D = l.dims;
    if (l.n === 0) {
      rows[o] = Number.NEGATIVE_INFINITY;
      rows[o + 1] = Number.POSITIVE_INFINITY;
      rows.fill(0, o + 2, o + 2 + D);
      return;
    }
    const first = l.rowAt(t);
    const S = l.S;
    rows[o] = first < 0 ? Number.NEGATIVE_INFINITY : l.buf[first * S]!;
    rows[o + 1] = first + 1 < l.n ? l.buf[(first + 1) * S]! : Number.POSITIVE_INFINITY;
    for (let d = 0; d < D; d++) rows[o + 2 + d] = l.peakFrom(first, d);
  }

  fits(site: number, need: TaskResources, gpuPool: number, startS: number, endS: number): boolean {
    // one criterion for every caller: the share the load-balance score sees
    return fitsShare(this.peakShare(site, need, gpuPool, startS, endS));
  }

  reserve(
    taskId: string,
    site: number,
    need: TaskResources,
    gpuPool: number,
    startS: number,
    endS: number,
  ): Reservation {
    if (this.held.has(taskId)) throw new DomainError('conflict', `task '${taskId}' already holds a reservation`);
    if (!(Number.isFinite(startS) && Number.isFinite(endS) && endS > startS)) {
      throw invalid('endS', `reservation needs finite startS < endS, got [${startS}, ${endS})`);
    }
    validNeed(need);
    const l = this.line(site);
    if (need.gpus > 0 && !(gpuPool >= 0 && GPU0 + gpuPool < l.dims)) {
      throw invalid('gpuPool', `site '${this.sites[site]!.id}' has no GPU pool ${gpuPool}`);
    }
    if (!this.fits(site, need, gpuPool, startS, endS)) {
      throw new DomainError(
        'conflict',
        `task '${taskId}' does not fit site '${this.sites[site]!.id}' over [${startS}, ${endS})`,
      );
    }
    const nd = this.sparse(l, need, gpuPool);
    l.add(startS, endS, this.dimScratch, this.amtScratch, nd, 1);
    this.changed(site);
    const r: Reservation = {
      taskId,
      siteId: this.sites[site]!.id,
      siteIndex: site,
      gpuPool: need.gpus > 0 ? gpuPool : -1,
      startS,
      endS,
      resources: need,
    };
    this.held.set(taskId, r);
    return r;
  }

  release(taskId: string, atS?: number): Reservation | undefined {
    const r = this.held.get(taskId);
    if (!r) return undefined;
    this.held.delete(taskId);
    // the forgotten past is gone: nothing to give back before it
    const from = Math.max(atS === undefined ? r.startS : Math.max(atS, r.startS), this.forgetS);
    if (from < r.endS) {
      const l = this.line(r.siteIndex);
      const nd = this.sparse(l, r.resources, r.gpuPool);
      l.add(from, r.endS, this.dimScratch, this.amtScratch, nd, -1);
      this.changed(r.siteIndex);
    }
    return r;
  }

  extend(taskId: string, endS: number): Reservation | undefined {
    const r = this.held.get(taskId);
    if (!r) return undefined;
    if (!Number.isFinite(endS)) throw invalid('endS', `must be a finite time, got ${endS}`);
    if (endS <= r.endS) return r;
    // the forgotten past stays forgotten
    const from = Math.max(r.endS, this.forgetS);
    if (from < endS) {
      const l = this.line(r.siteIndex);
      const nd = this.sparse(l, r.resources, r.gpuPool);
      l.add(from, endS, this.dimScratch, this.amtScratch, nd, 1);
      this.changed(r.siteIndex);
    }
    r.endS = endS;
    return r;
  }

  reservation(taskId: string): Reservation | undefined {
    return this.held.get(taskId);
  }

  /** Every live reservation (optionally of one site), by start time then task id. */
  reservations(siteId?: string): Reservation[] {
    const out = [...this.held.values()].filter((r) => siteId === undefined || r.siteId === siteId);
    return out.sort((a, b) => a.startS - b.startS || (a.taskId < b.taskId ? -1 : a.taskId > b.taskId ? 1 : 0));
  }

  freeOver(site: number, startS: number, endS: number): FreeCapacity {
    const l = this.line(site);
    const dims = Int32Array.from({ length: l.dims }, (_, d) => d);
    const peaks = new Float64Array(l.dims);
    l.peaks(l.rowAt(startS), endS, dims, l.dims, peaks);
    const free = (d: number) => Math.max(0, l.cap[d]! - peaks[d]!);
    const gpus: number[] = [];
    for (let d = GPU0; d < l.dims; d++) gpus.push(free(d));
    return { cpuCores: free(CPU), memoryGb: free(MEM), hpcNodes: free(HPC), storageTb: free(STORAGE), gpus };
  }

  forgetBefore(tS: number): void {
    if (tS > this.forgetS) this.forgetS = tS;
    // reservations that ended can no longer matter; sweep them at most once per simulated hour, and only
    // once the book has doubled since the last sweep (each sweep then pays for itself: O(1) per booking)
    if (tS - this.sweptAtS < 3600 || this.held.size < 2 * this.keptAtSweep) return;
    this.sweptAtS = tS;
    for (const [id, r] of this.held) if (r.endS <= tS) this.held.delete(id);
    this.keptAtSweep = Math.max(SWEEP_MIN, this.held.size);
  }

  /** Steps stored for a site (for tests and diagnostics). */
  stepCount(siteId: string): number {
    const i = this.siteIndex(siteId);
    return i < 0 ? 0 : this.line(i).n;
  }
}

/**
 * National metrics of one policy's run (definitions in src/sim/METRICS.md,
 * "National scenario"). Every figure is computed here from what was placed —
 * the site's PUE, GPU power, prices and hourly grid curves — not read back
 * from the scheduler's scores, so the comparison judges the policies by the
 * same yardstick whatever each one optimised.
 */
import { DEFAULT_GPU_POWER_W, facilityEnergyKwh, itPowerKw } from '../../domain/energy.js';
import { roundFen } from '../../domain/money.js';
import type { Site } from '../../domain/site.js';
import type { Task, WorkKind } from '../../domain/task.js';
import { computeRateFenPerHour } from '../../scheduler/plugins/price.js';
import type { GridIntegrals } from './grid-integrals.js';

export const WORK_KINDS: readonly WorkKind[] = [
  'training',
  'inference',
  'rendering',
  'data-processing',
  'backup',
  'hpc',
];

export interface KindWait {
  tasks: number;
  avgWaitS: number;
  p95WaitS: number;
}

export interface NationalSummary {
  policy: string;
  /** Tasks that arrived. */
  tasks: number;
  placed: number;
  /** Tasks that left the queue unplaced (rejected, deadline out of reach, interactive wait limit). */
  dropped: number;
  /** No site could ever take the task (its rules exclude every site). */
  rejected: number;
  /** Deadline work that could not finish in time (dropped, or placed to end late). */
  missedDeadlines: number;
  /** Interactive work served above its RTT SLA, or not started within the wait limit. */
  slaViolations: number;
  /** Facility energy (IT × PUE) of all placed work, kWh. */
  energyKwh: number;
  carbonG: number;
  /** Green kWh / all kWh. */
  greenShare: number;
  costFen: number;
  /** Mean round trip from origin to site over placed tasks, ms. */
  avgRttMs: number;
  /** Same, over tasks with a latency SLA. */
  avgInteractiveRttMs: number;
  /** Of the IT energy of work from eastern cities, the share run at western sites. */
  eastWestShare: number;
  /** Of the tasks from eastern cities, the share placed at western sites. */
  eastWestTaskShare: number;
  /** Input data of tasks placed outside their origin city, GB. */
  dataMovedGb: number;
  avgWaitS: number;
  p50WaitS: number;
  p95WaitS: number;
  maxWaitS: number;
  /** Tasks the scheduler chose to start later than it could (a greener or cheaper hour). */
  deferredTasks: number;
  waitByKind: Record<string, KindWait>;
  /** Most tasks waiting for a placement after any cycle. */
  peakQueue: number;
  /** Mean share of the network's GPUs reserved, over the arrivals window. */
  avgGpuUtilisation: number;
}

export interface NationalSeries {
  startS: number;
  stepS: number;
  /** Tasks waiting for a placement, mean and max over the cycles of each step. */
  queueAvg: number[];
  queueMax: number[];
  /** Tasks placed and deferred to a later start (greener or cheaper hours), mean over each step. */
  deferredAvg: number[];
  /** Share of GPUs reserved (whole network, eastern sites, western sites) and of CPU cores. */
  gpuUtil: number[];
  gpuUtilEast: number[];
  gpuUtilWest: number[];
  cpuUtil: number[];
  /** Emissions rate, kg CO2 per hour. */
  carbonKgPerH: number[];
}

/** Work from one origin group to one destination group (hub ids, or other-east / other-west). */
export interface Flow {
  from: string;
  to: string;
  tasks: number;
  itKwh: number;
  dataGb: number;
}

export type DropReason = 'deadline' | 'sla' | 'rejected';

/** A growable Float64Array. */
class Series {
  data = new Float64Array(256);
  length = 0;
  at(i: number): number {
    return i < this.length ? this.data[i]! : 0;
  }
  add(i: number, v: number): void {
    if (i >= this.data.length) {
      let n = this.data.length;
      while (n <= i) n *= 2;
      const d = new Float64Array(n);
      d.set(this.data);
      this.data = d;
    }
    this.data[i] = this.data[i]! + v;
    if (i >= this.length) this.length = i + 1;
  }
  max(i: number, v: number): void {
    this.add(i, 0);
    if (v > this.data[i]!) this.data[i] = v;
  }
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface MetricsContext {
  policy: string;
  sites: readonly Site[];
  /** Side of each demand city (and any origin). */
  originSide: ReadonlyMap<string, 'east' | 'west'>;
  /** Flow group of an origin city, and of a site (by index). */
  originGroup: ReadonlyMap<string, string>;
  siteGroup: readonly string[];
  /** Round trip from an origin to every site (by site index), ms. */
  rttFrom(origin: string): Float64Array;
  grid: GridIntegrals;
  startS: number;
  arrivalsEndS: number;
  sampleS: number;
}

export class NationalMetrics {
  private tasks = 0;
  private placedCount = 0;
  private rejected = 0;
  private droppedCount = 0;
  private missed = 0;
  private slaViolations = 0;
  private energyKwh = 0;
  private greenKwh = 0;
  private carbonG = 0;
  private costFen = 0;
  private rttSum = 0;
  private rttSlaSum = 0;
  private slaPlaced = 0;
  private eastItKwh = 0;
  private eastWestItKwh = 0;
  private eastTasks = 0;
  private eastWestTasks = 0;
  private dataMovedGb = 0;
  private deferred = 0;
  private peakQueue = 0;
  private waits = new Float64Array(1024);
  private waitKinds = new Uint8Array(1024);
  private readonly kindIndex = new Map<string, number>(WORK_KINDS.map((k, i) => [k, i]));
  private readonly flows = new Map<string, Flow>();
  /** Per origin city, what every placement from it needs (one lookup instead of four). */
  private readonly origins = new Map<string, { east: boolean; rtt: Float64Array; flows: (Flow | undefined)[] }>();
  private readonly gpusTotal: number;
  private readonly gpusEast: number;
  private readonly gpusWest: number;
  private readonly coresTotal: number;
  private readonly gpuS = new Series();
  private readonly gpuEastS = new Series();
  private readonly gpuWestS = new Series();
  private readonly cpuS = new Series();
  private readonly carbonS = new Series();
  private readonly queueSum = new Series();
  private readonly queueN = new Series();
  private readonly queueMax = new Series();
  private readonly pendingS = new Series();

  constructor(private readonly ctx: MetricsContext) {
    let east = 0;
    let west = 0;
    let cores = 0;
    for (const s of ctx.sites) {
      const g = s.capacity.gpus.reduce((n, p) => n + p.count, 0);
      if (s.side === 'east') east += g;
      else west += g;
      cores += s.capacity.cpuCores;
    }
    this.gpusEast = east;
    this.gpusWest = west;
    this.gpusTotal = east + west;
    this.coresTotal = cores;
  }

  submitted(): void {
    this.tasks++;
  }

  /** A task was placed at site (index) and GPU pool, to run over [startS, endS), decided at decidedS. */
  placed(task: Task, site: number, gpuPool: number, startS: number, endS: number, decidedS: number): void {
    const ctx = this.ctx;
    const s = ctx.sites[site]!;
    const r = task.resources;
    const runS = endS - startS;
    const gpuW = gpuPool >= 0 ? s.capacity.gpus[gpuPool]!.powerW : DEFAULT_GPU_POWER_W;
    const itKw = itPowerKw(r, gpuW);
    const itKwh = (itKw * runS) / 3600;
    const kwh = facilityEnergyKwh(itKw, s.pue, runS);
    this.placedCount++;
    this.energyKwh += kwh;
    this.greenKwh += kwh * ctx.grid.meanGreenShare(site, startS, endS);
    this.carbonG += kwh * ctx.grid.meanCarbonGPerKwh(site, startS, endS);
    this.costFen += roundFen(computeRateFenPerHour(r, s) * (runS / 3600) + task.dataGb * s.prices.priceFenPerGbMoved);
    const origin = this.originOf(task.originCity);
    const rtt = origin.rtt[site]!;
    if (task.latencySlaMs !== null) {
      this.slaPlaced++;
      this.rttSlaSum += rtt;
      if (rtt > task.latencySlaMs) this.slaViolations++;
    }
    this.rttSum += rtt;
    if (task.deadlineS !== null && endS > task.deadlineS) this.missed++;
    if (origin.east) {
      this.eastItKwh += itKwh;
      this.eastTasks++;
      if (s.side === 'west') {
        this.eastWestItKwh += itKwh;
        this.eastWestTasks++;
      }
    }
    if (s.city !== task.originCity) this.dataMovedGb += task.dataGb;
    if (startS > decidedS) {
      this.deferred++;
      this.spread(this.pendingS, decidedS, startS, 1);
    }
    this.recordWait(task, startS - task.submittedAtS);

    let f = origin.flows[site];
    if (!f) {
      // sites of one group share the flow from this origin
      const from = ctx.originGroup.get(task.originCity) ?? 'other-east';
      const to = ctx.siteGroup[site]!;
      const key = `${from}>${to}`;
      f = this.flows.get(key);
      if (!f) {
        f = { from, to, tasks: 0, itKwh: 0, dataGb: 0 };
        this.flows.set(key, f);
      }
      origin.flows[site] = f;
    }
    f.tasks++;
    f.itKwh += itKwh;
    f.dataGb += task.dataGb;

    // spread the run over the time-series steps it overlaps
    const step = ctx.sampleS;
    const gpuSide = s.side === 'east' ? this.gpuEastS : this.gpuWestS;
    const facilityKw = itKw * s.pue;
    for (let b = Math.floor((startS - ctx.startS) / step); ; b++) {
      const b0 = ctx.startS + b * step;
      if (b0 >= endS) break;
      const lo = Math.max(startS, b0);
      const hi = Math.min(endS, b0 + step);
      const dt = hi - lo;
      if (dt <= 0) continue;
      if (r.gpus > 0) {
        this.gpuS.add(b, r.gpus * dt);
        gpuSide.add(b, r.gpus * dt);
      }
      if (r.cpuCores > 0) this.cpuS.add(b, r.cpuCores * dt);
      this.carbonS.add(b, (facilityKw * dt * ctx.grid.meanCarbonGPerKwh(site, lo, hi)) / 3600);
    }
  }

  private originOf(city: string) {
    let o = this.origins.get(city);
    if (!o) {
      o = { east: this.ctx.originSide.get(city) === 'east', rtt: this.ctx.rttFrom(city), flows: [] };
      this.origins.set(city, o);
    }
    return o;
  }

  /** Adds `perS` × the seconds of [fromS, toS) that fall in each step. */
  private spread(series: Series, fromS: number, toS: number, perS: number): void {
    const step = this.ctx.sampleS;
    const t0 = this.ctx.startS;
    for (let b = Math.floor((fromS - t0) / step); ; b++) {
      const b0 = t0 + b * step;
      if (b0 >= toS) break;
      const dt = Math.min(toS, b0 + step) - Math.max(fromS, b0);
      if (dt > 0) series.add(b, perS * dt);
    }
  }

  /** A task left the queue unplaced. */
  dropped(reason: DropReason): void {
    this.droppedCount++;
    if (reason === 'rejected') this.rejected++;
    else if (reason === 'deadline') this.missed++;
    else this.slaViolations++;
  }

  /** Tasks still waiting for a placement after a cycle at atS. */
  queueAfterCycle(atS: number, waiting: number): void {
    const b = Math.floor((atS - this.ctx.startS) / this.ctx.sampleS);
    this.queueSum.add(b, waiting);
    this.queueN.add(b, 1);
    this.queueMax.max(b, waiting);
    if (waiting > this.peakQueue) this.peakQueue = waiting;
  }

  private recordWait(task: Task, waitS: number): void {
    const n = this.placedCount - 1;
    if (n >= this.waits.length) {
      const w = new Float64Array(this.waits.length * 2);
      w.set(this.waits);
      this.waits = w;
      const k = new Uint8Array(this.waitKinds.length * 2);
      k.set(this.waitKinds);
      this.waitKinds = k;
    }
    this.waits[n] = waitS;
    this.waitKinds[n] = this.kindIndex.get(task.kind) ?? 0;
  }

  summary(): NationalSummary {
    const n = this.placedCount;
    const waits = this.waits.slice(0, n);
    let sum = 0;
    let max = 0;
    const byKind: number[][] = WORK_KINDS.map(() => []);
    for (let i = 0; i < n; i++) {
      const w = waits[i]!;
      sum += w;
      if (w > max) max = w;
      byKind[this.waitKinds[i]!]!.push(w);
    }
    const waitByKind: Record<string, KindWait> = {};
    WORK_KINDS.forEach((k, i) => {
      const ws = Float64Array.from(byKind[i]!).sort();
      if (ws.length === 0) return;
      waitByKind[k] = {
        tasks: ws.length,
        avgWaitS: ws.reduce((a, b) => a + b, 0) / ws.length,
        p95WaitS: percentile(ws, 95),
      };
    });
    waits.sort();
    // utilisation over the arrivals window: the steady part of the run, not the drain
    const ctx = this.ctx;
    const steps = Math.max(1, Math.ceil((ctx.arrivalsEndS - ctx.startS) / ctx.sampleS));
    let gpuSeconds = 0;
    for (let b = 0; b < steps; b++) gpuSeconds += this.gpuS.at(b);
    return {
      policy: ctx.policy,
      tasks: this.tasks,
      placed: n,
      dropped: this.droppedCount,
      rejected: this.rejected,
      missedDeadlines: this.missed,
      slaViolations: this.slaViolations,
      energyKwh: this.energyKwh,
      carbonG: this.carbonG,
      greenShare: this.energyKwh > 0 ? this.greenKwh / this.energyKwh : 0,
      costFen: this.costFen,
      avgRttMs: n > 0 ? this.rttSum / n : 0,
      avgInteractiveRttMs: this.slaPlaced > 0 ? this.rttSlaSum / this.slaPlaced : 0,
      eastWestShare: this.eastItKwh > 0 ? this.eastWestItKwh / this.eastItKwh : 0,
      eastWestTaskShare: this.eastTasks > 0 ? this.eastWestTasks / this.eastTasks : 0,
      dataMovedGb: this.dataMovedGb,
      avgWaitS: n > 0 ? sum / n : 0,
      p50WaitS: percentile(waits, 50),
      p95WaitS: percentile(waits, 95),
      maxWaitS: max,
      deferredTasks: this.deferred,
      waitByKind,
      peakQueue: this.peakQueue,
      avgGpuUtilisation: this.gpusTotal > 0 ? gpuSeconds / (this.gpusTotal * steps * ctx.sampleS) : 0,
    };
  }

  series(): NationalSeries {
    const step = this.ctx.sampleS;
    const n = Math.max(
      this.gpuS.length,
      this.cpuS.length,
      this.queueN.length,
      this.carbonS.length,
      this.pendingS.length,
    );
    const share = (s: Series, total: number) =>
      Array.from({ length: n }, (_, b) => (total > 0 ? s.at(b) / (total * step) : 0));
    return {
      startS: this.ctx.startS,
      stepS: step,
      queueAvg: Array.from({ length: n }, (_, b) =>
        this.queueN.at(b) > 0 ? this.queueSum.at(b) / this.queueN.at(b) : 0,
      ),
      queueMax: Array.from({ length: n }, (_, b) => this.queueMax.at(b)),
      deferredAvg: Array.from({ length: n }, (_, b) => this.pendingS.at(b) / step),
      gpuUtil: share(this.gpuS, this.gpusTotal),
      gpuUtilEast: share(this.gpuEastS, this.gpusEast),
      gpuUtilWest: share(this.gpuWestS, this.gpusWest),
      cpuUtil: share(this.cpuS, this.coresTotal),
      carbonKgPerH: Array.from({ length: n }, (_, b) => this.carbonS.at(b) / 1000 / (step / 3600)),
    };
  }

  flowList(): Flow[] {
    return [...this.flows.values()].sort((a, b) =>
      a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0,
    );
  }
}

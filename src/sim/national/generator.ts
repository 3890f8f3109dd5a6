/**
 * The national workload as a stream: tasks in arrival order, drawn on demand
 * so a million-task run never holds a million tasks. Arrivals are a
 * non-homogeneous Poisson process (thinning, Lewis & Shedler 1979): the rate
 * of each kind is base × share × daily/weekly shape × growth; the origin city
 * is drawn by GDP weight. One seed gives one stream, whoever consumes it.
 */
import { Rng } from '../../domain/rng.js';
import type { Task } from '../../domain/task.js';
import type { DemandCity } from './demand-cities.js';
import { hourUtc8, shapeAt, shapeMax, weekdayUtc8 } from './demand-shape.js';
import type { JobKindSpec, OriginFacts } from './job-kinds.js';
import { growthAt, type NationalScenario } from './scenario.js';

/** Tenants per (city, kind): enough that fair share has something to share. */
export const TENANTS_PER_CITY_KIND = 4;

export class WorkloadGenerator {
  private readonly rng: Rng;
  private readonly mix: readonly JobKindSpec[];
  private readonly cities: readonly DemandCity[];
  private readonly cumulative: Float64Array;
  private readonly baseRatePerS: number;
  private readonly maxRatePerS: number;
  private readonly rates: Float64Array;
  /** share × shape of each kind for each hour of the week (Monday 00:00 Beijing = 0), kind-major. */
  private readonly weekly: Float64Array;
  /** Tenant ids by [city × kinds + kind][k], made once: a million tasks share a few hundred tenants. */
  private readonly tenants: string[][];
  private readonly originFacts: OriginFacts[];
  private tS: number;
  private count = 0;
  private done = false;

  constructor(private readonly scenario: NationalScenario) {
    const o = scenario.options;
    this.rng = new Rng(o.seed);
    this.mix = scenario.mix;
    this.cities = scenario.demand;
    let acc = 0;
    this.cumulative = Float64Array.from(this.cities, (c) => (acc += c.weight));
    this.baseRatePerS = o.tasksPerDay / 86400;
    const growthMax = Math.max(growthAt(o, o.startS), growthAt(o, scenario.arrivalsEndS));
    let peak = 0;
    for (const k of this.mix) peak += k.share * shapeMax(k.pattern);
    this.maxRatePerS = this.baseRatePerS * peak * growthMax;
    this.rates = new Float64Array(this.mix.length);
    this.originFacts = this.cities.map((c) => {
      const f = scenario.origins.get(c.id);
      if (!f) throw new Error(`internal: no origin facts for demand city '${c.id}'`);
      return f;
    });
    this.tenants = this.cities.flatMap((c) =>
      this.mix.map((k) => Array.from({ length: TENANTS_PER_CITY_KIND }, (_, n) => `${c.id}-${k.kind}-${n}`)),
    );
    // the shapes are hourly steps: tabulate them once per hour of the week
    const hour0 = Math.floor(o.startS / 3600) * 3600; // UTC+8 has whole hours: a Beijing hour starts here too
    const monday0 = hour0 - weekdayUtc8(hour0) * 86400 - hourUtc8(hour0) * 3600;
    this.weekly = new Float64Array(this.mix.length * 168);
    this.mix.forEach((k, i) => {
      for (let h = 0; h < 168; h++) this.weekly[i * 168 + h] = k.share * shapeAt(k.pattern, monday0 + h * 3600 + 1800);
    });
    this.tS = o.startS;
  }

  /** Tasks produced so far. */
  get produced(): number {
    return this.count;
  }

  /** The next task in arrival order, or null when the scenario's arrivals are over. */
  next(): Task | null {
    if (this.done) return null;
    const o = this.scenario.options;
    const rng = this.rng;
    for (;;) {
      if (this.count >= o.maxTasks) break;
      this.tS += rng.exp(1 / this.maxRatePerS);
      if (this.tS >= this.scenario.arrivalsEndS) break;
      const g = this.baseRatePerS * growthAt(o, this.tS);
      const weekHour = weekdayUtc8(this.tS) * 24 + hourUtc8(this.tS);
      let total = 0;
      for (let k = 0; k < this.mix.length; k++) {
        const r = g * this.weekly[k * 168 + weekHour]!;
        this.rates[k] = r;
        total += r;
      }
      let u = rng.next() * this.maxRatePerS;
      if (u >= total) continue; // thinned out
      let k = 0;
      while (k < this.mix.length - 1 && u >= this.rates[k]!) u -= this.rates[k++]!;
      return this.make(k, this.tS);
    }
    this.done = true;
    return null;
  }

  private make(kind: number, tS: number): Task {
    const spec = this.mix[kind]!;
    const rng = this.rng;
    const u = rng.next();
    let c = 0;
    while (c < this.cities.length - 1 && u >= this.cumulative[c]!) c++;
    const city = this.cities[c]!;
    const draw = spec.draw(rng, this.originFacts[c]!);
    const tenant = this.tenants[c * this.mix.length + kind]![rng.int(0, TENANTS_PER_CITY_KIND - 1)]!;
    const id = `t${this.count++}`;
    return {
      id,
      tenantId: tenant,
      kind: spec.kind,
      resources: draw.resources,
      durationS: draw.durationS,
      estimatedDurationS: draw.estimatedDurationS,
      submittedAtS: tS,
      earliestStartS: tS,
      deadlineS: draw.deadlineSlackS === null ? null : tS + draw.durationS + draw.deadlineSlackS,
      originCity: city.id,
      latencySlaMs: draw.latencySlaMs,
      dataGb: draw.dataGb,
      dataClass: draw.dataClass,
      allowedHubs: [],
      pairedOnly: draw.pairedOnly,
      priority: draw.priority,
    };
  }
}

/**
 * The floor under #3's greedy decision rate: `npm run bench -- decision-floor`. Prints one JSON object.
 *
 * The scheduler benchmark's workload (bench/national-workload.ts: the same 1,000 sites and 100,000
 * tasks, same seed) through a decision stripped to its data path, as a data-oriented rewrite of the
 * scheduler would leave it:
 * - a class per task (the scheduler's own numeric class hash), built once: the sites with the right kind
 *   of capacity (and GPU pool) inside the SLA, ranked by a lower bound, every column a typed array;
 * - a walk with the balanced weights (price, latency, east→west, carbon, delay and load; not near scarcity,
 *   which is one more fixed column) and the scheduler's pruning rules: candidates in bound order, a
 *   budget of 16 once one fits, every start hour up to a day for flexible work, the carbon mean of the
 *   run from the scheduler's own hour-major table, each site's load read once (the book's loadShare), a
 *   question over a run only where that load is over capacity and the score could win;
 * - load reads, capacity questions and the booking in the scheduler's own ReservationBook (the real book);
 * - the decision kept as numbers in typed-array rows (no placement object, no story, no id map but the book's).
 * No explanations, runners-up's breakdowns, fair share, queues or API types: what is left is what any
 * decision of this kind has to pay for, in this runtime, on this machine.
 *
 * Reported, per CPU second: decisionsPerSecond (the whole stripped decision, class builds included) and
 * decisionsPerSecondWithoutClassBuilds (its classes are built plainly, not as the scheduler's plans are);
 * the walk's counts (candidates visited, starts scored, capacity questions), to set beside the
 * scheduler's own; and the book's own share: the same run repeated untimed with every book call recorded,
 * then the calls replayed alone into a fresh book — load reads, questions and bookings
 * (bookMicrosecondsPerDecision),
 * and bookings alone (bookingsOnlyMicrosecondsPerDecision); and the same run once more on a book whose
 * answers are read back from that trace (AnswerBook), so the decisions are the same and the book costs
 * nothing: freeBookDecisionsPerSecondWithoutClassBuilds, the most any book could give this path.
 *
 * Options: --sites N --tasks N --scale X --seed N --budget N (as in bench/scheduler.ts).
 */
import { parseArgs } from 'node:util';
import { itPowerKw } from '../src/domain/energy.js';
import { Rng } from '../src/domain/rng.js';
import type { Task, TaskResources } from '../src/domain/task.js';
import { schedulerFlagsOf } from '../src/runtime/node-flags.js';
import { fitsShare } from '../src/scheduler/capacity.js';
import { classHash, sameClass } from '../src/scheduler/class-index.js';
import { emptySiteShare } from '../src/scheduler/plugins/load-balance.js';
import { computeRateFenPerHour, referenceRateFenPerHour } from '../src/scheduler/plugins/price.js';
import { matchingPools } from '../src/scheduler/plugins/resource-fit.js';
import { profileFor } from '../src/scheduler/profiles/index.js';
import {
  DELAY_REF_S,
  GPU_REF_POWER_W,
  INTENSITY_REF_G_PER_KWH,
  LATENCY_REF_MS,
  PUE_REF,
} from '../src/scheduler/references.js';
import { ReservationBook } from '../src/scheduler/reservation-book.js';
import { SiteTable, STATUS_UP } from '../src/scheduler/site-table.js';
import {
  ARRIVAL_SPAN_S,
  arrivals,
  collectGarbage,
  makeTask,
  T0,
  WORKLOAD_OPTIONS,
  world,
} from './national-workload.js';

const { values: args } = parseArgs({
  options: {
    ...WORKLOAD_OPTIONS,
    budget: { type: 'string', default: '16' },
  },
});
/** A numeric option, or a clear error naming it. */
function option(
  name: 'sites' | 'tasks' | 'scale' | 'seed' | 'budget',
  ok: (x: number) => boolean,
  what: string,
): number {
  const x = Number(args[name]);
  if (!ok(x)) throw new Error(`--${name} must be ${what}, got '${args[name]}'`);
  return x;
}
const isCount = (x: number) => Number.isInteger(x) && x >= 1;
const SEED = option('seed', Number.isInteger, 'an integer');
const BUDGET = option('budget', (x) => isCount(x) || x === Number.POSITIVE_INFINITY, 'an integer ≥ 1 or Infinity');
const SITES = option('sites', isCount, 'an integer ≥ 1');
const TASKS = option('tasks', isCount, 'an integer ≥ 1');
const SCALE = option('scale', (x) => x > 0 && Number.isFinite(x), 'a positive number');
const log = (msg: string) => process.stderr.write(`[bench decision-floor] ${msg}\n`);

// the balanced profile's weights and deferral
const BALANCED = profileFor('balanced');
const weight = (name: string) => BALANCED.weights[name] ?? 0;
const W_CARBON = weight('carbon');
const W_PRICE = weight('price');
const W_LATENCY = weight('latency');
const W_EAST = weight('eastWest');
const W_LOAD = weight('loadBalance');
const W_DELAY = weight('delay');
const MAX_DEFER_S = BALANCED.maxDeferS;
const STEP_S = BALANCED.deferStepS;
/** Bounds hold over the whole run (three days of arrivals plus a day of deferral and the longest runs). */
const HORIZON_S = 21 * 86400;
const TOP_K = 4;
/** How often the book forgets the past (the scheduler's FORGET_EVERY_S). */
const FORGET_EVERY_S = 600;

/** A task class: its candidates in rank order, every column a typed array. */
interface FloorClass {
  shape: Task;
  n: number;
  site: Int32Array;
  pool: Int32Array;
  /** Weighted price (compute), latency and east→west parts. */
  fixed: Float64Array;
  /** Price of moving a GB in, over the dearest: times the task's weighted data share. */
  moved: Float64Array;
  /** carbon part = min(1, carbonK × mean intensity of the run). */
  carbonK: Float64Array;
  /** Weighted carbon part at the site's cleanest hour. */
  carbonLow: Float64Array;
  /** Weighted load part on the empty site. */
  loadLow: Float64Array;
  /** Lower bound of the total: fixed (no data) + carbonLow + loadLow. */
  lb: Float64Array;
}

function buildClass(task: Task, table: SiteTable, minimum: Float64Array): FloorClass {
  const need = task.resources;
  const rtt = table.rttFrom(task.originCity);
  const sla = task.latencySlaMs;
  const ref = table.refPrices;
  const refRate = referenceRateFenPerHour(need, ref);
  const refKw = itPowerKw(need, GPU_REF_POWER_W);
  const sites: number[] = [];
  const pools: number[] = [];
  for (let s = 0; s < table.n; s++) {
    if (sla !== null && rtt[s]! > sla) continue;
    if (need.cpuCores > table.capCpu[s]! || need.memoryGb > table.capMem[s]!) continue;
    if (need.hpcNodes > table.capHpc[s]! || need.storageTb > table.capStorage[s]!) continue;
    for (const pool of matchingPools(need, table.sites[s]!)) {
      sites.push(s);
      pools.push(pool);
    }
  }
  const n = sites.length;
  const fixed = new Float64Array(n);
  const moved = new Float64Array(n);
  const carbonK = new Float64Array(n);
  const carbonLow = new Float64Array(n);
  const loadLow = new Float64Array(n);
  const lb = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    const s = sites[c]!;
    const pool = pools[c]!;
    const rate = computeRateFenPerHour(need, table.sites[s]!);
    const latency = sla !== null ? rtt[s]! / sla : Math.min(1, rtt[s]! / LATENCY_REF_MS);
    const east = sla === null && table.east[s] === 1 ? 1 : 0;
    fixed[c] = W_PRICE * (refRate > 0 ? rate / refRate : 0) + W_LATENCY * latency + W_EAST * east;
    moved[c] = ref.fenPerGbMoved > 0 ? table.priceMoved[s]! / ref.fenPerGbMoved : 0;
    const kw = itPowerKw(need, pool >= 0 ? table.gpuPowerW[s]![pool]! : 0);
    carbonK[c] = refKw > 0 ? ((kw / refKw) * (table.pue[s]! / PUE_REF)) / INTENSITY_REF_G_PER_KWH : 0;
    carbonLow[c] = W_CARBON * Math.min(1, carbonK[c]! * minimum[s]!);
    loadLow[c] = W_LOAD * emptySiteShare(need, table, s, pool);
    lb[c] = fixed[c]! + carbonLow[c]! + loadLow[c]!;
  }
  // renumber in rank order: a walk reads every column from its start
  const order = Array.from({ length: n }, (_, c) => c).sort((a, b) => lb[a]! - lb[b]! || a - b);
  const ranked = (col: Float64Array) => Float64Array.from(order, (c) => col[c]!);
  return {
    shape: task,
    n,
    site: Int32Array.from(order, (c) => sites[c]!),
    pool: Int32Array.from(order, (c) => pools[c]!),
    fixed: ranked(fixed),
    moved: ranked(moved),
    carbonK: ranked(carbonK),
    carbonLow: ranked(carbonLow),
    loadLow: ranked(loadLow),
    lb: ranked(lb),
  };
}

/** Kinds of book call in a trace. */
const QUESTION = 0;
const BOOKING = 1;
const FORGET = 2;
const LOAD = 3;

/** The real book, recording every call the walk makes (for the untimed run whose calls are replayed alone). */
class TracingBook extends ReservationBook {
  readonly kind: number[] = [];
  readonly site: number[] = [];
  readonly pool: number[] = [];
  readonly startS: number[] = [];
  readonly endS: number[] = [];
  readonly need: (TaskResources | null)[] = [];
  readonly taskId: string[] = [];
  /** What each load read or capacity question answered (the share), NaN for other calls. */
  readonly answer: number[] = [];
  private booking = false;

  private record(kind: number, site: number, need: TaskResources | null, pool: number, s: number, e: number, id = '') {
    this.kind.push(kind);
    this.site.push(site);
    this.need.push(need);
    this.pool.push(pool);
    this.startS.push(s);
    this.endS.push(e);
    this.taskId.push(id);
    this.answer.push(Number.NaN);
  }

  override peakShare(site: number, need: TaskResources, pool: number, startS: number, endS: number): number {
    // the book's own fit check inside reserve is part of the booking, not a question of the walk's
    if (this.booking) return super.peakShare(site, need, pool, startS, endS);
    this.record(QUESTION, site, need, pool, startS, endS);
    const share = super.peakShare(site, need, pool, startS, endS);
    this.answer[this.answer.length - 1] = share;
    return share;
  }

  override loadShare(site: number, need: TaskResources, pool: number, fromS: number): number {
    this.record(LOAD, site, need, pool, fromS, fromS);
    const share = super.loadShare(site, need, pool, fromS);
    this.answer[this.answer.length - 1] = share;
    return share;
  }

  override reserve(taskId: string, site: number, need: TaskResources, pool: number, startS: number, endS: number) {
    this.record(BOOKING, site, need, pool, startS, endS, taskId);
    this.booking = true;
    try {
      return super.reserve(taskId, site, need, pool, startS, endS);
    } finally {
      this.booking = false;
    }
  }

  override forgetBefore(tS: number): void {
    this.record(FORGET, -1, null, -1, tS, tS);
    super.forgetBefore(tS);
  }
}

/** What the floor's walk asks of a book. */
interface FloorBook {
  loadShare(site: number, need: TaskResources, pool: number, fromS: number): number;
  fits(site: number, need: TaskResources, pool: number, startS: number, endS: number): boolean;
  reserve(taskId: string, site: number, need: TaskResources, pool: number, startS: number, endS: number): unknown;
  forgetBefore(tS: number): void;
}

/**
 * A book that costs nothing: it gives back, in order, the answers a traced run of the same tasks got
 * from the real book, so the run makes the very same decisions (each call's site is checked against
 * the trace). A run on it times the decision's own work, with a free book: an upper bound on the rate
 * any book could give this path.
 */
class AnswerBook implements FloorBook {
  private i = 0;
  private readonly kind: Int8Array;
  private readonly site: Int32Array;
  private readonly answer: Float64Array;

  constructor(t: TracingBook) {
    this.kind = Int8Array.from(t.kind);
    this.site = Int32Array.from(t.site);
    this.answer = Float64Array.from(t.answer);
  }

  private next(kind: number, site: number): number {
    const i = this.i++;
    if (this.kind[i] !== kind || this.site[i] !== site) throw new Error(`call ${i} differs from the trace`);
    return this.answer[i]!;
  }

  loadShare(site: number, _need: TaskResources, _pool: number, _fromS: number): number {
    return this.next(LOAD, site);
  }

  fits(site: number, _need: TaskResources, _pool: number, _startS: number, _endS: number): boolean {
    return fitsShare(this.next(QUESTION, site));
  }

  reserve(_id: string, site: number, _need: TaskResources, _pool: number, _startS: number, _endS: number): void {
    this.next(BOOKING, site);
  }

  forgetBefore(_tS: number): void {
    this.next(FORGET, -1);
  }

  /** Every traced call was made. */
  done(): boolean {
    return this.i === this.kind.length;
  }
}

/** Replay a trace's calls (its questions too, or only its bookings), in order, into a fresh book. */
function replayTrace(
  t: TracingBook,
  book: ReservationBook,
  withQuestions: boolean,
): { seconds: number; loads: number; questions: number; bookings: number } {
  let loads = 0;
  let questions = 0;
  let bookings = 0;
  let sink = 0;
  const c0 = process.cpuUsage();
  for (let i = 0; i < t.kind.length; i++) {
    const k = t.kind[i]!;
    if (k === QUESTION) {
      if (!withQuestions) continue;
      sink += book.peakShare(t.site[i]!, t.need[i]!, t.pool[i]!, t.startS[i]!, t.endS[i]!);
      questions++;
    } else if (k === LOAD) {
      if (!withQuestions) continue;
      sink += book.loadShare(t.site[i]!, t.need[i]!, t.pool[i]!, t.startS[i]!);
      loads++;
    } else if (k === BOOKING) {
      book.reserve(t.taskId[i]!, t.site[i]!, t.need[i]!, t.pool[i]!, t.startS[i]!, t.endS[i]!);
      bookings++;
    } else book.forgetBefore(t.startS[i]!);
  }
  if (Number.isNaN(sink)) throw new Error('a capacity question answered NaN');
  return { seconds: cpuSecondsSince(c0), loads, questions, bookings };
}

/** The stripped scheduler: classes, the walk, the book and the decision rows. */
class FloorScheduler {
  private readonly classes = new Map<number, FloorClass[]>();
  private readonly minimum: Float64Array;
  private forgotAtS = Number.NEGATIVE_INFINITY;
  // the top four of a walk, best first
  private readonly topTotal = new Float64Array(TOP_K);
  private readonly topSite = new Int32Array(TOP_K);
  private readonly topPool = new Int32Array(TOP_K);
  private readonly topStart = new Float64Array(TOP_K);
  private topN = 0;
  private starts = new Float64Array(64);
  // decision rows: winner and runners-up, start and total
  rows = 0;
  readonly rowSite: Int32Array;
  readonly rowPool: Int32Array;
  readonly rowStart: Float64Array;
  readonly rowEnd: Float64Array;
  readonly rowTotal: Float64Array;
  readonly rowRunners: Int32Array;
  builds = 0;
  buildMs = 0;
  walks = 0;
  visited = 0;
  loads = 0;
  tries = 0;
  checks = 0;

  constructor(
    private readonly table: SiteTable,
    private readonly book: FloorBook,
    capacityRows: number,
  ) {
    this.minimum = table.intensity.minimums(T0, T0 + HORIZON_S);
    this.rowSite = new Int32Array(capacityRows);
    this.rowPool = new Int32Array(capacityRows);
    this.rowStart = new Float64Array(capacityRows);
    this.rowEnd = new Float64Array(capacityRows);
    this.rowTotal = new Float64Array(capacityRows);
    this.rowRunners = new Int32Array(capacityRows * (TOP_K - 1));
  }

  /** Build the task's class now if it is new (so a timed run can be made without builds). */
  prepare(task: Task): void {
    this.classOf(task);
  }

  private classOf(task: Task): FloorClass {
    const h = classHash(task);
    const list = this.classes.get(h);
    if (list !== undefined) for (let i = 0; i < list.length; i++) if (sameClass(task, list[i]!.shape)) return list[i]!;
    const t0 = performance.now();
    const k = buildClass(task, this.table, this.minimum);
    this.buildMs += performance.now() - t0;
    this.builds++;
    if (list === undefined) this.classes.set(h, [k]);
    else list.push(k);
    return k;
  }

  /** Keep (total, site, pool, start) in the top four, one entry per site, best first. */
  private offer(total: number, s: number, pool: number, st: number): void {
    const t = this.topTotal;
    let n = this.topN;
    for (let i = 0; i < n; i++) {
      if (this.topSite[i] !== s) continue;
      if (t[i]! <= total) return;
      for (let j = i; j < n - 1; j++) this.move(j + 1, j);
      n--;
      break;
    }
    let at = n;
    while (at > 0 && t[at - 1]! > total) at--;
    if (at >= TOP_K) {
      this.topN = n;
      return;
    }
    for (let j = Math.min(n, TOP_K - 1); j > at; j--) this.move(j - 1, j);
    t[at] = total;
    this.topSite[at] = s;
    this.topPool[at] = pool;
    this.topStart[at] = st;
    this.topN = Math.min(n + 1, TOP_K);
  }

  private move(from: number, to: number): void {
    this.topTotal[to] = this.topTotal[from]!;
    this.topSite[to] = this.topSite[from]!;
    this.topPool[to] = this.topPool[from]!;
    this.topStart[to] = this.topStart[from]!;
  }

  /** Decide and book one task at nowS: the row of its decision, or -1 when nothing fits. */
  place(task: Task, nowS: number): number {
    if (nowS - this.forgotAtS >= FORGET_EVERY_S) {
      this.forgotAtS = nowS;
      this.book.forgetBefore(nowS);
    }
    const k = this.classOf(task);
    const table = this.table;
    const book = this.book;
    const need = task.resources;
    const dur = task.durationS;
    const ready = Math.max(nowS, task.earliestStartS);
    // start hours: now, then every hour up to a day later within the deadline (flexible work only)
    let ns = 1;
    this.starts[0] = ready;
    if (task.latencySlaMs === null && task.deadlineS !== null) {
      const latest = Math.min(ready + MAX_DEFER_S, task.deadlineS - dur);
      let t = Math.ceil(ready / STEP_S) * STEP_S;
      if (t === ready) t += STEP_S;
      for (; t <= latest; t += STEP_S) this.starts[ns++] = t;
    }
    const starts = this.starts;
    const single = ns === 1;
    const dataW = task.dataGb > 0 ? W_PRICE : 0;
    const intensity = table.intensity;
    const status = table.status;
    this.topN = 0;
    let visited = 0;
    let loads = 0;
    let tries = 0;
    let checks = 0;
    for (let c = 0; c < k.n; c++) {
      const worst = this.topN === TOP_K ? this.topTotal[TOP_K - 1]! : Number.POSITIVE_INFINITY;
      if (k.lb[c]! > worst) break;
      if (visited >= BUDGET && this.topN > 0) break;
      visited++;
      const s = k.site[c]!;
      if (status[s] !== STATUS_UP) continue;
      const pool = k.pool[c]!;
      const fixed = k.fixed[c]! + dataW * k.moved[c]!;
      if (fixed + k.carbonLow[c]! > worst) continue;
      const ck = k.carbonK[c]!;
      // the site's load from the earliest start on, the same for every start; within capacity, every start fits
      const share = book.loadShare(s, need, pool, ready);
      loads++;
      if (share === Number.POSITIVE_INFINITY) continue;
      const roomy = fitsShare(share);
      const load = W_LOAD * Math.min(1, share);
      let best = Number.POSITIVE_INFINITY;
      let bestStart = 0;
      for (let j = 0; j < ns; j++) {
        const st = starts[j]!;
        const delay = W_DELAY * Math.min(1, (st - ready) / DELAY_REF_S);
        // past this, later starts only lose: the delay only grows
        if (!single && fixed + k.carbonLow[c]! + delay > Math.min(worst, best)) break;
        const partial = fixed + W_CARBON * Math.min(1, ck * intensity.mean(s, st, st + dur)) + delay;
        tries++;
        const total = partial + load;
        if (total > worst || total >= best) continue;
        if (!roomy) {
          checks++;
          if (!book.fits(s, need, pool, st, st + dur)) continue;
        }
        best = total;
        bestStart = st;
      }
      if (best !== Number.POSITIVE_INFINITY) this.offer(best, s, pool, bestStart);
    }
    this.walks++;
    this.visited += visited;
    this.tries += tries;
    this.checks += checks;
    this.loads += loads;
    if (this.topN === 0) return -1;
    const s = this.topSite[0]!;
    const st = this.topStart[0]!;
    book.reserve(task.id, s, need, this.topPool[0]!, st, st + dur);
    const r = this.rows++;
    this.rowSite[r] = s;
    this.rowPool[r] = this.topPool[0]!;
    this.rowStart[r] = st;
    this.rowEnd[r] = st + dur;
    this.rowTotal[r] = this.topTotal[0]!;
    for (let i = 1; i < TOP_K; i++) this.rowRunners[r * (TOP_K - 1) + i - 1] = i < this.topN ? this.topSite[i]! : -1;
    return r;
  }
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const cpuSecondsSince = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

function run() {
  const nSites = SITES;
  const nTasks = TASKS;
  const rng = new Rng(SEED);
  const w = world(nSites, rng, SCALE);
  const table = new SiteTable(w);
  const tasks = arrivals(rng, nTasks);
  log(`${nTasks} tasks on ${nSites} sites, search budget ${BUDGET}`);
  // warm the JIT as bench/scheduler.ts does: tasks from the same factory, on a book and classes of their own
  {
    const warm = new FloorScheduler(table, new ReservationBook(w.sites), 5000);
    const warmRng = new Rng(SEED + 100);
    let wat = T0;
    for (let i = 0; i < Math.min(5000, nTasks); i++) {
      wat += warmRng.exp(ARRIVAL_SPAN_S / nTasks);
      warm.place(makeTask(warmRng, `w${i}`, wat, { flexible: true }), wat);
    }
  }
  collectGarbage();
  const sched = new FloorScheduler(table, new ReservationBook(w.sites), nTasks);
  let placed = 0;
  let deferred = 0;
  // the task of each decision row
  const rowTask = new Int32Array(nTasks);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < nTasks; i++) {
    const task = tasks[i]!;
    const r = sched.place(task, task.submittedAtS);
    if (r >= 0) {
      rowTask[r] = i;
      placed++;
      if (sched.rowStart[r]! > task.earliestStartS) deferred++;
    }
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSecondsSince(c0);
  // the same run again (untimed), its book calls recorded, then replayed alone into a fresh book
  const tracing = new TracingBook(w.sites);
  const again = new FloorScheduler(table, tracing, nTasks);
  for (let i = 0; i < nTasks; i++) again.place(tasks[i]!, tasks[i]!.submittedAtS);
  if (again.rows !== sched.rows || again.checks !== sched.checks || again.loads !== sched.loads)
    throw new Error('the traced run decided otherwise');
  collectGarbage();
  const bookings = replayTrace(tracing, new ReservationBook(w.sites), false);
  collectGarbage();
  const book = replayTrace(tracing, new ReservationBook(w.sites), true);
  // the same run with every class built before it is timed (the timed run's builds are plain and slow, and
  // push the run's data out of the caches between decisions): on a fresh real book, and on a book whose
  // answers are read back from the trace (the decision's own work alone)
  const timedWithClassesBuilt = (book: FloorBook): { sched: FloorScheduler; seconds: number } => {
    const s = new FloorScheduler(table, book, nTasks);
    for (let i = 0; i < nTasks; i++) s.prepare(tasks[i]!);
    collectGarbage();
    const c = process.cpuUsage();
    for (let i = 0; i < nTasks; i++) s.place(tasks[i]!, tasks[i]!.submittedAtS);
    return { sched: s, seconds: cpuSecondsSince(c) };
  };
  const prebuilt = timedWithClassesBuilt(new ReservationBook(w.sites));
  if (prebuilt.sched.rows !== sched.rows || prebuilt.sched.checks !== sched.checks)
    throw new Error('the prebuilt run decided otherwise');
  const answers = new AnswerBook(tracing);
  const free = timedWithClassesBuilt(answers);
  if (!answers.done() || free.sched.rows !== sched.rows)
    throw new Error('the run on the answered book decided otherwise');
  const walks = Math.max(1, sched.walks);
  return {
    benchmark: 'decision-floor',
    seed: SEED,
    node: process.version,
    nodeFlags: schedulerFlagsOf(),
    sites: nSites,
    tasks: nTasks,
    searchBudget: String(BUDGET),
    cpuSeconds: round(cpuSeconds, 3),
    wallSeconds: round(wallSeconds, 3),
    decisionsPerSecond: Math.round(nTasks / cpuSeconds),
    microsecondsPerDecision: round((cpuSeconds / nTasks) * 1e6, 2),
    // class builds here are plain (every site, then a sort), not the scheduler's: the rate without them
    decisionsPerSecondWithoutClassBuilds: Math.round(nTasks / (cpuSeconds - sched.buildMs / 1000)),
    placed,
    deferredToGreenerHour: deferred,
    taskClasses: sched.builds,
    classBuildSeconds: round(sched.buildMs / 1000, 3),
    meanCandidatesVisited: round(sched.visited / walks, 2),
    meanStartsScored: round(sched.tries / walks, 2),
    meanLoadReads: round(sched.loads / walks, 2),
    meanCapacityChecks: round(sched.checks / walks, 2),
    // the run's capacity questions and bookings alone, replayed in order into a fresh book
    bookMicrosecondsPerDecision: round((book.seconds / nTasks) * 1e6, 2),
    bookLoadReads: book.loads,
    bookQuestions: book.questions,
    bookBookings: book.bookings,
    // the bookings alone (and the book's forgetting), without the questions
    bookingsOnlyMicrosecondsPerDecision: round((bookings.seconds / nTasks) * 1e6, 2),
    // the same decisions on a fresh real book, every class built before the timed run
    decisionsPerSecondClassesBuiltBefore: Math.round(nTasks / prebuilt.seconds),
    // the same decisions with a free book (its answers read back from the trace), classes built before
    freeBookDecisionsPerSecondWithoutClassBuilds: Math.round(nTasks / free.seconds),
    freeBookMicrosecondsPerDecision: round((free.seconds / nTasks) * 1e6, 2),
  };
}

process.stdout.write(`${JSON.stringify(run())}\n`);

/**
 * Benchmark of the HiGHS batch optimiser (src/scheduler/optimal) on a seeded
 * random batch: 10,000 tasks × 100 sites, capacity binding (80–95% load per
 * resource), k = 10. Prints ONE JSON object on stdout; progress on stderr.
 *
 *   npx tsx bench/highs.ts [--tasks 10000] [--sites 100] [--k 10] [--time-limit 10] [--seed 1]
 *
 * The batch: every site has CPU cores and memory, 40% have GPUs, 15% HPC nodes.
 * Tasks: cores log-uniform in 1..64, 2–8 GB per core, 20% want 1–8 GPUs, 5%
 * want 1–8 HPC nodes. Each site has a price level (cheap west, dear east) and
 * each (task, site) cost carries ±15% noise (transfer, latency), in fen. The
 * penalty for leaving a task out is 10× the dearest candidate.
 *
 * Runs, all with the same time limit: greedy (the baseline), LP relaxation +
 * rounding, the MIP, the MIP with plain k-best pruning (no sample prices, no
 * pricing: the approach of FACTS.md), and a mid-size batch (1,000 × 20) where
 * the MIP has time to work. The machine is shared: note its load with the numbers.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Rng } from '../src/domain/rng.js';
import {
  type AssignmentProblem,
  type AssignmentResult,
  evaluateAssignment,
  greedyAssign,
  solveAssignment,
} from '../src/scheduler/optimal/index.js';

const { values: args } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' },
    sites: { type: 'string', default: '100' },
    k: { type: 'string', default: '10' },
    'time-limit': { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
  },
});
const T = Number(args.tasks);
const S = Number(args.sites);
const kBest = Number(args.k);
const timeLimitS = Number(args['time-limit']);
const seed = Number(args.seed);

const RESOURCES = ['cpuCores', 'gpus', 'hpcNodes', 'memoryGb'];

export function randomBatch(taskCount: number, siteCount: number, seedValue: number) {
  const rng = new Rng(seedValue);
  const R = RESOURCES.length;
  const demand = new Float64Array(taskCount * R);
  for (let t = 0; t < taskCount; t++) {
    const cores = Math.round(Math.exp(rng.next() * Math.log(64)));
    demand[t * R] = cores;
    demand[t * R + 1] = rng.next() < 0.2 ? rng.int(1, 8) : 0;
    demand[t * R + 2] = rng.next() < 0.05 ? rng.int(1, 8) : 0;
    demand[t * R + 3] = cores * rng.int(2, 8);
  }
  const hasGpu = Array.from({ length: siteCount }, (_, s) => s === 0 || rng.next() < 0.4);
  const hasHpc = Array.from({ length: siteCount }, (_, s) => s === 0 || rng.next() < 0.15);
  const capacity = new Float64Array(siteCount * R);
  const loadByResource: Record<string, number> = {};
  for (let r = 0; r < R; r++) {
    let total = 0;
    for (let t = 0; t < taskCount; t++) total += demand[t * R + r]!;
    const load = 0.8 + 0.15 * rng.next();
    const weight = Array.from({ length: siteCount }, (_, s) =>
      (r === 1 && !hasGpu[s]) || (r === 2 && !hasHpc[s]) ? 0 : 0.5 + rng.next(),
    );
    const weightSum = weight.reduce((a, b) => a + b, 0);
    let cap = 0;
    for (let s = 0; s < siteCount; s++) {
      capacity[s * R + r] = Math.floor((total / load) * (weight[s]! / weightSum));
      cap += capacity[s * R + r]!;
    }
    loadByResource[RESOURCES[r]!] = Math.round((total / cap) * 1000) / 1000;
  }
  const priceLevel = Float64Array.from({ length: siteCount }, () => 0.6 + 0.8 * rng.next());
  const candidates: AssignmentProblem['candidates'] = [];
  let maxCost = 0;
  for (let t = 0; t < taskCount; t++) {
    const site = Int32Array.from({ length: siteCount }, (_, i) => i);
    const work = demand[t * R]! + 8 * demand[t * R + 1]! + 16 * demand[t * R + 2]!;
    const cost = Float64Array.from(site, (s) => Math.round(100 * work * priceLevel[s]! * (0.85 + 0.3 * rng.next())));
    for (const c of cost) maxCost = Math.max(maxCost, c);
    candidates.push({ site, cost });
  }
  const problem: AssignmentProblem = {
    taskCount,
    siteCount,
    resources: RESOURCES,
    demand,
    capacity,
    candidates,
    unassignedCost: 10 * maxCost,
  };
  return { problem, loadByResource };
}

const loadAtStart = loadavg()[0]!;
let peakRssMb = 0;
const sampleRss = () => {
  peakRssMb = Math.max(peakRssMb, process.memoryUsage().rss / 2 ** 20);
};
const sampler = setInterval(sampleRss, 50);
const log = (msg: string) => process.stderr.write(`[bench/highs] ${msg}\n`);
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

const summary = (p: AssignmentProblem, r: AssignmentResult) => ({
  status: r.status,
  seconds: round(r.seconds, 3),
  objective: r.objective,
  lowerBound: round(r.lowerBound, 1),
  lowerBoundScope: r.lowerBoundScope,
  lowerBoundSource: r.lowerBoundSource,
  fullLowerBound: round(r.fullLowerBound, 1),
  gap: round(r.mipGap, 6),
  unassigned: r.unassigned,
  variables: r.variables,
  constraints: r.constraints,
  pricingRounds: r.pricingRounds,
  pricingConverged: r.pricingConverged,
  feasible: evaluateAssignment(p, r.assignment).feasible,
  ...(r.message ? { message: r.message } : {}),
});

log(`generating ${T} tasks × ${S} sites (seed ${seed})`);
const { problem, loadByResource } = randomBatch(T, S, seed);
sampleRss();

// V8 compiles WASM functions lazily and tiers them up when hot: the first solve in a
// process pays ~1–2 s of compilation. A server pays it once; measure it, then warm runs.
log('warm-up (cold HiGHS)');
let t0 = performance.now();
const warmup = randomBatch(300, S, seed + 1).problem;
await solveAssignment(warmup, { relaxOnly: true });
await solveAssignment(warmup, { timeLimitS: 1 });
const warmupS = (performance.now() - t0) / 1000;

log('greedy');
t0 = performance.now();
const greedy = evaluateAssignment(problem, greedyAssign(problem));
const greedyS = (performance.now() - t0) / 1000;

log('LP relaxation + rounding');
const lp = await solveAssignment(problem, { kBest, timeLimitS, relaxOnly: true });
const lpSummary = summary(problem, lp);
sampleRss();

log('MIP');
const mip = await solveAssignment(problem, { kBest, timeLimitS });
const mipSummary = summary(problem, mip);
sampleRss();

// a batch the MIP can work on in the time: 1,000 tasks on 20 sites (50 per site)
log('mid-size: 1,000 tasks × 20 sites, LP vs MIP');
const mid = randomBatch(1000, 20, seed + 2).problem;
const midLp = await solveAssignment(mid, { kBest, timeLimitS, relaxOnly: true });
const midMip = await solveAssignment(mid, { kBest, timeLimitS });
const midGreedy = evaluateAssignment(mid, greedyAssign(mid)).objective;
sampleRss();

log('MIP with plain k-best pruning (no pricing)');
t0 = performance.now();
const plain = await solveAssignment(problem, { kBest, timeLimitS, pricingRounds: 0 });
const plainSummary = summary(problem, plain);
sampleRss();
clearInterval(sampler);

const bestBound = Math.max(lp.fullLowerBound, mip.fullLowerBound);
console.log(
  JSON.stringify({
    bench: 'highs',
    tasks: T,
    sites: S,
    kBest,
    timeLimitS,
    seed,
    loadAverage1m: { atStart: round(loadAtStart, 2), atEnd: round(loadavg()[0]!, 2) },
    loadByResource,
    unassignedCost: problem.unassignedCost,
    warmupSeconds: round(warmupS, 3),
    greedy: {
      seconds: round(greedyS, 3),
      objective: greedy.objective,
      unassigned: greedy.unassigned,
      gapToBound: round((greedy.objective - bestBound) / greedy.objective, 6),
    },
    lpRelaxation: lpSummary,
    mip: mipSummary,
    mipPlainKBest: plainSummary,
    bestFullLowerBound: round(bestBound, 1),
    midSize: {
      tasks: 1000,
      sites: 20,
      greedyObjective: midGreedy,
      lp: summary(mid, midLp),
      mip: summary(mid, midMip),
    },
    peakRssMb: Math.round(peakRssMb),
  }),
);

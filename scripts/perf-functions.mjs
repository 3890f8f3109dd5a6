// Shares of a perf profile's samples by function, from `perf script -F tid,ip,sym` on stdin (one sample a
// paragraph: its thread id, then its stack, leaf first). Used by scripts/bench-profile.sh:
//
//   perf script -F tid,ip,sym … | node scripts/perf-functions.mjs REV BENCH.json [TOP]
//
// Prints one JSON object: the revision's decisions (digest, rate), the samples counted, the shares of
// whole categories (the kernel's page-fault handling, the collector, the optimising compiler, threads
// other than the main one), and the TOP functions by self share (the sample's leaf) and by inclusive
// share (anywhere on its stack; JavaScript functions only, each counted once a sample).
import { readFileSync } from 'node:fs';

const [rev, benchJson, top = '25'] = process.argv.slice(2);

/** "JS:*walk file:///…/src/scheduler/walk.js:117:9" → "JS *walk src/scheduler/walk.js"; C++ names shortened. */
function nameOf(sym) {
  if (sym.startsWith('JS:')) {
    return sym.replace(/file:\/\/\/\S*?\/((src|bench|test)\/\S+?):\d+:\d+/, '$1').replace(/^JS:/, 'JS ');
  }
  return sym.replace(/\(.*$/, '').slice(0, 100);
}

const CATEGORIES = {
  pageFaults: /exc_page_fault/,
  collector: /v8::internal::(Scavenger|ScavengerCollector|MarkCompactCollector|ConcurrentMarking|Sweeper|Heap::)/,
  compiler: /v8::internal::(compiler::|OptimizingCompileDispatcher|Compiler::)/,
};

const text = readFileSync(0, 'utf8');
const self = new Map();
const inclusive = new Map();
const inCategory = Object.fromEntries(Object.keys(CATEGORIES).map((k) => [k, 0]));
const threads = new Map();
let samples = 0;
for (const block of text.split(/\n\s*\n/)) {
  const lines = block.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) continue;
  samples++;
  const tid = lines[0].trim();
  threads.set(tid, (threads.get(tid) ?? 0) + 1);
  const frames = lines.slice(1).map((l) => l.trim().replace(/^[0-9a-f]+\s+/, ''));
  const leaf = nameOf(frames[0]);
  self.set(leaf, (self.get(leaf) ?? 0) + 1);
  const seen = new Set();
  for (const f of frames) {
    if (!f.startsWith('JS:')) continue;
    const n = nameOf(f);
    if (seen.has(n)) continue;
    seen.add(n);
    inclusive.set(n, (inclusive.get(n) ?? 0) + 1);
  }
  for (const [k, re] of Object.entries(CATEGORIES)) if (frames.some((f) => re.test(f))) inCategory[k]++;
}
if (samples === 0) throw new Error('no samples in the measured window');

const share = (n) => Math.round((1000 * n) / samples) / 10;
const topOf = (m) =>
  Object.fromEntries(
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, Number(top))
      .map(([k, v]) => [k, share(v)]),
  );
// the main thread has the most samples; the rest are V8's helpers (scavenging, marking, compiling)
const mainSamples = Math.max(...threads.values());
const d = JSON.parse(readFileSync(benchJson, 'utf8').trim().split('\n').pop()).decisions;
console.log(
  JSON.stringify({
    rev,
    digest: d.digest,
    decisionsPerSecond: d.decisionsPerSecond,
    samples,
    percentOfSamples: {
      ...Object.fromEntries(Object.entries(inCategory).map(([k, v]) => [k, share(v)])),
      otherThreads: share(samples - mainSamples),
    },
    selfPercent: topOf(self),
    inclusivePercent: topOf(inclusive),
  }),
);

// Instructions per decision by function, from two callgrind runs of the scheduler benchmark (a small and
// a large task count) and V8's perf maps (`--perf-basic-prof`), which name the JIT's code that callgrind
// only knows by address. Used by scripts/bench-instructions.sh:
//
//   node scripts/callgrind-functions.mjs SMALL.callgrind SMALL.map LARGE.callgrind LARGE.map TASKS_BETWEEN [TOP]
//
// Prints one JSON object: the total and the TOP functions by instructions a decision (large − small,
// divided by the tasks between them). The JIT's code is deterministic, so a function's count repeats
// exactly; the collector's share moves with where its major collections fall (a few per cent of the total).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const [smallCg, smallMap, largeCg, largeMap, between, top = '25'] = process.argv.slice(2);

function perfMap(file) {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [start, size, ...name] = line.split(' ');
      return { start: Number.parseInt(start, 16), size: Number.parseInt(size, 16), name: name.join(' ') };
    });
  return rows.sort((a, b) => a.start - b.start);
}

function nameAt(map, addr) {
  let lo = 0;
  let hi = map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (map[mid].start <= addr) lo = mid;
    else hi = mid - 1;
  }
  const r = map[lo];
  if (!r || addr < r.start || addr >= r.start + r.size) return 'JIT code not in the map';
  // "JS:*walk file:///…/src/scheduler/walk.js:117:9" → "JS *walk src/scheduler/walk.js"
  return r.name.replace(/file:\/\/\/\S*?\/((src|bench|test)\/\S+?):\d+:\d+/, '$1').replace(/^JS:/, 'JS ');
}

function byFunction(cg, mapFile) {
  const map = perfMap(mapFile);
  const text = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', cg], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  const out = new Map();
  for (const line of text.split('\n')) {
    const m = /^\s*([\d,]+)\s+\([^)]*\)\s+(.*)$/.exec(line);
    if (!m) continue;
    const n = Number(m[1].replaceAll(',', ''));
    let name = m[2].trim();
    const jit = /^\?\?\?:0x([0-9a-f]+)/.exec(name);
    if (name.startsWith('PROGRAM TOTALS')) name = 'total';
    else if (jit) name = nameAt(map, Number.parseInt(jit[1], 16));
    else name = name.replace(/^\?\?\?:/, '').replace(/\(.*$/, '').replace(/ \[.*$/, '').slice(0, 100);
    out.set(name, (out.get(name) ?? 0) + n);
  }
  return out;
}

const a = byFunction(smallCg, smallMap);
const b = byFunction(largeCg, largeMap);
const per = new Map();
for (const k of new Set([...a.keys(), ...b.keys()])) per.set(k, ((b.get(k) ?? 0) - (a.get(k) ?? 0)) / Number(between));
const total = per.get('total');
per.delete('total');
const rows = [...per].sort((x, y) => y[1] - x[1]).slice(0, Number(top));
process.stdout.write(
  `${JSON.stringify({
    instructionsPerDecision: Math.round(total),
    byFunction: Object.fromEntries(rows.map(([k, v]) => [k, Math.round(v)])),
  })}\n`,
);

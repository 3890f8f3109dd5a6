/**
 * `npm run bench -- <name>` (= `tsx bench/run.ts <name>`): runs bench/<name>.ts,
 * which prints one JSON object on stdout (progress goes to stderr).
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rerunWithSchedulerFlags } from '../src/runtime/node-flags.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .map((f) => f.slice(0, -3))
  .sort();
const name = process.argv[2];
if (!name || !/^[a-z0-9][a-z0-9-]*$/.test(name) || !existsSync(`${dir}${name}.ts`)) {
  process.stderr.write(`usage: npm run bench -- <name>\navailable: ${available.join(', ')}\n`);
  process.exit(2);
}
process.argv.splice(2, 1);
// the scheduler runs as `suanwang sim`, `npm run demo` and `npm start` run it: with a 64 MB young generation
if (name === 'sim-national' || name === 'scheduler' || name === 'decision-floor')
  rerunWithSchedulerFlags(`${dir}${name}.ts`, process.argv.slice(2));
await import(`./${name}.ts`);

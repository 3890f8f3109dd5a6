/**
 * `npm run bench -- <name>` (= `tsx bench/run.ts <name>`): runs bench/<name>.ts,
 * which prints one JSON object on stdout (progress goes to stderr).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
// the national simulation runs as `suanwang sim` runs it: with a 64 MB young generation (bin/suanwang.js)
const flags = name === 'sim-national' ? ['--max-semi-space-size=64'] : [];
if (flags.length > 0 && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', `${dir}${name}.ts`, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (r.error) throw r.error;
  process.exit(r.status ?? 1);
}
await import(`./${name}.ts`);

#!/usr/bin/env node
// The `suanwang` command: runs the TypeScript sources through tsx, so the
// package needs no build step (Node 20 cannot run .ts by itself).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// The simulator makes short-lived objects by the million: a 64 MB young generation (V8's default is
// 16 MB) lets far fewer of them be copied into the old one (−14% run time on 300,000 national tasks).
// V8 reads the size at start-up only, so `suanwang sim` starts itself again once with it.
export const SIM_NODE_FLAGS = ['--max-semi-space-size=64'];
if (process.argv[2] === 'sim' && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [...process.execArgv, ...SIM_NODE_FLAGS, self, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  if (r.error) throw r.error;
  process.exit(r.status ?? 1);
}

register();
await import('../src/cli/main.ts');

#!/usr/bin/env node
// The `suanwang` command: runs the TypeScript sources through tsx, so the
// package needs no build step (Node 20 cannot run .ts by itself).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
if (process.argv[2] === 'sim') {
  // the simulator runs with a larger young generation (src/runtime/node-flags.ts)
  const { rerunWithSchedulerFlags } = await import('../src/runtime/node-flags.ts');
  rerunWithSchedulerFlags(fileURLToPath(import.meta.url), process.argv.slice(2));
}
await import('../src/cli/main.ts');

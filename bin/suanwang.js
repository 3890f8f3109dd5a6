#!/usr/bin/env node
// The `suanwang` command: runs the TypeScript sources through tsx, so the
// package needs no build step (Node 20 cannot run .ts by itself).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

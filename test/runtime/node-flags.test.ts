/**
 * The scheduler's V8 flags: which of them a process runs with, and the package scripts that start the
 * platform directly (not through the re-run) giving all of them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SCHEDULER_NODE_FLAGS, schedulerFlagsOf } from '../../src/runtime/node-flags.js';

test('schedulerFlagsOf picks the scheduler flags by name, with the values given', () => {
  const argv = ['--import', 'tsx', '--max-semi-space-size=32', '--inspect', '--no-lazy-feedback-allocation'];
  assert.deepEqual(schedulerFlagsOf(argv), ['--max-semi-space-size=32', '--no-lazy-feedback-allocation']);
  assert.deepEqual(schedulerFlagsOf([...SCHEDULER_NODE_FLAGS]), [...SCHEDULER_NODE_FLAGS]);
  assert.deepEqual(schedulerFlagsOf([]), []);
});

test('the demo and start scripts run Node with every scheduler flag', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  for (const name of ['demo', 'start']) {
    const words = String(pkg.scripts[name]).split(/\s+/);
    assert.deepEqual(schedulerFlagsOf(words), [...SCHEDULER_NODE_FLAGS], `scripts.${name}`);
  }
});

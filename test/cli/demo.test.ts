/**
 * `suanwang demo` as a user runs it: the real binary, the embedded store, the
 * national topology, the scheduler and the local executor. With --exit it
 * stops after its summary (without it, it keeps serving until Ctrl-C).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { it } from 'node:test';
import { BIN } from '../helpers/cli.js';
import { preparedDataDir, REPO_ROOT, scratchDir } from '../helpers/stores.js';

function demo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'demo', ...args],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, SUANWANG_CONFIG: join(REPO_ROOT, '.test-tmp', 'none.json') },
        timeout: 180_000,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

it('runs the demo workload for real and prints where each task went and why', async () => {
  const dir = await preparedDataDir(join(scratchDir('demo'), 'data'));
  const first = await demo(['--port', '0', '--data-dir', dir, '--exit', '--wait', '90']);
  assert.equal(first.code, 0, first.stderr);
  const out = first.stdout;
  assert.match(out, /National topology: 8 hubs, 45 sites/);
  assert.match(out, /Operator API key \(shown only this once, keep it\): sw_[a-z0-9]{16}_[0-9a-f]{64}/);
  assert.match(out, /Submitted 10 demo tasks/);
  // every task has a placement with its explanation, and the failing one reports its exit code
  assert.equal((out.match(/^• t_\S+: Runs at /gm) ?? []).length, 10, out);
  assert.match(out, /failed: .*exit code 3/);
  assert.match(out, /Output of t_\S+ \(suanwang tasks logs/);
  const states = /States: (.*)\./.exec(out)?.[1] ?? '';
  assert.match(states, /\d+ succeeded/);
  assert.match(states, /1 failed/);
  // the backup is placed (now, or deferred to a greener hour: that depends on the hour the demo runs)
  assert.match(out, /backup\s+shenzhen\s+\S+.*\s(now|in \d+(\.\d)? h)\s/);

  // a second run on the same store needs nothing from the first and prints no new operator key
  const second = await demo(['--port', '0', '--data-dir', dir, '--exit', '--wait', '30']);
  assert.equal(second.code, 0, second.stderr);
  assert.doesNotMatch(second.stdout, /Operator API key/);
  assert.match(second.stdout, /Submitted 10 demo tasks/);

  const bad = await demo(['--port', '0', '--data-dir', dir, '--exit', '--policy', 'fastest']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--policy must be one of nearest, cheapest, greenest, balanced, optimal/);
});

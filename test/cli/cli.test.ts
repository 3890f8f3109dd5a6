import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { registerAll } from '../../src/cli/commands/index.js';
import { LOCK_FILE, PgliteStore } from '../../src/store/index.js';
import { runCli, type ServerProcess, startServe } from '../helpers/cli.js';
import { newSite } from '../helpers/fixtures.js';
import { freshPgDatabase, pgUrl, preparedDataDir, scratchDir } from '../helpers/stores.js';

describe('CLI commands', () => {
  it('every command has a description and --help', () => {
    const program = new Command('suanwang');
    registerAll(program);
    const walk = (cmd: Command, path: string[]): string[][] => [
      path,
      ...cmd.commands.flatMap((c) => walk(c, [...path, c.name()])),
    ];
    const paths = walk(program, []).slice(1);
    for (const name of [
      'serve',
      'sites list',
      'sites get',
      'sites register',
      'sites delete',
      'tasks submit',
      'tasks get',
      'tasks list',
      'tasks cancel',
    ]) {
      assert.ok(
        paths.some((p) => p.join(' ') === name),
        `command ${name} exists`,
      );
    }
    for (const p of paths) {
      let cmd = program;
      for (const n of p) cmd = cmd.commands.find((c) => c.name() === n)!;
      assert.ok(cmd.description().length > 10, `${p.join(' ')} has a description`);
      assert.match(cmd.helpInformation(), /Usage: suanwang/, `${p.join(' ')} --help`);
      const isRead = ['list', 'get'].includes(p[p.length - 1]!);
      if (isRead)
        assert.ok(
          cmd.options.some((o) => o.long === '--json'),
          `${p.join(' ')} has --json`,
        );
    }
  });

  it('prints help from the real binary', async () => {
    const r = await runCli(['tasks', 'submit', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--deadline <time>/);
    assert.match(r.stdout, /--url <url>/);
  });
});

describe('CLI against a real server (PGlite)', () => {
  let server: ServerProcess;
  let dataDir: string;
  let env: Record<string, string>;
  before(async () => {
    dataDir = await preparedDataDir(scratchDir('cli'));
    // API only: these tests follow tasks through the CLI, so no scheduler may move them meanwhile.
    server = await startServe(['--api-only', '--data-dir', dataDir]);
    env = { SUANWANG_URL: server.url };
  });
  after(async () => {
    await server?.stop();
  });

  it('lists and shows sites, as tables and as JSON', async () => {
    const json = await runCli(['sites', 'list', '--json', '--url', server.url]);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).length, 45, 'all pages');
    const table = await runCli(['sites', 'list', '--side', 'west', '--tier', 'cluster'], env);
    assert.match(table.stdout, /^ID\s+NAME\s+TIER/);
    assert.match(table.stdout, /helinger-1\s+和林格尔新区智算园区一\s+cluster\s+neimenggu\s+west/);
    assert.doesNotMatch(table.stdout, /beijing-edge/);
  });

  it('registers a site from stdin, changes its status, deletes it', async () => {
    const reg = await runCli(['sites', 'register', '-f', '-'], env, JSON.stringify(newSite('cli-site')));
    assert.equal(reg.code, 0, reg.stderr);
    assert.equal(reg.stdout, 'registered site cli-site (version 1)\n');
    const drain = await runCli(['sites', 'set-status', 'cli-site', 'draining'], env);
    assert.equal(drain.stdout, 'site cli-site is draining (version 2)\n');
    assert.equal((await runCli(['sites', 'delete', 'cli-site'], env)).stdout, 'deleted site cli-site\n');
  });

  it('submits (a file with flags on top), shows, lists and cancels tasks', async () => {
    const file = join(dataDir, 'task.json');
    writeFileSync(
      file,
      JSON.stringify({
        tenantId: 'acme',
        kind: 'rendering',
        resources: { gpus: 1 },
        durationS: 60,
        originCity: 'beijing',
      }),
    );
    const sub = await runCli(
      [
        'tasks',
        'submit',
        '--file',
        file,
        '--kind',
        'training',
        '--gpus',
        '8',
        '--cpu',
        '32',
        '--duration',
        '2h',
        '--deadline',
        '+2d',
        '--hubs',
        'jingjinji,neimenggu',
      ],
      env,
    );
    assert.equal(sub.code, 0, sub.stderr);
    const id = sub.stdout.trim();
    assert.match(id, /^t_[0-9A-Z]{26}$/);
    const t = JSON.parse((await runCli(['tasks', 'get', id, '--json'], env)).stdout);
    assert.equal(t.kind, 'training', 'flags win over the file');
    assert.equal(t.tenantId, 'acme', 'the file gives the rest');
    assert.deepEqual(t.resources, { cpuCores: 32, memoryGb: 0, gpus: 8, hpcNodes: 0, storageTb: 0 });
    assert.equal(t.durationS, 7200);
    assert.deepEqual(t.allowedHubs, ['jingjinji', 'neimenggu']);
    assert.ok(Math.abs(t.deadlineS - t.submittedAtS - 2 * 86400) < 60);
    assert.deepEqual(
      t.history.map((e: { to: string }) => e.to),
      ['queued'],
    );
    const list = await runCli(['tasks', 'list', '--tenant', 'acme', '--state', 'queued'], env);
    assert.match(list.stdout, new RegExp(`${id}\\s+acme\\s+training\\s+queued`));
    const cancel = await runCli(['tasks', 'cancel', id, '--reason', 'changed plans'], env);
    assert.equal(cancel.stdout, `cancelled ${id}\n`);
  });

  it('reports bad input and unreachable servers in one line with exit code 1', async () => {
    const badCity = await runCli(
      [
        'tasks',
        'submit',
        '--tenant',
        'acme',
        '--kind',
        'hpc',
        '--hpc-nodes',
        '2',
        '--duration',
        '1h',
        '--origin',
        'atlantis',
      ],
      env,
    );
    assert.equal(badCity.code, 1);
    assert.match(badCity.stderr, /unknown place 'atlantis'.*field: originCity/);
    const missing = await runCli(
      ['tasks', 'submit', '--kind', 'hpc', '--duration', 'soon', '--origin', 'beijing'],
      env,
    );
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /'soon' is not a duration/);
    const down = await runCli(['tasks', 'list', '--url', 'http://127.0.0.1:9']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, /cannot reach the Suanwang API at http:\/\/127\.0\.0\.1:9/);
  });

  it('serves the status page and the API docs', async () => {
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Suanwang 算网/);
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(doc.paths['/tasks']);
  });

  it('refuses a second server on the same data directory, and shuts down cleanly on SIGTERM', async () => {
    const second = await startServe(['--data-dir', dataDir]).then(
      () => null,
      (e: Error) => e.message,
    );
    assert.match(String(second), /exited with 1/);
    assert.match(String(second), new RegExp(`data directory ${dataDir} is in use by process ${server.child.pid}`));
    assert.equal(existsSync(join(dataDir, LOCK_FILE)), true);
    assert.equal(await server.stop(), 0);
    assert.equal(existsSync(join(dataDir, LOCK_FILE)), false, 'lock released');
    // Everything acknowledged is still there for the next opener.
    const store = await PgliteStore.open({ dataDir });
    try {
      const rows = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM tasks WHERE tenant_id = 'acme'");
      assert.ok(rows[0]!.n >= 1);
    } finally {
      await store.close();
    }
  });
});

describe('CLI against a real server (PostgreSQL)', () => {
  if (!pgUrl()) {
    it('runs against PostgreSQL', (t) => t.skip('SUANWANG_TEST_PG_URL is not set'));
    return;
  }
  let server: ServerProcess;
  let drop: () => Promise<void>;
  before(async () => {
    const db = await freshPgDatabase();
    drop = db.drop;
    server = await startServe([], { DATABASE_URL: db.url });
  });
  after(async () => {
    await server?.stop();
    await drop?.();
  });

  it('serves over PostgreSQL: submit, get, list', async () => {
    assert.match(server.output(), /PostgreSQL postgres:\/\//);
    const env = { SUANWANG_URL: server.url };
    const sub = await runCli(
      [
        'tasks',
        'submit',
        '--tenant',
        'pg',
        '--kind',
        'inference',
        '--gpus',
        '1',
        '--duration',
        '10m',
        '--origin',
        'shanghai',
        '--latency-sla',
        '20',
      ],
      env,
    );
    assert.equal(sub.code, 0, sub.stderr);
    const t = JSON.parse((await runCli(['tasks', 'get', sub.stdout.trim(), '--json'], env)).stdout);
    assert.equal(t.latencySlaMs, 20);
  });
});

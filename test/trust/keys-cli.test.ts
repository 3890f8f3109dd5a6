/**
 * `suanwang keys` and keys in the CLI, with the real binary against a real
 * server: the first key straight in the store (--data-dir), a fresh server
 * printing its first operator key once, keys made, listed and revoked over
 * the API, the key from SUANWANG_API_KEY or the config file (written 0600),
 * a tenant key submitting without naming its tenant, and the last operator
 * key protected.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, type ServerProcess, startServe } from '../helpers/cli.js';
import { preparedDataDir, scratchDir } from '../helpers/stores.js';

describe('keys from the CLI', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  let admin: string;
  let adminId: string;
  let tenantKey: string;
  let tenantId: string;
  const noKey = { SUANWANG_API_KEY: '' };
  before(async () => {
    dataDir = await preparedDataDir(scratchDir('keys-cli'));
  });
  after(async () => {
    await server?.stop();
  });

  it('makes the first operator key straight in the store, so the server prints none', async () => {
    const r = await runCli(['keys', 'create', '--data-dir', dataDir, '--role', 'operator', '--name', 'admin'], noKey);
    assert.equal(r.code, 0, r.stderr);
    admin = r.stdout.trim();
    assert.match(admin, /^sw_[a-z0-9]{16}_[0-9a-f]{64}$/);
    adminId = admin.slice(3, 19);
    assert.match(r.stderr, new RegExp(`created operator key ${adminId}; it is shown only this once`));
    server = await startServe(['--data-dir', dataDir, '--api-only']);
    assert.equal(server.apiKey, undefined);
    assert.doesNotMatch(server.output(), /first operator API key/);
  });

  it('works with the key from SUANWANG_API_KEY, and says how to give one when it is missing', async () => {
    const env = { SUANWANG_URL: server!.url, SUANWANG_API_KEY: admin };
    const me = await runCli(['keys', 'whoami', '--json'], env);
    assert.equal(me.code, 0, me.stderr);
    assert.deepEqual(JSON.parse(me.stdout), {
      keyId: adminId,
      name: 'admin',
      role: 'operator',
      tenantId: null,
      siteIds: [],
    });
    const none = await runCli(['sites', 'list'], { SUANWANG_URL: server!.url, ...noKey });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /needs an API key.*\[401 unauthorized\]\nhint: set SUANWANG_API_KEY/);
  });

  it('makes, lists and revokes keys over the API', async () => {
    const env = { SUANWANG_URL: server!.url, SUANWANG_API_KEY: admin };
    const made = await runCli(
      ['keys', 'create', '--role', 'tenant', '--tenant', 'acme', '--expires-in', '30d', '--json'],
      env,
    );
    assert.equal(made.code, 0, made.stderr);
    const created = JSON.parse(made.stdout);
    tenantKey = created.key;
    tenantId = created.record.id;
    assert.equal(created.record.tenantId, 'acme');
    assert.ok(created.record.expiresAtS > Date.now() / 1000 + 29 * 86400);
    const site = await runCli(['keys', 'create', '--role', 'site', '--sites', 'shanghai-edge,new-site'], env);
    assert.equal(site.code, 0, site.stderr);
    const list = await runCli(['keys', 'list'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^ID\s+ROLE\s+BOUND TO\s+NAME/);
    assert.match(list.stdout, new RegExp(`${tenantId}\\s+tenant\\s+acme`));
    assert.match(list.stdout, /site\s+shanghai-edge,new-site/);
    assert.ok(!list.stdout.includes(tenantKey.slice(20)), 'no secrets listed');
    const bad = await runCli(['keys', 'create', '--role', 'tenant'], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /tenantId.*\(field: tenantId\) \[400 validation\]/);
  });

  it('reads the config file (the tenant key submits without --tenant) and writes it readable by its owner only', async () => {
    const dir = scratchDir('cli-config');
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ url: server!.url, apiKey: tenantKey }));
    const env = { SUANWANG_CONFIG: config, SUANWANG_URL: '', ...noKey };
    const me = await runCli(['keys', 'whoami'], env);
    assert.equal(me.code, 0, me.stderr);
    assert.match(me.stdout, /role\s+tenant\ntenant\s+acme/);
    const sub = await runCli(
      ['tasks', 'submit', '--kind', 'inference', '--cpu', '2', '--duration', '10m', '--origin', 'shanghai', '--json'],
      env,
    );
    assert.equal(sub.code, 0, sub.stderr);
    assert.equal(JSON.parse(sub.stdout).tenantId, 'acme');
    const twice = ['tasks', 'submit', '--kind', 'hpc', '--hpc-nodes', '1', '--duration', '1h', '--origin', 'beijing'];
    const a = await runCli([...twice, '--idempotency-key', 'cli-retry'], env);
    const b = await runCli([...twice, '--idempotency-key', 'cli-retry'], env);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.stdout, a.stdout, 'the retry names the same task');
    const forged = await runCli([...twice, '--tenant', 'beta'], env);
    assert.equal(forged.code, 1);
    assert.match(forged.stderr, /submits for tenant 'acme' only.*\[403 forbidden\]/);

    const saved = join(dir, 'saved', 'config.json');
    const mk = await runCli(['keys', 'create', '--role', 'regulator', '--save', '--url', server!.url], {
      SUANWANG_API_KEY: admin,
      SUANWANG_CONFIG: saved,
    });
    assert.equal(mk.code, 0, mk.stderr);
    assert.equal(statSync(saved).mode & 0o777, 0o600);
    const file = JSON.parse(readFileSync(saved, 'utf8'));
    assert.equal(file.apiKey, mk.stdout.trim());
    assert.equal(file.url, server!.url);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"apiKey": 5}');
    const r = await runCli(['keys', 'whoami'], { SUANWANG_CONFIG: broken, ...noKey, SUANWANG_URL: server!.url });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken\.json: 'apiKey' must be a string/);
  });

  it('revokes at once, and protects the last operator key in the store too', async () => {
    const env = { SUANWANG_URL: server!.url, SUANWANG_API_KEY: admin };
    const rev = await runCli(['keys', 'revoke', tenantId], env);
    assert.equal(rev.code, 0, rev.stderr);
    assert.match(rev.stdout, new RegExp(`revoked key ${tenantId}`));
    const after = await runCli(['tasks', 'list'], { SUANWANG_URL: server!.url, SUANWANG_API_KEY: tenantKey });
    assert.equal(after.code, 1);
    assert.match(after.stderr, /revoked/);
    const last = await runCli(['keys', 'revoke', adminId], env);
    assert.equal(last.code, 1);
    assert.match(last.stderr, /last usable operator key.*\[409 conflict\]/);

    assert.equal(await server!.stop(), 0);
    server = undefined;
    const listed = await runCli(['keys', 'list', '--data-dir', dataDir, '--revoked', '--json'], noKey);
    assert.equal(listed.code, 0, listed.stderr);
    const keys = JSON.parse(listed.stdout) as { id: string; revokedAtS: number | null }[];
    assert.ok(keys.find((k) => k.id === tenantId)?.revokedAtS);
    const refused = await runCli(['keys', 'revoke', '--data-dir', dataDir, adminId], noKey);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /last usable operator key/);
    const forced = await runCli(['keys', 'revoke', '--data-dir', dataDir, adminId, '--force'], noKey);
    assert.equal(forced.code, 0, forced.stderr);
  });

  it('prints the first operator key when a server starts on an empty store, once', async () => {
    const fresh = await preparedDataDir(scratchDir('keys-cli-boot'));
    const first = await startServe(['--data-dir', fresh, '--api-only']);
    try {
      assert.match(String(first.apiKey), /^sw_/);
      assert.match(first.output(), /created the first operator API key; it is shown only this once/);
      const me = await runCli(['keys', 'whoami', '--json'], {
        SUANWANG_URL: first.url,
        SUANWANG_API_KEY: first.apiKey!,
      });
      assert.equal(JSON.parse(me.stdout).name, 'first operator key');
    } finally {
      assert.equal(await first.stop(), 0);
    }
    const second = await startServe(['--data-dir', fresh, '--api-only']);
    try {
      assert.equal(second.apiKey, undefined);
    } finally {
      await second.stop();
    }
  });
});

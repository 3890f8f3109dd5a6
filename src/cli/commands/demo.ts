/**
 * `suanwang demo`: the whole platform on the embedded default — PGlite in
 * ./.suanwang, the national topology, the scheduler and the local executor —
 * with a demo workload submitted through the typed client, a readable
 * summary of where each task went and why, and the server left running.
 */
import type { Command } from 'commander';
import { parseInteger, printTable } from './common.js';

interface DemoOptions {
  port: number;
  host: string;
  dataDir: string;
  policy: string;
  exit?: boolean;
  wait: number;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'timed-out']);

export function register(program: Command): void {
  program
    .command('demo')
    .description('Serve on the embedded store, load the national topology, run a demo workload and show what happened')
    .option('--port <port>', 'TCP port (0 = any free port)', parseInteger, 8080)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'PGlite data directory', './.suanwang')
    .option('--policy <name>', 'scheduling policy: nearest, cheapest, greenest, balanced, optimal', 'balanced')
    .option('--wait <seconds>', 'how long to follow the demo tasks before the summary', parseInteger, 60)
    .option('--exit', 'stop the server after the summary instead of running until Ctrl-C')
    .action(async (o: DemoOptions) => {
      const { startPlatform } = await import('../../runtime/serve.js');
      const { SuanwangClient } = await import('../../client/index.js');
      const { demoWorkload } = await import('../../runtime/demo-workload.js');
      const { POLICY_NAMES } = await import('../../scheduler/index.js');
      if (!(POLICY_NAMES as readonly string[]).includes(o.policy)) {
        process.stderr.write(`error: --policy must be one of ${POLICY_NAMES.join(', ')}, got '${o.policy}'\n`);
        process.exit(2);
      }
      const say = (s: string) => process.stdout.write(`${s}\n`);
      const server = await startPlatform({
        port: o.port,
        host: o.host,
        dataDir: o.dataDir,
        policy: o.policy as never,
        scheduleIntervalMs: 200,
        dispatch: { pollIntervalMs: 250 },
        logger: false,
        handleSignals: !o.exit,
      }).catch((err: Error) => {
        process.stderr.write(`error: ${err.message}\n`);
        process.exit(1);
      });
      say(`Suanwang (算网) demo — server at ${server.url}, store: PGlite in ${o.dataDir}, policy: ${o.policy}`);
      // The first start of a data directory makes its operator key (shown once); the demo's own client
      // uses a short-lived key of its own, so a later run needs nothing from the first.
      const { createApiKey, ensureBootstrapKey } = await import('../../auth/key-store.js');
      const boot = await ensureBootstrapKey(server.store);
      if (boot.key) say(`Operator API key (shown only this once, keep it): ${boot.key}`);
      const demoKey = await createApiKey(server.store, {
        name: 'demo client',
        role: 'operator',
        expiresAtS: Date.now() / 1000 + 86400,
        createdBy: 'demo',
      });
      const client = new SuanwangClient({ baseUrl: server.url, apiKey: demoKey.key });

      const sites = new Map<string, Awaited<ReturnType<typeof client.getSite>>>();
      for await (const s of client.allSites()) sites.set(s.id, s);
      const hubs = new Map((await client.hubs()).map((h) => [h.id, h]));
      say(`National topology: ${hubs.size} hubs, ${sites.size} sites.\n`);

      const nowS = Date.now() / 1000;
      const workload = demoWorkload(nowS);
      const ids: string[] = [];
      for (const d of workload) ids.push((await client.submitTask(d.submission)).id);
      say(`Submitted ${ids.length} demo tasks. Following them for up to ${o.wait} s…\n`);

      const t0 = Date.now();
      let tasks = await Promise.all(ids.map((id) => client.getTask(id)));
      while (Date.now() - t0 < o.wait * 1000) {
        const pending = tasks.filter((t) => !TERMINAL.has(t.state) && !(t.placement && t.placement.startS > nowS + 60));
        if (pending.length === 0) break;
        await new Promise((r) => setTimeout(r, 500));
        tasks = await Promise.all(ids.map((id) => client.getTask(id)));
      }

      const where = (siteId: string | null | undefined) => {
        const s = siteId ? sites.get(siteId) : undefined;
        if (!s) return siteId ?? '—';
        const hub = s.hubId ? hubs.get(s.hubId) : undefined;
        return `${s.nameZh} (${hub?.nameZh ?? s.province}, ${s.side})`;
      };
      const rows = tasks.map((t, i) => {
        const p = t.placement;
        const inH = p ? (p.startS - nowS) / 3600 : 0;
        return [
          t.kind,
          t.originCity,
          where(t.siteId ?? p?.siteId),
          p ? (inH > 0.05 ? `in ${inH.toFixed(1)} h` : 'now') : '—',
          p ? `${Math.round(p.score.carbonG / 1000).toLocaleString('en-US')} kg` : '—',
          p ? `¥${(p.score.costFen / 100).toFixed(0)}` : '—',
          t.state,
          workload[i]!.shows,
        ];
      });
      printTable(['kind', 'from', 'placed at', 'start', 'CO2', 'cost', 'state', 'shows'], rows);
      say('');
      for (const t of tasks) {
        if (t.placement) say(`• ${t.id}: ${t.placement.explanation}`);
        else say(`• ${t.id}: waiting — ${t.stateReason ?? 'not placed yet'}`);
        if (t.state === 'failed') say(`  failed: ${t.stateReason}`);
      }
      const done = tasks.find((t) => t.state === 'succeeded');
      if (done) {
        const logs = await client.taskLogs(done.id);
        say(`\nOutput of ${done.id} (suanwang tasks logs ${done.id}):\n${logs.text.trim()}`);
      }
      const counts = new Map<string, number>();
      for (const t of tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
      say(`\nStates: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}.`);
      if (o.exit) {
        await server.close();
        return;
      }
      say(`\nSuanwang is running: dashboard ${server.url}/ · API docs ${server.url}/docs · Ctrl-C to stop.`);
    });
}

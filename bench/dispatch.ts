/**
 * Dispatch throughput against a real local Slurm cluster with many declared
 * CPUs: how fast Slurm itself takes and runs trivial jobs (submitted straight
 * through slurmrestd), and how fast the platform dispatches placed tasks to it
 * (store → DispatchLoop → slurmrestd → job row + task state), with the
 * platform's own time per task (everything but the REST call) and the
 * placed → job-visible-in-Slurm latency.
 *
 *   npx tsx bench/dispatch.ts            (or: npm run bench -- dispatch)
 * Knobs: BENCH_TASKS (default 400), LOCAL_SLURM_CPUS (declared CPUs, default 64),
 * BENCH_CONCURRENCY (loop submit concurrency, default 4: slurmrestd serves
 * requests one at a time, more only queue there).
 * Starts its own cluster with scripts/slurm/start.sh (root; Debian packages are
 * installed if missing) on free local ports and stops it after. Prints one JSON object.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Backend, isTerminalJobState, type JobRef, type JobSpec } from '../src/dispatch/backend.js';
import { DispatchLoop } from '../src/dispatch/dispatch-loop.js';
import type { BackendSource } from '../src/dispatch/registry.js';
import { SlurmBackend } from '../src/dispatch/slurm/slurm-backend.js';
import type { Site } from '../src/domain/site.js';
import type { Task } from '../src/domain/task.js';
import {
  changeTaskState,
  insertTasks,
  openStore,
  recordPlacement,
  type Store,
  upsertSite,
} from '../src/store/index.js';

const run = promisify(execFile);
const SCRIPTS = resolve(import.meta.dirname, '../scripts/slurm');
const N = Number(process.env.BENCH_TASKS ?? 400);
const CPUS = Number(process.env.LOCAL_SLURM_CPUS ?? 64);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const log = (msg: string) => process.stderr.write(`[bench:dispatch] ${msg}\n`);

interface ClusterInfo {
  name: string;
  slurm_conf: string;
  workdir: string;
  partition: string;
  rest: { url: string; token: string; user: string };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : Number.NaN;
};
const r2 = (x: number) => Math.round(x * 100) / 100;
const nowS = () => Date.now() / 1000;

async function freeBase(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((res) => {
      const s = net.createServer();
      s.once('error', () => res(false));
      s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
    });
  for (let i = 0; i < 50; i++) {
    const base = 18000 + 20 * Math.floor(Math.random() * 1000);
    let ok = true;
    for (let p = base; p < base + 4 && ok; p++) ok = await free(p);
    if (ok) return base;
  }
  throw new Error('no free ports');
}

/** Waits until every job has ended; returns when the last one did (wall clock). */
async function waitAllEnded(b: Backend, refs: JobRef[]): Promise<number> {
  let left = refs;
  while (left.length > 0) {
    const st = await b.status(left);
    left = left.filter((r) => {
      const s = st.get(r.jobId);
      return !s || !isTerminalJobState(s.state);
    });
    if (left.length > 0) await new Promise((r) => setTimeout(r, 250));
  }
  return Date.now();
}

function task(i: number, tag: string): Task {
  const t = nowS();
  return {
    id: `t_bench_${tag}_${i}`,
    tenantId: 'bench',
    kind: 'data-processing',
    resources: { cpuCores: 1, memoryGb: 0, gpus: 0, hpcNodes: 0, storageTb: 0 },
    durationS: 60,
    estimatedDurationS: 60,
    submittedAtS: t,
    earliestStartS: t,
    deadlineS: null,
    originCity: 'hohhot',
    latencySlaMs: null,
    dataGb: 0,
    dataClass: 'general',
    allowedHubs: [],
    pairedOnly: false,
    priority: 0,
    command: 'true',
  };
}

async function placeAll(store: Store, tasks: Task[], siteId: string): Promise<void> {
  await store.tx(async (sql) => {
    await insertTasks(sql, tasks);
    for (const t of tasks) {
      await recordPlacement(sql, {
        taskId: t.id,
        siteId,
        startS: 0,
        endS: 60,
        profile: 'bench',
        score: { total: 0, parts: {}, carbonG: 0, costFen: 0, latencyMs: 0, energyKwh: 0 },
        runnersUp: [],
        explanation: 'bench',
        decidedAtS: nowS(),
      });
      await changeTaskState(sql, t.id, 'placed', { reason: 'bench', atS: nowS(), siteId });
    }
  });
}

/** Times every backend call the loop makes, so platform time = wall − backend time. */
class TimedBackends implements BackendSource {
  submitMs: number[] = [];
  statusMs = 0;
  statusCalls = 0;
  constructor(private readonly backend: Backend) {}
  backendFor(): Backend {
    const b = this.backend;
    const self = this;
    return {
      kind: b.kind,
      cluster: b.cluster,
      ping: () => b.ping(),
      async submit(spec: JobSpec) {
        const t0 = performance.now();
        try {
          return await b.submit(spec);
        } finally {
          self.submitMs.push(performance.now() - t0);
        }
      },
      async status(refs) {
        const t0 = performance.now();
        try {
          return await b.status(refs);
        } finally {
          self.statusMs += performance.now() - t0;
          self.statusCalls++;
        }
      },
      find: (n) => b.find(n),
      cancel: (r) => b.cancel(r),
      readOutput: (r, o) => b.readOutput(r, o),
      close: async () => {},
    };
  }
  async close(): Promise<void> {}
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'sw-bench-slurm-'));
  const base = await freeBase();
  log(`starting a Slurm cluster with ${CPUS} declared CPUs in ${dir}`);
  await run('bash', [join(SCRIPTS, 'start.sh'), dir, '1'], {
    env: {
      ...process.env,
      LOCAL_SLURM_BASE_PORT: String(base),
      LOCAL_SLURM_CPUS: String(CPUS),
      LOCAL_SLURM_MEM_MB: String(CPUS * 256),
    },
    maxBuffer: 16 << 20,
  });
  let store: Store | undefined;
  try {
    const c = (JSON.parse(await readFile(join(dir, 'clusters.json'), 'utf8')) as { clusters: ClusterInfo[] })
      .clusters[0]!;
    const backend = new SlurmBackend({
      cluster: c.name,
      restUrl: c.rest.url,
      token: c.rest.token,
      userName: c.rest.user,
      slurmConf: c.slurm_conf,
      partition: c.partition,
      workDir: c.workdir,
    });
    await backend.ping();

    // ---- Slurm's own rate: jobs straight through slurmrestd
    log(`Slurm alone: ${N} trivial jobs, one REST submit at a time`);
    const direct: JobRef[] = [];
    const submitMs: number[] = [];
    const t0 = Date.now();
    for (let i = 0; i < N; i++) {
      const s = performance.now();
      direct.push(
        await backend.submit({
          taskId: `direct${i}`,
          attempt: 1,
          command: 'true',
          resources: task(0, 'x').resources,
          timeLimitS: 60,
        }),
      );
      submitMs.push(performance.now() - s);
    }
    const submitDone = Date.now();
    const allEnded = await waitAllEnded(backend, direct);
    const slurm = {
      submitPerSecond: r2(N / ((submitDone - t0) / 1000)),
      submitMsP50: r2(pct(submitMs, 50)),
      submitMsP99: r2(pct(submitMs, 99)),
      completedPerSecond: r2(N / ((allEnded - t0) / 1000)),
    };
    log(`Slurm alone: ${JSON.stringify(slurm)}`);

    // ---- the platform: placed tasks in the store → DispatchLoop → Slurm
    store = await openStore({ memory: true });
    const site: Site = {
      id: 'bench-dc',
      name: 'bench',
      nameZh: 'bench',
      tier: 'cluster',
      hubId: null,
      clusterId: null,
      city: 'hohhot',
      province: 'Inner Mongolia',
      side: 'west',
      gridRegion: '华北',
      lat: 40.8,
      lon: 111.7,
      pue: 1.2,
      greenShare: 0.3,
      gridCarbonGPerKwh: 600,
      capacity: {
        cpuCores: CPUS,
        memoryGb: 256,
        gpus: [],
        hpcNodes: 0,
        hpcCoresPerNode: 0,
        storageTb: 1,
        storageSsdShare: 1,
        racks: 1,
      },
      prices: {
        priceFenPerCoreHour: 5,
        priceFenPerGpuHour: 500,
        priceFenPerHpcNodeHour: 300,
        priceFenPerTbMonth: 10000,
        priceFenPerGbMoved: 1,
      },
      status: 'up',
      compliant: true,
      backend: {
        kind: 'slurm',
        clusterName: c.name,
        restUrl: c.rest.url,
        token: c.rest.token,
        slurmConf: c.slurm_conf,
        workDir: c.workdir,
      },
    };
    await store.tx((sql) => upsertSite(sql, site, nowS()));

    const phase = async (tag: string, concurrency: number) => {
      const tasks = Array.from({ length: N }, (_, i) => task(i, tag));
      await placeAll(store!, tasks, site.id);
      const timed = new TimedBackends(backend);
      const loop = new DispatchLoop({
        store: store!,
        backends: timed,
        hooks: { replace: async () => null },
        submitConcurrency: concurrency,
        batchSize: N,
        sites: () => site,
      });
      const start = performance.now();
      const tick = await loop.tick();
      const dispatchMs = performance.now() - start;
      if (tick.submitted !== N)
        throw new Error(`${tag}: submitted ${tick.submitted} of ${N}: ${tick.errors.join('; ')}`);
      const backendMs = timed.submitMs.reduce((a, b) => a + b, 0);
      // then run the loop until every task is done: completion throughput through the platform
      for (;;) {
        const [{ n }] = (await store!.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM tasks WHERE id LIKE $1 AND state NOT IN ('succeeded', 'failed', 'cancelled', 'timed-out')`,
          [`t_bench_${tag}_%`],
        )) as [{ n: number }];
        if (n === 0) break;
        await new Promise((r) => setTimeout(r, 250));
        await loop.tick();
      }
      const doneMs = performance.now() - start;
      const [{ ok }] = (await store!.query<{ ok: number }>(
        `SELECT count(*)::int AS ok FROM tasks WHERE id LIKE $1 AND state = 'succeeded'`,
        [`t_bench_${tag}_%`],
      )) as [{ ok: number }];
      return {
        submitConcurrency: concurrency,
        dispatchedPerSecond: r2(N / (dispatchMs / 1000)),
        // the platform's own work per task: store reads and writes, state transitions, events
        platformMsPerTask: r2((dispatchMs * concurrency - backendMs) / N),
        platformMsPerTaskSequential: concurrency === 1 ? r2((dispatchMs - backendMs) / N) : undefined,
        restSubmitMsP50: r2(pct(timed.submitMs, 50)),
        completedPerSecond: r2(N / (doneMs / 1000)),
        succeeded: ok,
      };
    };
    log(`platform: ${N} placed tasks, submit concurrency 1`);
    const sequential = await phase('seq', 1);
    log(`platform sequential: ${JSON.stringify(sequential)}`);
    log(`platform: ${N} placed tasks, submit concurrency ${CONCURRENCY}`);
    const concurrent = await phase('con', CONCURRENCY);
    log(`platform concurrent: ${JSON.stringify(concurrent)}`);

    // a steady stream: one task placed every 50 ms while the loop runs; after each placement the
    // runtime kicks the loop (as it does after a scheduling cycle), statuses are polled every second
    const POLL_MS = 1000;
    const STREAM = Math.min(N, 100);
    log(`platform: a stream of ${STREAM} tasks, one every 50 ms, each followed by loop.kick()`);
    const timed = new TimedBackends(backend);
    const loop = new DispatchLoop({
      store,
      backends: timed,
      hooks: { replace: async () => null },
      submitConcurrency: CONCURRENCY,
      pollIntervalMs: POLL_MS,
      statusIntervalMs: POLL_MS,
      sites: () => site,
    });
    await loop.start();
    const placedAt = new Map<string, number>();
    for (let i = 0; i < STREAM; i++) {
      const t = task(i, 'stream');
      await placeAll(store, [t], site.id);
      placedAt.set(t.id, nowS());
      void loop.kick();
      await new Promise((r) => setTimeout(r, 50));
    }
    let visible: { task_id: string; submitted_at_s: number | null }[] = [];
    for (let i = 0; i < 100; i++) {
      visible = await store.query(
        `SELECT task_id, submitted_at_s FROM dispatch_jobs WHERE task_id LIKE 't_bench_stream_%'`,
      );
      if (visible.length === STREAM && visible.every((v) => v.submitted_at_s !== null)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await loop.stop();
    const latencyMs = visible.map((v) => (Number(v.submitted_at_s) - placedAt.get(v.task_id)!) * 1000);
    const stream = {
      tasks: STREAM,
      pollIntervalMs: POLL_MS,
      placedToJobVisibleMsP50: r2(pct(latencyMs, 50)),
      placedToJobVisibleMsP99: r2(pct(latencyMs, 99)),
      restSubmitMsP50: r2(pct(timed.submitMs, 50)),
      statusCalls: timed.statusCalls,
      statusMsMean: r2(timed.statusMs / Math.max(1, timed.statusCalls)),
    };
    log(`platform stream: ${JSON.stringify(stream)}`);

    const overhead = sequential.platformMsPerTaskSequential!;
    process.stdout.write(
      `${JSON.stringify({
        bench: 'dispatch',
        tasks: N,
        slurmCpus: CPUS,
        slurmVersion: (await run('slurmctld', ['-V'])).stdout.trim(),
        restApi: await backend.apiVersion(),
        store: store.kind,
        slurm,
        platformSequential: sequential,
        platformConcurrent: concurrent,
        platformStream: stream,
        platformOverheadMsPerTask: overhead,
        target: { overheadMsPerTask: 50, keepsUpWithSlurm: true },
        meetsOverheadTarget: overhead <= 50,
        // Slurm's own rate is how fast it runs jobs: the platform keeps up when it hands jobs over at least
        // that fast and tasks complete through it at (nearly) Slurm's own completion rate
        keepsUpWithSlurm:
          Math.max(sequential.dispatchedPerSecond, concurrent.dispatchedPerSecond) >= slurm.completedPerSecond &&
          Math.max(sequential.completedPerSecond, concurrent.completedPerSecond) >= 0.9 * slurm.completedPerSecond,
        // against Slurm's raw REST acceptance rate (one call at a time, no bookkeeping at all)
        dispatchVsRawSubmit: r2(
          Math.max(sequential.dispatchedPerSecond, concurrent.dispatchedPerSecond) / slurm.submitPerSecond,
        ),
      })}\n`,
    );
  } finally {
    await store?.close();
    await run('bash', [join(SCRIPTS, 'stop.sh'), dir]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

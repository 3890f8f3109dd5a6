/**
 * Real local Slurm clusters for the dispatch tests: the ones the test command
 * started (SUANWANG_TEST_SLURM_DIR), or clusters of the test's own, started
 * with scripts/slurm/start.sh in a temp dir on free local ports and stopped
 * after. Without either (not root), tests skip — except under CI, where they fail.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Site } from '../../src/domain/site.js';

const run = promisify(execFile);
const SCRIPTS = resolve(import.meta.dirname, '../../scripts/slurm');

export interface ClusterInfo {
  name: string;
  slurm_conf: string;
  workdir: string;
  partition: string;
  nodes: string[];
  cpus_per_node: number;
  mem_mb_per_node: number;
  rest: { url: string; user: string; token: string; unix_socket: string; jwt_key: string } | null;
}

export interface SlurmEnv {
  dir: string;
  clusters: ClusterInfo[];
  own: boolean;
  /** Stops the clusters if this test started them. */
  stop(): Promise<void>;
  ctl(cluster: string, action: 'stop' | 'kill' | 'start' | 'status'): Promise<string>;
}

/** Why Slurm cannot be had here, or null when it can. */
export function slurmUnavailable(): string | null {
  if (process.env.SUANWANG_TEST_SLURM_DIR) return null;
  if (process.getuid?.() !== 0) return 'SUANWANG_TEST_SLURM_DIR is not set and starting Slurm needs root';
  return null;
}

/**
 * The shared clusters when the test command provides them (unless `own`),
 * else clusters started for this test. Throws under CI when neither works.
 */
export async function useSlurm(
  opts: { own?: boolean; clusters?: number; env?: Record<string, string> } = {},
): Promise<SlurmEnv> {
  const shared = process.env.SUANWANG_TEST_SLURM_DIR;
  if (shared && !opts.own) {
    const info = JSON.parse(await readFile(join(shared, 'clusters.json'), 'utf8')) as { clusters: ClusterInfo[] };
    if (info.clusters.length < (opts.clusters ?? 1))
      throw new Error(`${shared} has ${info.clusters.length} clusters, need ${opts.clusters}`);
    return { dir: shared, clusters: info.clusters, own: false, stop: async () => {}, ctl: (c, a) => ctl(shared, c, a) };
  }
  const why = process.getuid?.() !== 0 ? 'starting Slurm needs root' : null;
  if (why) throw new Error(why);
  const n = opts.clusters ?? 1;
  const dir = await mkdtemp(join(tmpdir(), 'sw-slurm-'));
  const base = await freeBasePort(n);
  await run('bash', [join(SCRIPTS, 'start.sh'), dir, String(n)], {
    env: { ...process.env, LOCAL_SLURM_BASE_PORT: String(base), LOCAL_SLURM_CPUS: '8', ...opts.env },
    maxBuffer: 16 << 20,
  });
  const info = JSON.parse(await readFile(join(dir, 'clusters.json'), 'utf8')) as { clusters: ClusterInfo[] };
  return {
    dir,
    clusters: info.clusters,
    own: true,
    stop: async () => {
      await run('bash', [join(SCRIPTS, 'stop.sh'), dir], { env: { ...process.env, LOCAL_SLURM_PURGE: '1' } });
    },
    ctl: (c, a) => ctl(dir, c, a),
  };
}

async function ctl(dir: string, cluster: string, action: string): Promise<string> {
  const { stdout } = await run('bash', [join(SCRIPTS, 'ctl.sh'), dir, cluster, action]);
  return stdout.trim();
}

/** A base port B such that B..B+20n are free on 127.0.0.1 (start.sh refuses taken ports anyway). */
async function freeBasePort(n: number): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const base = 17000 + 20 * Math.floor(Math.random() * 1500);
    let ok = true;
    for (let p = base; p < base + 20 * n && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new Error('no free port range for Slurm');
}

function portFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const s = net.createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
}

/** A Site whose backend is this cluster (REST with JWT by default). */
export function slurmSite(
  c: ClusterInfo,
  id: string,
  mode: 'rest' | 'cli' | 'socket' = 'rest',
  extra: Partial<Site> = {},
): Site {
  const backend: Site['backend'] =
    mode === 'cli'
      ? { kind: 'slurm', clusterName: c.name, slurmConf: c.slurm_conf, partition: c.partition, workDir: c.workdir }
      : mode === 'socket'
        ? {
            kind: 'slurm',
            clusterName: c.name,
            restSocket: c.rest!.unix_socket,
            slurmConf: c.slurm_conf,
            partition: c.partition,
            workDir: c.workdir,
          }
        : {
            kind: 'slurm',
            clusterName: c.name,
            restUrl: c.rest!.url,
            token: c.rest!.token,
            userName: c.rest!.user,
            slurmConf: c.slurm_conf,
            partition: c.partition,
            workDir: c.workdir,
          };
  return testSite(id, backend, extra);
}

export function testSite(id: string, backend: Site['backend'], extra: Partial<Site> = {}): Site {
  return {
    id,
    name: id,
    nameZh: id,
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
      cpuCores: 64,
      memoryGb: 256,
      gpus: [],
      hpcNodes: 0,
      hpcCoresPerNode: 0,
      storageTb: 10,
      storageSsdShare: 0.5,
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
    backend,
    ...extra,
  };
}

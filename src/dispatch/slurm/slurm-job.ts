/**
 * What Slurm says about a job, normalised across the REST API versions and the
 * CLI (scontrol / sacct -c), and how that maps to the platform's job states.
 */
import type { JobAccounting, JobRef, JobState, JobStatus } from '../backend.js';

export interface SlurmJobInfo {
  jobId: string;
  name: string;
  /** Slurm's base state, e.g. PENDING, RUNNING, COMPLETED, FAILED, NODE_FAIL, TIMEOUT. */
  state: string;
  /** Slurm's state_reason, e.g. NonZeroExitCode, TimeLimit, PartitionConfig; null for None. */
  reason: string | null;
  exitCode: number | null;
  signal: number | null;
  submitTimeS: number | null;
  startTimeS: number | null;
  endTimeS: number | null;
  cpus: number | null;
  nodes: string | null;
  stdout: string | null;
}

const PENDING = new Set(['PENDING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESV_DEL_HOLD', 'CONFIGURING']);
const RUNNING = new Set(['RUNNING', 'COMPLETING', 'SUSPENDED', 'STAGE_OUT', 'SIGNALING', 'RESIZING', 'STOPPED']);
/** Failures a new attempt elsewhere may not repeat: the machine failed, not the job. */
const RETRYABLE_STATES = new Set(['NODE_FAIL', 'BOOT_FAIL', 'PREEMPTED']);
const RETRYABLE_REASONS = new Set([
  'JobLaunchFailure',
  'launch_failed_requeued_held',
  'Prolog',
  'NodeDown',
  'NodeFail',
]);
/** The base state names, in the order they win when Slurm reports a state with flags (v0.0.40+: a list). */
export const BASE_STATES = [
  'COMPLETED',
  'FAILED',
  'NODE_FAIL',
  'BOOT_FAIL',
  'OUT_OF_MEMORY',
  'TIMEOUT',
  'DEADLINE',
  'CANCELLED',
  'PREEMPTED',
  'REVOKED',
  'SPECIAL_EXIT',
  ...RUNNING,
  ...PENDING,
];

/** Maps Slurm's view of a job onto the platform's. Unknown states count as running (never as an end). */
export function toJobStatus(ref: JobRef, j: SlurmJobInfo): JobStatus {
  const { state, retryable } = mapState(j.state, j.reason);
  const why = j.reason && j.reason !== 'None' ? j.reason : null;
  let reason: string | null = why
    ? `${j.state}: ${why}`
    : j.state === 'PENDING' || j.state === 'RUNNING'
      ? null
      : j.state;
  if (state === 'failed' && j.exitCode !== null && j.exitCode !== 0)
    reason = `${reason ?? j.state}, exit code ${j.exitCode}`;
  if (state === 'failed' && j.signal) reason = `${reason ?? j.state}, signal ${j.signal}`;
  return { ref, state, reason, retryable, accounting: accountingOf(j, state) };
}

export function mapState(slurmState: string, reason: string | null): { state: JobState; retryable: boolean } {
  const s = slurmState.toUpperCase();
  if (PENDING.has(s)) return { state: 'pending', retryable: false };
  if (RUNNING.has(s)) return { state: 'running', retryable: false };
  switch (s) {
    case 'COMPLETED':
      return { state: 'succeeded', retryable: false };
    case 'CANCELLED':
      return { state: 'cancelled', retryable: false };
    case 'TIMEOUT':
    case 'DEADLINE':
      return { state: 'timed-out', retryable: false };
    case 'FAILED':
      return { state: 'failed', retryable: reason !== null && RETRYABLE_REASONS.has(reason) };
    default:
      if (RETRYABLE_STATES.has(s)) return { state: 'failed', retryable: true };
      if (s === 'OUT_OF_MEMORY' || s === 'REVOKED' || s === 'SPECIAL_EXIT')
        return { state: 'failed', retryable: false };
      return { state: 'running', retryable: false };
  }
}

function accountingOf(j: SlurmJobInfo, state: JobState): JobAccounting | null {
  const started = j.startTimeS && j.startTimeS > 0 && state !== 'pending' ? j.startTimeS : null;
  if (started === null && state === 'pending') return null;
  const terminal = state !== 'pending' && state !== 'running';
  // for a running job Slurm's end_time is the expected end (start + limit), not a fact
  const ended = terminal && j.endTimeS && j.endTimeS > 0 ? j.endTimeS : null;
  const wallS = started !== null && ended !== null ? Math.max(0, ended - started) : 0;
  const cpus = j.cpus ?? 0;
  return {
    submittedAtS: j.submitTimeS && j.submitTimeS > 0 ? j.submitTimeS : null,
    startedAtS: started,
    endedAtS: ended,
    wallS,
    cpus,
    cpuCoreS: cpus * wallS,
    // consumed CPU time needs slurmdbd + jobacct_gather; Slurm's REST and jobcomp do not carry it
    cpuUsedS: null,
    exitCode: terminal ? j.exitCode : null,
    signal: terminal ? j.signal : null,
    nodes: j.nodes,
    outputPath: j.stdout,
  };
}

/** A raw wait status (what v0.0.36–38 return as exit_code): exit 3 → 768, SIGTERM → 15. */
export function decodeWaitStatus(raw: number): { exitCode: number | null; signal: number | null } {
  const sig = raw & 0x7f;
  if (sig !== 0) return { exitCode: null, signal: sig };
  return { exitCode: (raw >> 8) & 0xff, signal: null };
}

/** "exit:signal" as printed by scontrol and sacct, e.g. "3:0", "0:15". */
export function decodeExitPair(text: string | undefined): { exitCode: number | null; signal: number | null } {
  const m = /^(\d+):(\d+)$/.exec(text ?? '');
  if (!m) return { exitCode: null, signal: null };
  const sig = Number(m[2]);
  return sig ? { exitCode: null, signal: sig } : { exitCode: Number(m[1]), signal: null };
}

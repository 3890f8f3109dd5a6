/** Process checks from /proc (Linux): a pid alone may have been recycled, so the command line must match too. */
import { readFileSync } from 'node:fs';

/**
 * True when `pid` runs and is not a zombie, and its command line contains
 * `marker` (e.g. the job directory). Zombies count as gone: PID 1 in
 * containers often reaps late.
 */
export function isProcessAlive(pid: number, marker?: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the state follows the command name, which is in parentheses and may contain spaces
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X' || state === '') return false;
    if (marker === undefined) return true;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(marker);
  } catch {
    return false;
  }
}

/** Sends a signal (a negative pid = a process group); false when there was no such process. */
export function signalProcess(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

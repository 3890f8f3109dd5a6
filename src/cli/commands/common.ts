/**
 * What the CLI commands share: the API client from --url / SUANWANG_URL,
 * output as aligned tables or --json, durations and times from the command
 * line, and errors printed as one line with a non-zero exit code.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { cliConfigPath, clientSettings } from '../../auth/client-config.js';
import { DEFAULT_URL, SuanwangApiError, SuanwangClient, SuanwangConnectionError } from '../../client/index.js';

/** The --url option on a command group; its subcommands list it in their --help. */
export function addUrlOption(cmd: Command): Command {
  return cmd
    .option('--url <url>', `API base URL (env SUANWANG_URL, default ${DEFAULT_URL})`)
    .configureHelp({ showGlobalOptions: true });
}

/** The client for --url / SUANWANG_URL / the config file, with SUANWANG_API_KEY or the config file's key. */
export function clientFor(cmd: Command): SuanwangClient {
  const { url } = cmd.optsWithGlobals<{ url?: string }>();
  let settings: { url?: string; apiKey?: string };
  try {
    settings = clientSettings({ ...(url !== undefined && { url }) });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  return new SuanwangClient({
    baseUrl: settings.url ?? DEFAULT_URL,
    ...(settings.apiKey && { apiKey: settings.apiKey }),
  });
}

/** Runs a command body; API and connection errors become one line on stderr and exit code 1. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      if (err instanceof SuanwangApiError) {
        process.stderr.write(
          `error: ${err.message}${err.field ? ` (field: ${err.field})` : ''} [${err.status} ${err.error}]\n`,
        );
        if (err.status === 401) {
          process.stderr.write(`hint: set SUANWANG_API_KEY, or "apiKey" in ${cliConfigPath()}\n`);
        }
      } else if (err instanceof SuanwangConnectionError || err instanceof CliError) {
        process.stderr.write(`error: ${err.message}\n`);
      } else {
        throw err;
      }
      process.exitCode = 1;
    }
  };
}

/** A mistake the user can fix, reported without a stack trace. */
export class CliError extends Error {}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Display width: CJK characters take two columns in a terminal. */
function width(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch)
      ? 2
      : 1;
  return w;
}

export function printTable(headers: string[], rows: (string | number | null | undefined)[][]): void {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, i) => c + ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(c))))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(headers)}\n${cells.map(line).join('\n')}${cells.length ? '\n' : ''}`);
}

export function printFields(fields: [string, unknown][]): void {
  const w = Math.max(...fields.map(([k]) => k.length));
  for (const [k, v] of fields) {
    const text = v === null || v === undefined ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    process.stdout.write(`${k.padEnd(w)}  ${text}\n`);
  }
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** "90", "90s", "15m", "2h", "1d12h" → seconds. */
export function parseDurationS(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)([smhdw])/g;
  let total = 0;
  let consumed = 0;
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== t.length) {
    throw new InvalidArgumentError(`'${text}' is not a duration (e.g. 3600, 90s, 15m, 2h, 1d12h)`);
  }
  return total;
}

/** "+2h" (from now), Unix seconds, or an ISO date/time → Unix seconds. */
export function parseTimeS(text: string, nowS = Date.now() / 1000): number {
  const t = text.trim();
  if (t.startsWith('+')) return nowS + parseDurationS(t.slice(1));
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  if (Number.isNaN(ms))
    throw new InvalidArgumentError(`'${text}' is not a time (e.g. +6h, 1767225600, 2026-12-01T08:00:00+08:00)`);
  return ms / 1000;
}

export function parseNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`'${text}' is not a number`);
  return n;
}

export function parseInteger(text: string): number {
  const n = parseNumber(text);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`'${text}' is not a whole number`);
  return n;
}

export function formatTimeS(s: number | null | undefined): string {
  if (s === null || s === undefined) return '-';
  return new Date(s * 1000).toISOString().replace('.000Z', 'Z');
}

export function formatDurationS(s: number): string {
  if (s < 120) return `${Math.round(s)}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${(s / 3600).toFixed(1).replace(/\.0$/, '')}h`;
  return `${(s / 86400).toFixed(1).replace(/\.0$/, '')}d`;
}

/** Reads JSON from a file path, or from stdin for "-". */
export async function readJsonInput(path: string): Promise<unknown> {
  let text: string;
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  } else {
    const { readFile } = await import('node:fs/promises');
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${path === '-' ? 'stdin' : path} is not valid JSON: ${(err as Error).message}`);
  }
}

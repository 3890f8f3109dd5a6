/**
 * Where the CLI finds its server and key: flags, then the environment
 * (SUANWANG_URL, SUANWANG_API_KEY), then the config file
 * (~/.config/suanwang/config.json: `{"url": "...", "apiKey": "sw_..."}`;
 * $SUANWANG_CONFIG or $XDG_CONFIG_HOME move it). The file holds a secret,
 * so it is written readable by its owner only.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CliConfig {
  url?: string;
  apiKey?: string;
}

export function cliConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SUANWANG_CONFIG) return env.SUANWANG_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'suanwang', 'config.json');
}

/** The config file's settings; {} when there is none. A broken file is an error naming it and the field. */
export function loadCliConfig(path = cliConfigPath()): CliConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${path} must hold a JSON object`);
  const o = v as Record<string, unknown>;
  for (const k of ['url', 'apiKey'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'string') throw new Error(`${path}: '${k}' must be a string`);
  }
  return {
    ...(typeof o.url === 'string' && { url: o.url }),
    ...(typeof o.apiKey === 'string' && { apiKey: o.apiKey }),
  };
}

/** Writes (merges into) the config file, mode 0600. */
export function saveCliConfig(update: CliConfig, path = cliConfigPath()): string {
  const current = loadCliConfig(path);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify({ ...current, ...update }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its mode on write
  return path;
}

/** The server URL and key the CLI uses: flag, then environment, then config file. */
export function clientSettings(
  flags: { url?: string },
  env: NodeJS.ProcessEnv = process.env,
  config: () => CliConfig = () => loadCliConfig(cliConfigPath(env)),
): { url?: string; apiKey?: string } {
  const needFile = !(flags.url ?? env.SUANWANG_URL) || !env.SUANWANG_API_KEY;
  const file = needFile ? config() : {};
  const url = flags.url ?? (env.SUANWANG_URL || undefined) ?? file.url;
  const apiKey = (env.SUANWANG_API_KEY || undefined) ?? file.apiKey;
  return { ...(url !== undefined && { url }), ...(apiKey !== undefined && { apiKey }) };
}

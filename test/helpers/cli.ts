/**
 * Runs the real `suanwang` binary (node bin/suanwang.js …) and real servers for CLI tests.
 * A server started here prints its first operator key (a fresh store) and `runCli` authenticates
 * with the key of the server started last, unless `env` sets SUANWANG_API_KEY itself. The user's own
 * CLI config file is never read (SUANWANG_CONFIG points at nothing).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './stores.js';

export const BIN = join(REPO_ROOT, 'bin/suanwang.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let lastServerKey: string | undefined;

export function runCli(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliResult> {
  const auth = {
    SUANWANG_CONFIG: join(REPO_ROOT, '.test-tmp', 'no-cli-config.json'),
    ...(lastServerKey !== undefined && { SUANWANG_API_KEY: lastServerKey }),
  };
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...auth, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** The operator key the server printed on its first start (undefined when its store had keys). */
  apiKey: string | undefined;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  output(): string;
}

/** `suanwang serve --port 0 …`; resolves once it says where it listens. */
export function startServe(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--log-level', 'warn', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 60 s:\n${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        const apiKey = /^\s+(sw_[a-z0-9]{16}_[0-9a-f]{64})$/m.exec(out)?.[1];
        if (apiKey) lastServerKey = apiKey;
        resolve({
          child,
          url: m[1]!,
          apiKey,
          output: () => out,
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
}

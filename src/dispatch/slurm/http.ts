/**
 * A small JSON-over-HTTP client for slurmrestd: over TCP (JWT auth) or a unix
 * socket (local auth). node:http rather than fetch because fetch cannot talk
 * to a unix socket, and a request to a slurmrestd whose slurmctld is down
 * hangs for 9–18 s: every request needs a hard timeout.
 */
import http from 'node:http';
import { BackendError, unreachable } from '../backend.js';

export interface HttpTarget {
  /** e.g. http://127.0.0.1:16801 (JWT over TCP) */
  url?: string;
  /** e.g. /run/slurmrestd.sock (local auth: the caller's uid is the identity) */
  socketPath?: string;
}

export interface HttpResult {
  status: number;
  /** Parsed JSON body, or null when the body is empty or not JSON. */
  json: unknown;
  text: string;
}

const agents = new Map<string, http.Agent>();
function agentFor(key: string): http.Agent {
  let a = agents.get(key);
  if (!a) {
    a = new http.Agent({ keepAlive: true, maxSockets: 8 });
    agents.set(key, a);
  }
  return a;
}

export function httpJson(
  target: HttpTarget,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  opts: { headers?: Record<string, string>; body?: unknown; timeoutMs: number; what: string },
): Promise<HttpResult> {
  const body = opts.body === undefined ? undefined : Buffer.from(JSON.stringify(opts.body));
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (body) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(body.length);
  }
  let reqOpts: http.RequestOptions;
  if (target.socketPath) {
    reqOpts = { socketPath: target.socketPath, path, method, headers: { ...headers, Host: 'localhost' } };
  } else if (target.url) {
    let u: URL;
    try {
      u = new URL(target.url);
    } catch {
      throw new BackendError('config', `backend.restUrl: not a URL: '${target.url}'`, false);
    }
    if (u.protocol !== 'http:') {
      // slurmrestd speaks plain HTTP; TLS is terminated by a proxy in front of it, if any
      throw new BackendError('config', `backend.restUrl: only http:// is supported, got '${u.protocol}'`, false);
    }
    const base = u.pathname.replace(/\/+$/, '');
    reqOpts = {
      hostname: u.hostname,
      port: u.port || 80,
      path: base + path,
      method,
      headers,
      agent: agentFor(`${u.hostname}:${u.port}`),
    };
  } else {
    throw new BackendError('config', 'backend.restUrl: no REST URL or socket configured', false);
  }
  return new Promise<HttpResult>((resolve, reject) => {
    const req = http.request(reqOpts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        if (text.trim().startsWith('{') || text.trim().startsWith('[')) {
          try {
            json = JSON.parse(text);
          } catch {
            json = null;
          }
        }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
      res.on('error', (e) => reject(unreachable(opts.what, e)));
    });
    req.setTimeout(opts.timeoutMs, () => {
      req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`));
    });
    req.on('error', (e) => reject(unreachable(opts.what, e)));
    if (body) req.write(body);
    req.end();
  });
}

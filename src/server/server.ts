/**
 * Starting and stopping the HTTP server (used by `engram serve`, `engram demo`, the tests and
 * the benchmark). Binding beyond loopback without a token is refused here, with the reason.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { DB } from '../store/db.js';
import { bindRefusal } from './auth.js';
import { createApp } from './app.js';
import { toSimplified, toTraditional } from '../text/fold.js';
import { search } from '../search/search.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 3647;

export interface ServerOptions {
  db: DB;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** When the port is taken, try the next few (for the default port only). */
  fallbackPorts?: number;
}

export interface RunningServer {
  /** Origin without a trailing slash, `http://127.0.0.1:3647`: append paths like `/search?q=…`. */
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

export class BindRefused extends Error {}

function listen(fetch: (req: Request) => Response | Promise<Response>, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: host, port }) as Server;
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

/**
 * Load the segmenter's and converters' dictionaries and compile the hot statements now, not
 * on the first reader's request (which would otherwise take ~0.5 s).
 */
function warmUp(db: DB): void {
  toSimplified('简繁');
  toTraditional('简繁');
  try {
    search(db, '模型 model', { limit: 1, facets: true });
  } catch {
    // An empty or unusual library must still start; the first real request will say what is wrong.
  }
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const refusal = bindRefusal(host, opts.token);
  if (refusal) throw new BindRefused(refusal);
  const app = createApp({ db: opts.db, token: opts.token });
  warmUp(opts.db);
  let port = opts.port ?? DEFAULT_PORT;
  let server: Server | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      server = await listen(app.fetch, host, port);
      break;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EADDRINUSE' && port !== 0 && attempt < (opts.fallbackPorts ?? 0)) {
        port++;
        continue;
      }
      if (err.code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is already in use: pass --port N (or 0 for any free port)`);
      if (err.code === 'EADDRNOTAVAIL') throw new Error(`cannot listen on ${host}: no such address on this machine`);
      throw err;
    }
  }
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' || address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server!.close((err) => (err ? reject(err) : resolve()));
        server!.closeAllConnections?.();
      }),
  };
}

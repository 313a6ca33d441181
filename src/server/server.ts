/**
 * Starting and stopping the HTTP server (used by `engram serve`, `engram demo`, the tests and
 * the benchmark). Binding beyond loopback without a token is refused here, with the reason.
 */
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { DB } from '../store/db.js';
import { bindRefusal, weakToken } from './auth.js';
import { createApp } from './app.js';
import { loadedDictionaries } from '../text/segment.js';
import { searchPool } from './search-pool.js';
import type { Searcher } from '../search/searcher.js';
import { warmUp } from './warm-up.js';
import { parsePublicUrl } from './public-url.js';
import { readLibraryConfig, serviceSettings } from '../config.js';
import { openAIEmbedder, type Embedder } from '../providers/embeddings.js';
import { semanticSearcher } from '../semantic/search.js';

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
  /** Threads that run searches (default 2; 0 searches on the main thread). */
  searchThreads?: number;
  /** How long a search may take, waiting included, before it is stopped (default 5 s). */
  searchBudgetMs?: number;
  /**
   * The embeddings model semantic neighbours are fused with (as `engram search` does, while the
   * library has its vectors); default: the library's (ENGRAM_EMBED_*, else config.json); null: none.
   */
  embedder?: Embedder | null;
  /** The address readers reach the server at (`--public-url`): see AppOptions.publicUrl. */
  publicUrl?: string;
}

export interface RunningServer {
  /** Origin without a trailing slash, `http://127.0.0.1:3647`: append paths like `/search?q=…`. */
  url: string;
  host: string;
  port: number;
  /** Worker threads running searches (0: on the main thread). */
  searchThreads: number;
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
 * Searches run in worker threads that open the library's file (inline for a library in memory);
 * with an embeddings model, the query is embedded here and its neighbours found in the thread.
 */
function searcherFor(opts: ServerOptions): Searcher {
  const { db } = opts;
  const pool = searchPool(db, {
    database: db.name,
    threads: db.memory ? 0 : opts.searchThreads ?? 2,
    budgetMs: opts.searchBudgetMs,
    dictionaries: loadedDictionaries(),
  });
  const embedder = opts.embedder === undefined ? libraryEmbedder(db) : opts.embedder;
  if (!embedder) return pool;
  return semanticSearcher(pool, db, embedder, (e) => process.stderr.write(`engram serve: semantic search skipped: ${e.message}\n`));
}

/** The library's embeddings model, when one is configured (environment, else config.json). */
function libraryEmbedder(db: DB): Embedder | undefined {
  if (db.memory) return undefined;
  const settings = serviceSettings('embed', { env: process.env, config: readLibraryConfig(dirname(db.name)) });
  return settings?.url && settings.model ? openAIEmbedder(settings, { attempts: 2, timeoutMs: 15_000 }) : undefined;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? DEFAULT_HOST;
  const refusal = bindRefusal(host, opts.token) ?? (opts.token ? weakToken(opts.token) : undefined);
  if (refusal) throw new BindRefused(refusal);
  // Before any thread starts: a bad address is the caller's mistake (a PublicUrlError).
  if (opts.publicUrl !== undefined) parsePublicUrl(opts.publicUrl);
  const searcher = searcherFor(opts);
  const app = createApp({ db: opts.db, token: opts.token, searcher, publicUrl: opts.publicUrl });
  warmUp(opts.db, { search: searcher.threads === 0 });
  // The threads warmed up meanwhile: the first search does not wait for them.
  await searcher.ready();
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
      await searcher.close();
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
    searchThreads: searcher.threads,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server!.close((err) => (err ? reject(err) : resolve()));
        server!.closeAllConnections?.();
      });
      await searcher.close();
    },
  };
}

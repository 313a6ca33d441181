import type { DB } from '../../store/db.js';
import { BindRefused, DEFAULT_HOST, DEFAULT_PORT, startServer } from '../../server/server.js';
import { bindRefusal, MIN_TOKEN_LENGTH, newToken, weakToken } from '../../server/auth.js';
import { libraryOption, UsageError, type Command, type Io, type Options, type Values } from '../command.js';
import { openFor } from '../library.js';
import { publicUrlFor } from '../services.js';
import { libraryDir } from '../../store/db.js';
import { PUBLIC_URL_ENV } from '../../server/public-url.js';

/** The options `serve` and `demo` share. */
export const serveFlags: Options = {
  port: { type: 'string' }, host: { type: 'string' }, token: { type: 'string' }, 'new-token': { type: 'boolean' }, 'public-url': { type: 'string' },
};

export const serveCommand: Command = {
  name: 'serve',
  usage: `engram serve [--library DIR] [--port N] [--host ADDR] [--token SECRET | --new-token] [--public-url URL]

Serves the library at http://127.0.0.1:${DEFAULT_PORT}/ until Ctrl+C: the web app, the JSON API
under /api/, and the Model Context Protocol at /mcp (the tools of \`engram mcp\`).

Options:
  --port N         port to listen on (default ${DEFAULT_PORT}, or the next free one; 0 = any free port)
  --host ADDR      address to bind (default ${DEFAULT_HOST}). Anything but loopback needs a token.
  --token SECRET   require SECRET (at least ${MIN_TOKEN_LENGTH} characters) on every request (or set
                   ENGRAM_TOKEN): API clients send "Authorization: Bearer SECRET"; a browser opens
                   /?token=SECRET once.
  --new-token      generate a random token for this run and print it
  --public-url URL the address readers reach the server at, e.g. https://kb.example.com behind
                   a reverse proxy (else $${PUBLIC_URL_ENV}, else config.json "publicUrl"): feed
                   links and IDs use it. Without it they follow the Host each request names.`,
  options: { ...libraryOption, ...serveFlags },
  async run(values, _p, io) {
    const opts = serveOptions(values, io);
    const { db, dir } = openFor(values, io);
    return serveUntilStopped(db, dir, opts, io);
  },
};

export interface ServeOptions {
  host: string;
  port: number;
  /** The default port moves on to the next free one; an explicit --port does not. */
  portGiven: boolean;
  token?: string;
  /** The token was made up for this run (--new-token): show it, nobody else knows it. */
  tokenGenerated?: boolean;
  /** The public address (origin), from --public-url, ENGRAM_PUBLIC_URL or the library's config.json. */
  publicUrl?: string;
}

/** The options of `serve` (and `demo`); `dir` is the library, whose config.json may hold "publicUrl". */
export function serveOptions(values: Values, io: Io, dir = libraryDir(values.library as string | undefined, io.env)): ServeOptions {
  const rawPort = values.port as string | undefined;
  const port = rawPort === undefined ? DEFAULT_PORT : Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a number from 0 to 65535, not "${rawPort}"`);
  if (values['new-token'] && values.token) throw new UsageError('pass --token SECRET or --new-token, not both');
  // An empty token is no token (and then only loopback is allowed).
  const token = values['new-token'] ? newToken() : (values.token as string | undefined) || io.env.ENGRAM_TOKEN || undefined;
  const weak = token && weakToken(token);
  if (weak) throw new UsageError(`${values.token ? '--token' : 'ENGRAM_TOKEN'}: ${weak}`);
  const host = (values.host as string | undefined) ?? DEFAULT_HOST;
  // Refuse before opening anything: the reason is the whole answer.
  const refusal = bindRefusal(host, token);
  if (refusal) throw new UsageError(refusal);
  const publicUrl = publicUrlFor(values, io, dir);
  return { host, port, portGiven: rawPort !== undefined, token, tokenGenerated: Boolean(values['new-token']), publicUrl };
}

/** Serves until SIGINT/SIGTERM, then closes the server and the library. */
export async function serveUntilStopped(db: DB, dir: string, opts: ServeOptions, io: Io): Promise<number> {
  let server;
  try {
    server = await startServer({ db, host: opts.host, port: opts.port, token: opts.token, publicUrl: opts.publicUrl, fallbackPorts: opts.portGiven ? 0 : 20 });
  } catch (e) {
    db.close();
    if (e instanceof BindRefused) throw new UsageError(e.message);
    throw e;
  }
  // 0.0.0.0 / :: mean "every address": not something a browser can open, so show this machine's.
  const everywhere = server.host === '0.0.0.0' || server.host === '::';
  const base = everywhere ? `http://localhost:${server.port}/` : `${server.url}/`;
  const open = opts.token ? `${base}?token=${encodeURIComponent(opts.token)}` : base;
  io.out.write(
    `\nengram is serving ${dir}${everywhere ? ` on every address of this machine (port ${server.port})` : ''}\n` +
      `  open ${open}${opts.token ? '  (once; the browser then keeps a cookie)' : ''}\n` +
      (opts.tokenGenerated ? `  token ${opts.token}  (API clients send "Authorization: Bearer ${opts.token}")\n` : '') +
      (opts.publicUrl
        ? `  public address ${opts.publicUrl}/  (feed links and IDs use it)\n`
        : opts.token
          ? `  feed links follow the Host each request names; behind a reverse proxy, pass --public-url URL\n`
          : '') +
      '  press Ctrl+C to stop\n',
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  db.close();
  io.out.write('stopped\n');
  return 0;
}

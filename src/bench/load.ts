/**
 * The web app under concurrent load: `clients` loops, each sending its next request as soon as
 * the previous one answered, for `seconds`, drawing from a fixed mix of request types (pages,
 * API calls, ordinary searches and a 500-character query of the library's commonest terms).
 * Reports p50/p95/p99 and errors per request type: cheap requests must stay fast whatever
 * the searches cost.
 *
 * The clients run in a child process so that their own work (parsing responses) does not
 * share the server's event loop and blur what is measured.
 *
 *   node dist/bench/load.js --library DIR [--clients 20] [--seconds 20]
 */
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { availableParallelism, loadavg } from 'node:os';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { databasePath, openLibrary, type DB } from '../store/db.js';
import { startServer } from '../server/server.js';
import { MAX_QUERY_LENGTH } from '../search/limits.js';
import { loadQueries, percentile } from './queries.js';

export interface LoadPlan {
  queries: string[];
  /** A query of MAX_QUERY_LENGTH characters made of the library's commonest terms. */
  heavyQuery: string;
  documents: number[];
  /** The document with the most text (its page is the heaviest to render). */
  largest: number;
  sources: string[];
}

export interface LoadOptions {
  clients: number;
  seconds: number;
}

type Pick = (plan: LoadPlan, random: () => number) => string;
const any = <T>(xs: readonly T[], random: () => number): T => xs[Math.floor(random() * xs.length)]!;

/** Request types and their share of the mix (weights sum to 100). */
export const MIX: readonly { type: string; weight: number; path: Pick }[] = [
  { type: 'home page', weight: 10, path: () => '/' },
  { type: 'API stats', weight: 10, path: () => '/api/stats' },
  { type: 'search page', weight: 25, path: (p, r) => `/search?q=${encodeURIComponent(any(p.queries, r))}` },
  { type: 'API search', weight: 15, path: (p, r) => `/api/search?q=${encodeURIComponent(any(p.queries, r))}` },
  { type: 'API search, 500 common-term chars', weight: 5, path: (p) => `/api/search?q=${encodeURIComponent(p.heavyQuery)}` },
  { type: 'document page', weight: 20, path: (p, r) => `/documents/${r() < 0.1 ? p.largest : any(p.documents, r)}` },
  { type: 'API document', weight: 10, path: (p, r) => `/api/documents/${r() < 0.1 ? p.largest : any(p.documents, r)}` },
  { type: 'source page', weight: 5, path: (p, r) => `/sources/${encodeURIComponent(any(p.sources, r))}` },
];

export interface LoadRow {
  type: string;
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  /** A few distinct error descriptions (status and start of the body, or the network error). */
  samples: string[];
}

/** Small deterministic PRNG (mulberry32): every run draws the same sequence per client. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What to ask for, drawn from the library itself. */
export function loadPlan(db: DB, queries: string[]): LoadPlan {
  const documents = db.prepare('SELECT id FROM documents ORDER BY id').pluck().all() as number[];
  const largest = db
    .prepare('SELECT document_id FROM renditions GROUP BY document_id ORDER BY sum(length(body)) DESC LIMIT 1')
    .pluck()
    .get() as number;
  const sources = db.prepare('SELECT name FROM sources ORDER BY name').pluck().all() as string[];
  return { queries, heavyQuery: heavyQuery(db, queries), documents, largest, sources };
}

/** The commonest indexed terms, joined up to the query limit; the benchmark queries if the index cannot say. */
function heavyQuery(db: DB, queries: string[]): string {
  let terms: string[];
  try {
    terms = db.prepare('SELECT term FROM passages_vocab ORDER BY doc DESC LIMIT 400').pluck().all() as string[];
  } catch {
    terms = queries.flatMap((q) => q.split(/\s+/));
  }
  let q = '';
  for (const t of terms) {
    if (q.length + 1 + t.length > MAX_QUERY_LENGTH) break;
    q = q ? `${q} ${t}` : t;
  }
  return q;
}

/** The client side: runs the mix against `url` and summarizes per request type. */
export async function runClients(url: string, plan: LoadPlan, opts: LoadOptions): Promise<LoadRow[]> {
  const total = MIX.reduce((a, m) => a + m.weight, 0);
  const times = new Map(MIX.map((m) => [m.type, [] as number[]]));
  const errors = new Map(MIX.map((m) => [m.type, [] as string[]]));
  const end = performance.now() + opts.seconds * 1000;
  const client = async (n: number) => {
    const random = prng(0x5eed + n);
    while (performance.now() < end) {
      let w = random() * total;
      const kind = MIX.find((m) => (w -= m.weight) < 0) ?? MIX[MIX.length - 1]!;
      const path = kind.path(plan, random);
      const t0 = performance.now();
      try {
        const res = await fetch(url + path, { signal: AbortSignal.timeout(60_000), redirect: 'manual' });
        const body = await res.text();
        if (res.status >= 400) errors.get(kind.type)!.push(`${res.status} ${body.replace(/\s+/g, ' ').slice(0, 80)}`);
      } catch (e) {
        errors.get(kind.type)!.push((e as Error).message);
      }
      times.get(kind.type)!.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: opts.clients }, (_, i) => client(i)));
  const row = (type: string, xs: number[], errs: string[]): LoadRow => {
    return { type, requests: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), p99: percentile(xs, 99), errors: errs.length, samples: [...new Set(errs)].slice(0, 3) };
  };
  const rows = MIX.map(({ type }) => row(type, times.get(type)!, errors.get(type)!));
  // Every request together, as the last row.
  return [...rows, { ...row('all requests', [...times.values()].flat(), [...errors.values()].flat()), samples: [] }];
}

/** How long the server's event loop was held up while the clients ran (ms), and the machine's load. */
export interface RunConditions { p50: number; p99: number; max: number; loadBefore: number; loadAfter: number }

export function loadTable(rows: LoadRow[], opts: LoadOptions, run?: RunConditions): string[] {
  const ms = (x: number) => (Number.isNaN(x) ? 'n/a' : x < 10 ? x.toFixed(1) : x.toFixed(0));
  const lines = [
    `Load: ${opts.clients} clients for ${opts.seconds} s, each sending its next request when the last one answered (latency in ms, wall clock at the client).`,
    '',
    '| request type | share | requests | p50 | p95 | p99 | errors |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const share = MIX.find((m) => m.type === r.type)?.weight;
      return `| ${r.type} | ${share === undefined ? '' : `${share}%`} | ${r.requests} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} | ${r.errors} |`;
    }),
  ];
  if (run) {
    lines.push(
      '',
      `Server event loop delay during the run: p50 ${ms(run.p50)} ms, p99 ${ms(run.p99)} ms, max ${ms(run.max)} ms. ` +
        `Machine load average ${run.loadBefore.toFixed(1)} before, ${run.loadAfter.toFixed(1)} after, on ${availableParallelism()} cores.`,
    );
  }
  const samples = rows.flatMap((r) => r.samples.map((s) => `- ${r.type}: ${s}`));
  return samples.length ? [...lines, '', 'Errors seen:', ...samples] : lines;
}

/** Serves `db` in this process and runs the clients in a child process; returns the table. */
export async function loadBench(db: DB, queries: string[], opts: LoadOptions = { clients: 20, seconds: 20 }): Promise<string[]> {
  const plan = loadPlan(db, queries);
  const server = await startServer({ db, port: 0, host: '127.0.0.1' });
  try {
    const child = fork(fileURLToPath(import.meta.url), ['--client'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const result = new Promise<LoadRow[]>((res, rej) => {
      child.once('message', (m) => res(m as LoadRow[]));
      child.once('exit', (code) => rej(new Error(`load clients exited with code ${code} before reporting`)));
    });
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const loadBefore = loadavg()[0]!;
    child.send({ url: server.url, plan, opts });
    const rows = await result;
    delay.disable();
    const ms = (ns: number) => ns / 1e6;
    return loadTable(rows, opts, { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), loadBefore, loadAfter: loadavg()[0]! });
  } finally {
    await server.close();
  }
}

/** Child process: receive the plan, run the clients, send the rows back. */
async function clientProcess(): Promise<void> {
  const { url, plan, opts } = await new Promise<{ url: string; plan: LoadPlan; opts: LoadOptions }>((res) => process.once('message', (m) => res(m as never)));
  const rows = await runClients(url, plan, opts);
  process.send!(rows, () => process.exit(0));
}

async function standalone(): Promise<void> {
  const { values } = parseArgs({ options: { library: { type: 'string' }, clients: { type: 'string' }, seconds: { type: 'string' } } });
  if (!values.library || !existsSync(databasePath(resolve(values.library)))) {
    console.error('usage: node dist/bench/load.js --library DIR [--clients 20] [--seconds 20]');
    process.exitCode = 2;
    return;
  }
  const db = openLibrary(resolve(values.library));
  try {
    const opts = { clients: Number(values.clients ?? 20), seconds: Number(values.seconds ?? 20) };
    console.log((await loadBench(db, loadQueries().map((q) => q.query), opts)).join('\n'));
  } finally {
    db.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--client')) await clientProcess();
  else await standalone();
}

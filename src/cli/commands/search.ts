import { createInterface } from 'node:readline';
import { type SearchHit, type SearchOptions, type SearchResult } from '../../search/search.js';
import { hitJson } from '../../search/hit-json.js';
import { hybridSearch } from '../../semantic/search.js';
import { openAIEmbedder, type Embedder } from '../../providers/embeddings.js';
import { serviceOptions, serviceUsage, settingsFor } from '../services.js';
import { MAX_QUERY_LENGTH, queryTooLong } from '../../search/limits.js';
import { formatTimecode } from '../../formats/media.js';
import { dateRange } from '../dates.js';
import { EXIT, libraryOption, UsageError, type Command, type Io, type Values } from '../command.js';
import { openFor, requireSource } from '../library.js';
import { printable } from '../printable.js';

export const searchCommand: Command = {
  name: 'search',
  usage: `engram search QUERY [--limit N] [--source NAME] [--since DATE] [--until DATE] [--speaker NAME] [--json]
engram search --batch --json < queries.txt

Each document appears once, with its best passage and how many more passages matched.
Quote a phrase to match it exactly: engram search '"densing law" 面壁'

Options:
  --limit N        results to show (default 10)
  --source NAME    only documents of this source (see \`engram stats\`)
  --since DATE     only documents dated on/after DATE (YYYY-MM-DD)
  --until DATE     only documents dated on/before DATE
  --speaker NAME   only passages spoken by NAME (substring, case-insensitive)
  --json           JSON array: {document:{id,title,date,source,url,origins}, passage:{id,text,start,end,speaker,rendition,link}, score, highlights, more}
  --batch          read one query per stdin line; print one JSON line per query ({query, took_ms, results})

A query is at most ${MAX_QUERY_LENGTH} characters (longer ones are refused: exit code 2, or in
--batch an {query, error} line and exit code 1 at the end).

  --no-semantic    BM25 only, even when the library has embedding vectors (see engram embed)
${serviceUsage('embed')}

Names and terms expand across scripts and languages (engram lexicon). When an embeddings
endpoint is configured and the library has its vectors, semantic neighbours are fused in.`,
  options: {
    ...libraryOption, limit: { type: 'string' }, source: { type: 'string' }, since: { type: 'string' },
    until: { type: 'string' }, speaker: { type: 'string' }, json: { type: 'boolean' }, batch: { type: 'boolean' },
    'no-semantic': { type: 'boolean' }, ...serviceOptions('embed'),
  },
  positionals: true,
  async run(values, positionals, io) {
    const opts = searchOptions(values);
    const query = positionals.join(' ').trim();
    if (!values.batch) {
      if (!query) throw new UsageError('search needs a QUERY (or --batch)');
      // Refused before the library is even opened: the answer does not depend on it.
      const tooLong = queryTooLong(query);
      if (tooLong) throw new UsageError(tooLong);
    }
    const { db, dir } = openFor(values, io);
    const embedder = values['no-semantic'] ? undefined : embedderFor(values, io, dir);
    const warn = (e: Error) => io.err.write(`engram search: semantic search skipped: ${e.message}\n`);
    const search: Searcher = (q) => hybridSearch(db, q, opts, embedder, warn);
    try {
      requireSource(db, opts.source);
      if (values.batch) return await searchBatch(search, io);
      const r = await search(query);
      if (values.json) io.out.write(JSON.stringify(r.hits.map(hitJson), null, 2) + '\n');
      else printHits(query, r.hits, r.total, r.tookMs, io);
      return 0;
    } finally {
      db.close();
    }
  },
};

/** One JSON line per stdin line; a query over the limit gets an `error` line and exit code 1. */
type Searcher = (query: string) => Promise<SearchResult>;

/** The configured embeddings model, if any (flags, environment, config.json). */
function embedderFor(values: Values, io: Io, dir: string): Embedder | undefined {
  const settings = settingsFor('embed', values, io, dir);
  return settings?.url && settings.model ? openAIEmbedder(settings, { attempts: 2, timeoutMs: 15_000 }) : undefined;
}

async function searchBatch(search: Searcher, io: Io): Promise<number> {
  let refused = 0;
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    const query = line.trim();
    if (!query) continue;
    const tooLong = queryTooLong(query);
    if (tooLong) {
      refused++;
      io.out.write(JSON.stringify({ query: `${query.slice(0, 80)}…`, error: tooLong }) + '\n');
      continue;
    }
    const r = await search(query);
    io.out.write(JSON.stringify({ query, took_ms: Math.round(r.tookMs * 100) / 100, results: r.hits.map(hitJson) }) + '\n');
  }
  return refused ? EXIT.partial : EXIT.ok;
}

function searchOptions(v: Values): SearchOptions {
  const limit = v.limit === undefined ? 10 : Number(v.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit takes a positive whole number, not "${v.limit}"`);
  return { limit, source: v.source as string | undefined, speaker: v.speaker as string | undefined, ...dateRange(v) };
}

/** A snippet on one line, safe for the terminal. */
const oneLine = (s: string) => printable(s.replace(/\n+/g, ' '));

function printHits(query: string, hits: SearchHit[], total: number, ms: number, io: Io): void {
  const tty = Boolean(io.out.isTTY);
  const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[22m` : s);
  const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[22m` : s);
  const mark = (s: string) => (tty ? `\x1b[1;33m${s}\x1b[0m` : `[${s}]`);
  if (hits.length === 0) {
    io.out.write(`no results for "${printable(query)}"\n`);
    return;
  }
  io.out.write(dim(`${total} document${total === 1 ? '' : 's'} for "${printable(query)}" (${ms.toFixed(0)} ms)`) + '\n\n');
  hits.forEach((h, i) => {
    const d = h.document;
    const p = h.passage;
    // A summary's own time, not verified in the transcript, is given as the summary's (and not linked).
    const time = p?.start != null ? formatTimecode(p.start) : p?.claimedStart != null ? `summary says ${formatTimecode(p.claimedStart)}, unverified` : null;
    const meta = [d.date, d.source, time, p?.speaker].filter(Boolean).map(printable).join(' · ');
    io.out.write(`${String(i + 1).padStart(2)}. ${bold(d.title ? printable(d.title) : '(untitled)')}  ${dim(`#${d.id}`)}\n    ${dim(meta)}\n`);
    if (h.snippet) {
      let text = '';
      let at = 0;
      for (const [s, e] of h.snippet.highlights) {
        text += oneLine(h.snippet.text.slice(at, s)) + mark(oneLine(h.snippet.text.slice(s, e)));
        at = e;
      }
      text += oneLine(h.snippet.text.slice(at));
      io.out.write(`    ${text}\n`);
    }
    const link = p?.link ?? d.url;
    const more = h.more ? `  (+${h.more} more in this document)` : '';
    io.out.write(`    ${link ? printable(link) : dim(printable(d.origins[0]))}${dim(more)}\n\n`);
  });
}

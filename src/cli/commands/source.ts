import { readFileSync } from 'node:fs';
import { generateOpml, parseOpml } from 'feedsmith';
import { addSource, findSourceByUrl, followedStatus, getSource, listFollowed, removeSource, sourceMediaDir } from '../../store/follow.js';
import { detectSource, sourceFor } from '../../sources/index.js';
import { HostPacer } from '../../sources/pacer.js';
import { FollowError } from '../../sources/source.js';
import { ingest } from '../../pipeline/ingest.js';
import { EXIT, libraryOption, UsageError, type Command, type Io, type Values } from '../command.js';
import { openFor } from '../library.js';
import { serviceOptions, serviceUsage, settingsFor } from '../services.js';
import type { DB } from '../../store/db.js';

export const sourceCommand: Command = {
  name: 'source',
  usage: `engram source add URL|PATH [--name NAME] [--keep-audio]
engram source list [--json]
engram source remove NAME
engram source import FILE.opml
engram source export

Follow YouTube channels and playlists, podcast feeds (RSS/Atom), Xiaoyuzhou shows and local
folders; \`engram update\` then brings their new items into the library.

  add       the kind is detected from what you give: a YouTube channel (https://www.youtube.com/@NAME),
            handle or playlist URL; a feed URL (or a web page that links its feed); a Xiaoyuzhou
            podcast or episode page; a local folder (ingested now, re-read by every update).
            The name defaults to the show's or channel's own title.
  list      name, kind, URL, last update, documents, pending, waiting, failed
  remove    stop following; documents already in the library stay
  import    follow every feed in an OPML file (from a podcast app)
  export    print the followed feeds and channels as OPML

Options:
  --name NAME      the source's name (default: its own title)
  --keep-audio     keep downloaded audio after transcription (default: deleted)
  --json           (list) machine-readable output
${serviceUsage('ytdlp')}
  --library DIR    library folder

Exit code: 0 done, 1 the source could not be read or some imports failed, 2 usage error.`,
  options: { ...libraryOption, name: { type: 'string' }, json: { type: 'boolean' }, 'keep-audio': { type: 'boolean' }, ...serviceOptions('ytdlp') },
  positionals: true,
  async run(values, args, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case 'add': return add(values, rest, io);
      case 'list': return list(values, io);
      case 'remove': return remove(values, rest, io);
      case 'import': return importOpml(values, rest, io);
      case 'export': return exportOpml(values, io);
      default: throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'source needs a subcommand: add, list, remove, import or export');
    }
  },
};

/** Following a source (add, import) may start a library; the rest need one to be there. */
function withLibrary<T>(values: Values, io: Io, fn: (db: DB, dir: string) => T | Promise<T>, mode: 'write' | 'create' = 'write'): Promise<T> {
  const { db, dir } = openFor(values, io, mode);
  return Promise.resolve(fn(db, dir)).finally(() => db.close());
}

async function add(values: Values, rest: string[], io: Io): Promise<number> {
  if (rest.length !== 1) throw new UsageError('source add takes one URL or folder');
  let detected;
  try {
    detected = detectSource(rest[0]!);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return withLibrary(values, io, async (db, dir) => {
    const existing = findSourceByUrl(db, detected.url);
    if (existing) {
      io.err.write(`engram source add: already following ${detected.url} as "${existing.name}"\n`);
      return EXIT.partial;
    }
    const ytdlp = settingsFor('ytdlp', values, io, dir);
    let title: string | undefined;
    let listed = 0;
    let warning: string | undefined;
    if (detected.kind !== 'folder') {
      try {
        const found = await sourceFor(detected.kind, detected.url).discover({
          state: {}, pacer: new HostPacer(0), mediaDir: sourceMediaDir(dir, detected.fallbackName), wantAudio: false, maxAudioBytes: 0, ytdlp,
        });
        title = found.title;
        listed = found.items.length;
      } catch (e) {
        const f = e instanceof FollowError ? e : new FollowError((e as Error).message, 'transient');
        // A wrong URL is refused; a service that is down now (or yt-dlp missing) is not the URL's fault.
        if (f.kind === 'permanent') {
          io.err.write(`engram source add: ${f.message}${f.hint ? `\n  ${f.hint}` : ''}\n`);
          return EXIT.partial;
        }
        warning = `${f.message}${f.hint ? `\n  ${f.hint}` : ''}`;
      }
    }
    const name = (values.name as string | undefined)?.trim() || title || detected.fallbackName;
    if (getSource(db, name)) {
      io.err.write(`engram source add: a source named "${name}" exists already: choose another with --name\n`);
      return EXIT.partial;
    }
    const options = {
      ...(values['keep-audio'] ? { keepAudio: true } : {}),
      ...(detected.kind === 'folder' && values.name ? { documentSource: name } : {}),
    };
    addSource(db, { name, kind: detected.kind, url: detected.url, options, state: title ? { title } : {} });
    if (warning) io.err.write(`warning: ${warning}\n`);
    if (detected.kind === 'folder') {
      const r = await ingest(db, [detected.url], options.documentSource ? { source: options.documentSource } : {});
      io.out.write(`following "${name}" (folder ${detected.url}): ${r.documents.added} documents added, ${r.failures.length} files failed; \`engram update\` re-reads it\n`);
      return r.failures.length ? EXIT.partial : EXIT.ok;
    }
    io.out.write(`following "${name}" (${detected.kind} ${detected.url})${warning ? '' : `: ${listed} items listed`}; run \`engram update\` to fetch them\n`);
    return EXIT.ok;
  }, 'create');
}

function list(values: Values, io: Io): Promise<number> {
  return withLibrary(values, io, (db, dir) => {
    const rows = followedStatus(db, dir);
    if (values.json) {
      io.out.write(JSON.stringify(rows, null, 2) + '\n');
      return EXIT.ok;
    }
    if (rows.length === 0) {
      io.out.write('no followed sources: add one with `engram source add URL`\n');
      return EXIT.ok;
    }
    for (const r of rows) {
      io.out.write(`${r.name}  (${r.kind})  ${r.url}\n`);
      io.out.write(`  last update ${r.lastUpdate?.slice(0, 16).replace('T', ' ') ?? 'never'}, ${r.documents} documents, ${r.pending} pending, ${r.waiting} waiting, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}\n`);
      if (r.error) io.out.write(`  last error: ${r.error}\n`);
    }
    return EXIT.ok;
  });
}

function remove(values: Values, rest: string[], io: Io): Promise<number> {
  if (rest.length !== 1) throw new UsageError('source remove takes one NAME');
  return withLibrary(values, io, (db) => {
    const s = getSource(db, rest[0]!);
    if (!s) {
      io.err.write(`engram source remove: no followed source named "${rest[0]}"\n`);
      return EXIT.partial;
    }
    removeSource(db, s.id);
    io.out.write(`no longer following "${s.name}"; its documents stay in the library\n`);
    return EXIT.ok;
  });
}

interface Outline { text?: string; title?: string; xmlUrl?: string; htmlUrl?: string; url?: string; outlines?: Outline[] }

function importOpml(values: Values, rest: string[], io: Io): Promise<number> {
  if (rest.length !== 1) throw new UsageError('source import takes one OPML file');
  let doc: { body?: { outlines?: Outline[] } };
  try {
    doc = parseOpml(readFileSync(rest[0]!, 'utf8')) as typeof doc;
  } catch (e) {
    io.err.write(`engram source import: ${rest[0]}: not a readable OPML file (${(e as Error).message})\n`);
    return Promise.resolve(EXIT.partial);
  }
  const outlines: Outline[] = [];
  const walk = (list: Outline[] | undefined) => list?.forEach((o) => { if (o.xmlUrl || o.url) outlines.push(o); walk(o.outlines); });
  walk(doc.body?.outlines);
  return withLibrary(values, io, (db) => {
    let added = 0;
    let failed = 0;
    for (const o of outlines) {
      const url = (o.xmlUrl ?? o.url)!.trim();
      try {
        const d = detectSource(url);
        if (findSourceByUrl(db, d.url)) {
          io.out.write(`  already following ${d.url}\n`);
          continue;
        }
        let name = (o.title ?? o.text)?.trim() || d.fallbackName;
        for (let n = 2; getSource(db, name); n++) name = `${(o.title ?? o.text)?.trim() || d.fallbackName} (${n})`;
        addSource(db, { name, kind: d.kind, url: d.url });
        io.out.write(`  following "${name}" (${d.kind})\n`);
        added++;
      } catch (e) {
        io.err.write(`  ${url}: ${(e as Error).message}\n`);
        failed++;
      }
    }
    io.out.write(`${added} sources added from ${outlines.length} outlines${failed ? `, ${failed} failed` : ''}; run \`engram update\` to fetch them\n`);
    return failed ? EXIT.partial : EXIT.ok;
  }, 'create');
}

function exportOpml(values: Values, io: Io): Promise<number> {
  return withLibrary(values, io, (db) => {
    const outlines = listFollowed(db).filter((s) => s.kind !== 'folder').map((s) => {
      const xmlUrl = s.kind === 'youtube' ? youtubeFeedUrl(s.url) ?? s.url : (s.state.feedUrl as string | undefined) ?? s.url;
      return { text: s.name, title: s.name, type: 'rss', xmlUrl, ...(xmlUrl !== s.url ? { htmlUrl: s.url } : {}) };
    });
    io.out.write(generateOpml({ head: { title: 'engram followed sources', dateCreated: new Date() }, body: { outlines } }) as string + '\n');
    return EXIT.ok;
  });
}

/** A channel's own feed URL when its ID is in the URL (podcast apps and readers understand it). */
function youtubeFeedUrl(url: string): string | undefined {
  const id = /youtube\.com\/channel\/(UC[\w-]{22})/.exec(url)?.[1];
  return id ? `https://www.youtube.com/feeds/videos.xml?channel_id=${id}` : undefined;
}

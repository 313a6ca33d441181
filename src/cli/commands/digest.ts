import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { selectEntries } from '../../publish/entries.js';
import { DEFAULT_BASE_URL, DIGEST_FORMATS, isDigestFormat, renderDigest, type Digest, type DigestFormat, type RenderContext } from '../../publish/digest.js';
import { redact } from '../../providers/http.js';
import { libraryOption, UsageError, type Command, type Io, type Values } from '../command.js';
import { countOption, dateOption, lastOption, localDate, ordered } from '../dates.js';
import { openFor, requireSource } from '../library.js';
import { publicUrlFor, serviceOptions, serviceUsage, settingsFor } from '../services.js';
import { makeFolders } from '../../folders.js';
import { libraryDir } from '../../store/db.js';

/** Entries at most when --limit is not given: an archive holds everything, a feed or mail the newest. */
const DEFAULT_LIMIT: Record<DigestFormat, number | undefined> = { md: undefined, atom: 100, rss: 100, html: 100, email: 100 };

export const digestCommand: Command = {
  name: 'digest',
  usage: `engram digest [--since DATE | --last 1d|7d|2w] [--until DATE] [--source NAME]
              --format md|atom|rss|html|email [--out FILE] [--to ADDRESS] [--dry-run]

The documents of a period, newest first, each with its title, date, link, thumbnail and a
short summary (the stored summary when there is one, else its opening passages).

Formats:
  md      the archive format (<details> entries), 100 a page, plus an index page;
          --out DIR writes index.md, 01.md, 02.md…; --out FILE.md writes the index there and
          the pages beside it (FILE-01.md…); without --out the pages go to stdout
  atom    an Atom feed          rss    an RSS 2.0 feed          html   one page
  email   a mail with HTML and plain-text parts, sent through SMTP to --to
          (with --dry-run: written as an .eml file instead, to --out or ./engram-digest-DATE.eml)

Options:
  --since DATE     documents dated on/after DATE (YYYY-MM-DD, YYYY-MM or YYYY)
  --until DATE     documents dated on/before DATE
  --last N[d|w]    documents dated from N days (weeks) before today through today
  --source NAME    only this source
  --limit N        at most N entries, the newest (default: all for md, 100 otherwise)
  --out PATH       write to PATH instead of stdout
  --base-url URL   where \`engram serve\` is reached (else $ENGRAM_PUBLIC_URL, else config.json
                   "publicUrl", as for \`engram serve --public-url\`; default ${DEFAULT_BASE_URL}):
                   documents without a media URL link to their page there, feeds name it as home
  --to ADDRESS     email: recipient (repeat the flag or separate with commas)
  --from ADDRESS   email: sender (default: the SMTP login if it is an address, else --to)
  --dry-run        email: write the message to a file instead of sending it
  --json           print what was done as JSON (with --out, or when sending)
${serviceUsage('smtp')}

Without --since, --until or --last, every document is listed (undated ones too).
With a period, undated documents are left out. An email digest with no entries is not sent.
Exit code: 0 done, 1 sending failed, 2 usage error.`,
  options: {
    ...libraryOption,
    since: { type: 'string' }, until: { type: 'string' }, last: { type: 'string' }, source: { type: 'string' },
    format: { type: 'string' }, limit: { type: 'string' }, out: { type: 'string' }, 'base-url': { type: 'string' },
    to: { type: 'string', multiple: true }, from: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' },
    ...serviceOptions('smtp'),
  },
  async run(values, _positionals, io) {
    const format = (values.format as string | undefined) ?? 'md';
    if (!isDigestFormat(format)) throw new UsageError(`--format takes one of ${DIGEST_FORMATS.join(', ')}, not "${format}"`);
    if (values.last !== undefined && values.since !== undefined) throw new UsageError('give --since or --last, not both');
    const since = values.last !== undefined ? lastOption(values.last as string) : dateOption(values, 'since', 'since');
    // --last runs through today: a post dated in the future is not among the last days'.
    const until = dateOption(values, 'until', 'until') ?? (values.last !== undefined ? localDate(new Date()) : undefined);
    ordered(since, until, values.last !== undefined ? `the start of --last ${String(values.last)}` : `--since ${String(values.since)}`, values);
    const source = values.source as string | undefined;
    const to = ((values.to as string[] | undefined) ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
    const dryRun = Boolean(values['dry-run']);
    if (format !== 'email' && (to.length || dryRun || values.from)) throw new UsageError('--to, --from and --dry-run are for --format email');
    if (format === 'email' && !dryRun && to.length === 0) throw new UsageError('an email digest needs --to ADDRESS (or --dry-run to write the message to a file)');
    if (values.json && !values.out && format !== 'email') throw new UsageError('--json reports what was written: use it with --out');
    // The web app's address, as `engram serve --public-url` takes it: checked before the library is read.
    const baseUrl = publicUrlFor(values, io, libraryDir(values.library as string | undefined, io.env), 'base-url') ?? DEFAULT_BASE_URL;

    const { db, dir } = openFor(values, io);
    let digest: Digest;
    try {
      const entries = selectEntries(db, { since, until, source, limit: countOption(values, 'limit', DEFAULT_LIMIT[format]) });
      if (entries.length === 0) requireSource(db, source);
      digest = { title: source ?? 'engram digest', since, until, source, generated: new Date(), entries };
    } finally {
      db.close();
    }
    const smtpUrl = settingsFor('smtp', values, io, dir)?.url;
    const ctx: RenderContext = {
      baseUrl,
      to,
      from: (values.from as string | undefined) ?? (format === 'email' ? (await import('../../publish/email.js')).defaultSender(smtpUrl, to) : undefined),
    };
    if (format === 'md') ctx.names = mdNames(values.out as string | undefined);
    const files = await renderDigest(format, digest, ctx);
    const report = { format, entries: digest.entries.length, since: since ?? null, until: until ?? null, source: source ?? null, written: [] as string[], sent: null as null | { to: string[]; accepted: string[]; rejected: string[] } };

    if (format === 'email' && !dryRun) {
      if (!smtpUrl) throw new UsageError('no SMTP server configured: pass --smtp-url smtp://user:pass@host:587, set ENGRAM_SMTP_URL, or add "smtp": {"url": …} to LIBRARY/config.json');
      if (digest.entries.length === 0) {
        note(io, values, `nothing in this period: no mail sent`);
      } else {
        const { sendMessage } = await import('../../publish/email.js');
        try {
          const r = await sendMessage(files[0]!.content, { smtpUrl, from: ctx.from!, to });
          report.sent = { to, accepted: r.accepted, rejected: r.rejected };
          note(io, values, `sent ${digest.entries.length} entries to ${r.accepted.join(', ')} via ${redact(smtpUrl)}${r.rejected.length ? `; rejected: ${r.rejected.join(', ')}` : ''}`);
          if (r.rejected.length) return finish(io, values, report, 1);
        } catch (e) {
          io.err.write(`engram digest: ${(e as Error).message}\n`);
          return finish(io, values, report, 1);
        }
      }
    } else if (format === 'email') {
      const path = (values.out as string | undefined) ?? `engram-digest-${localDate(digest.generated)}.eml`;
      write(path, files[0]!.content);
      report.written.push(path);
      note(io, values, `wrote ${path} (${digest.entries.length} entries; not sent)`);
    } else {
      report.written = output(format, files, values.out as string | undefined, io);
      if (values.out) note(io, values, `wrote ${report.written.join(', ')} (${digest.entries.length} entries)`);
      else if (digest.entries.length === 0) note(io, values, 'nothing in this period');
    }
    return finish(io, values, report, 0);
  },
};

/** md file names: `index.md` + `01.md`… in a folder, or `FILE.md` + `FILE-01.md`… beside it. */
function mdNames(out: string | undefined): RenderContext['names'] {
  const pad = (n: number) => String(n).padStart(2, '0');
  if (out && /\.md$/i.test(out)) {
    const stem = basename(out).replace(/\.md$/i, '');
    return { index: basename(out), page: (n) => `${stem}-${pad(n)}.md` };
  }
  return { index: 'index.md', page: (n) => `${pad(n)}.md` };
}

function output(format: DigestFormat, files: { name: string; content: string }[], out: string | undefined, io: Io): string[] {
  if (!out) {
    // md on stdout: the pages only (they concatenate into one valid archive).
    for (const f of format === 'md' ? files.slice(1) : files) io.out.write(f.content);
    return [];
  }
  if (format !== 'md') {
    write(out, files[0]!.content);
    return [out];
  }
  const folder = /\.md$/i.test(out) ? dirname(out) : out;
  return files.map((f) => {
    const path = join(folder, f.name);
    write(path, f.content);
    return path;
  });
}

function write(path: string, content: string): void {
  makeFolders(dirname(path));
  writeFileSync(path, content);
}

/** A human line on stderr (stdout may be the digest itself), unless --json. */
function note(io: Io, values: Values, line: string): void {
  if (!values.json) io.err.write(`${line}\n`);
}

function finish(io: Io, values: Values, report: object, code: number): number {
  if (values.json) io.out.write(JSON.stringify(report, null, 2) + '\n');
  return code;
}

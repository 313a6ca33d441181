import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openAiRecognizer, type Recognizer } from '../../providers/asr.js';
import { update, type ItemReport, type UpdateOptions, type UpdateReport } from '../../pipeline/update.js';
import { sleep } from '../../sources/pacer.js';
import { EXIT, libraryOption, UsageError, type Command, type Io, type Values } from '../command.js';
import { openFor } from '../library.js';
import { acquireWriterLock } from '../../store/lock.js';
import { statusLine } from '../progress.js';
import { serviceOptions, serviceUsage, settingsFor } from '../services.js';

export const updateCommand: Command = {
  name: 'update',
  usage: `engram update [NAME...] [--since DATE] [--limit N] [--dry-run] [--every INTERVAL] [--json]

Discovers new items of every followed source (or the NAMEd ones), fetches their transcripts
(a publisher's transcript, YouTube subtitles, or the audio for a speech recognizer), and adds
them to the library. Reports what was added, what is waiting (and for what), and what failed
(with the reason and when it is retried). Failed items are retried with backoff on later runs;
\`engram jobs\` lists them and \`engram jobs retry\` re-queues those that failed for good.

Options:
  --since DATE        only items published on or after DATE (YYYY-MM-DD)
  --limit N           at most N new items per source, newest first (the rest come in later runs)
  --dry-run           list what would be fetched; change nothing
  --every INTERVAL    keep running, updating every INTERVAL (30m, 6h, 1d)
  --keep-audio        keep downloaded audio after transcription
  --max-audio-mb N    refuse enclosures larger than N MB (default 2000)
  --downloads N       concurrent downloads (default 2)
  --recognitions N    concurrent recognitions (default 1)
  --host-delay-ms N   at least N ms between requests to one host (default 1000)
  --json              print the report as JSON
${serviceUsage('asr')}
${serviceUsage('ytdlp')}
  --library DIR       library folder

Exit code: 0 everything found was added, is waiting (for a recognizer) or skipped (live,
upcoming, members-only); 1 some source or item failed (listed with reasons; retried later);
2 usage error (or another update is running on this library).`,
  options: {
    ...libraryOption, since: { type: 'string' }, limit: { type: 'string' }, 'dry-run': { type: 'boolean' }, every: { type: 'string' },
    'keep-audio': { type: 'boolean' }, 'max-audio-mb': { type: 'string' }, downloads: { type: 'string' }, recognitions: { type: 'string' },
    'host-delay-ms': { type: 'string' }, json: { type: 'boolean' }, ...serviceOptions('asr', 'ytdlp'),
  },
  positionals: true,
  async run(values, names, io) {
    const every = values.every === undefined ? undefined : parseInterval(values.every as string);
    const base = updateOptions(values, names);
    const { db, dir } = openFor(values, io, 'write');
    const lock = takeLock(dir);
    if (typeof lock === 'string') {
      db.close();
      io.err.write(`engram update: ${lock}\n`);
      return EXIT.usage;
    }
    const stop = new AbortController();
    const onSignal = () => stop.abort(new Error('stopped'));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      for (;;) {
        const asr = settingsFor('asr', values, io, dir);
        const ytdlp = settingsFor('ytdlp', values, io, dir);
        const recognizer: Recognizer | undefined = asr?.url ? openAiRecognizer(asr) : undefined;
        const bar = statusLine(io.err);
        let report: UpdateReport;
        try {
          report = await update(db, dir, {
            ...base, recognizer, ytdlp, signal: stop.signal,
            writerLock: () => acquireWriterLock(dir, {
              command: 'update',
              onWait: (who) => bar.update(`${who} is writing to this library; waiting to add the fetched items…`),
            }),
            onProgress: (p) => bar.update(p.phase === 'discovering'
              ? `discovering ${p.itemsDone + 1}/${p.itemsTotal}: ${p.current}`
              : `${p.itemsDone}/${p.itemsTotal} items  ${(p.bytes / 1e6).toFixed(1)} MB  ${p.current}`),
          });
        } finally {
          bar.done();
        }
        if (values.json) io.out.write(JSON.stringify(report, null, 2) + '\n');
        else printReport(report, io);
        const code = report.failed.length || report.sources.some((s) => s.error) ? EXIT.partial : EXIT.ok;
        if (!every || stop.signal.aborted) return code;
        io.err.write(`next update at ${new Date(Date.now() + every).toLocaleString()}\n`);
        try {
          await sleep(every, stop.signal);
        } catch {
          return code;
        }
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      lock();
      db.close();
    }
  },
};

function updateOptions(values: Values, names: string[]): UpdateOptions {
  const int = (flag: string, min = 0): number | undefined => {
    const v = values[flag];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} takes a whole number of at least ${min}, not "${v}"`);
    return n;
  };
  const since = values.since as string | undefined;
  if (since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(since)) throw new UsageError(`--since takes a date like 2025-06-01, not "${since}"`);
  const mb = int('max-audio-mb', 1);
  return {
    names, since, limit: int('limit'), dryRun: Boolean(values['dry-run']), keepAudio: Boolean(values['keep-audio']),
    maxAudioBytes: mb === undefined ? undefined : mb * 1_000_000,
    downloads: int('downloads', 1), recognitions: int('recognitions', 1), hostDelayMs: int('host-delay-ms'),
  };
}

/** `30m`, `6h`, `1d`, `90s` to milliseconds. */
export function parseInterval(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(s.trim());
  if (!m) throw new UsageError(`--every takes an interval like 30m, 6h or 1d, not "${s}"`);
  const ms = Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  if (ms < 60_000) throw new UsageError('--every must be at least 1m: be polite to the sources');
  return ms;
}

/**
 * One update at a time per library (a cron job and a manual run must not fetch the same
 * items twice). The lock file holds the PID; a lock left by a killed process is taken over.
 * Returns the release function, or why the lock is not free.
 */
function takeLock(dir: string): (() => void) | string {
  const path = join(dir, 'update.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch { /* gone */ }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSafe(path));
      if (pid && pid !== process.pid && alive(pid)) return `another update is running on this library (pid ${pid}); it holds ${path}`;
      try {
        unlinkSync(path); // stale: its process is gone
      } catch { /* raced */ }
    }
  }
  return `cannot take ${path}`;
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function printReport(r: UpdateReport, io: Io): void {
  if (r.sources.length === 0) io.out.write('no followed sources: add one with `engram source add URL` (a YouTube channel, a podcast feed, a Xiaoyuzhou show or a folder)\n');
  const line = (i: ItemReport) => `  ${i.source}: ${i.title ?? i.url ?? `job ${i.job}`}${i.date ? ` (${i.date})` : ''}`;
  for (const s of r.sources) {
    const state = s.error ? `error: ${s.error}` : s.unchanged ? 'unchanged' : `${s.discovered} new`;
    io.out.write(`${s.name} (${s.kind}): ${state}\n`);
    for (const n of s.notes) io.out.write(`  note: ${n}\n`);
    if (s.hint) io.out.write(`  what to do: ${s.hint}\n`);
  }
  if (r.wouldFetch.length) {
    io.out.write(`would fetch (${r.wouldFetch.length}, dry run):\n`);
    for (const i of r.wouldFetch) io.out.write(`${line(i)}${i.reason ? ` — ${i.reason}` : ''}\n`);
  }
  if (r.added.length) {
    io.out.write(`added (${r.added.length}):\n`);
    for (const i of r.added) io.out.write(`${line(i)}\n`);
  }
  if (r.skipped.length) {
    io.out.write(`skipped (${r.skipped.length}, listed, not fetched):\n`);
    for (const i of r.skipped) io.out.write(`${line(i)} — ${i.reason}\n`);
  }
  if (r.waiting.length) {
    const hints = [...new Set(r.waiting.map((i) => i.hint).filter(Boolean))];
    io.out.write(`waiting (${r.waiting.length}):\n`);
    for (const i of r.waiting.slice(0, 20)) io.out.write(`${line(i)} — ${i.reason}\n`);
    if (r.waiting.length > 20) io.out.write(`  … and ${r.waiting.length - 20} more (engram jobs)\n`);
    for (const h of hints) io.out.write(`  what to do: ${h}\n`);
  }
  if (r.deferred.length) io.out.write(`left for a later run: ${r.deferred.length} (retry time not reached, or their service refused us; engram jobs)\n`);
  if (r.failed.length) {
    io.err.write(`failed (${r.failed.length}):\n`);
    for (const i of r.failed) {
      io.err.write(`${line(i)} — ${i.reason}${i.permanent ? ' [permanent: engram jobs retry]' : i.retryAfter ? ` [retried after ${i.retryAfter.slice(0, 16).replace('T', ' ')}]` : ''}\n`);
      if (i.hint) io.err.write(`    what to do: ${i.hint}\n`);
    }
  }
  for (const w of r.warnings.slice(0, 20)) io.out.write(`warning: ${w}\n`);
  io.out.write(`documents: ${r.documents.added} added, ${r.documents.updated} updated in ${(r.elapsedMs / 1000).toFixed(1)} s\n`);
}

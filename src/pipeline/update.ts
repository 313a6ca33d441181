/**
 * `engram update`: for each followed source, discover its items, record new ones as jobs, and
 * move every runnable job along discovered → fetched → transcribed → ingested.
 *
 * - A transcript (publisher's, YouTube's, or recognized) is written as a diarized-transcript
 *   file under `LIBRARY/sources/NAME/` and ingested through the normal ingest path; downloads
 *   go to `LIBRARY/media/NAME/` and are deleted once their transcript is in the library
 *   (unless the source keeps audio).
 * - Each step's result is on disk before the job's state says so, and every file is named
 *   after its item, so a killed update loses nothing and duplicates nothing: the next run
 *   redoes at most the step that was cut short.
 * - Downloads and recognition have their own concurrency limits; requests to one host are
 *   spaced (sources/pacer.ts). Failures are classified (sources/source.ts) and retried with
 *   backoff across runs (store/follow.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { DB } from '../store/db.js';
import {
  advanceJob, failJob, knownItemKeys, listFollowed, recordDiscovery, recordItems, runnableJobs, sourceFilesDir, sourceMediaDir,
  type FollowedSource, type Job,
} from '../store/follow.js';

export { sourceFilesDir, sourceMediaDir };
import { ingest, type IngestReport } from './ingest.js';
import { sourceFor } from '../sources/index.js';
import { HostPacer } from '../sources/pacer.js';
import { loadChapters, RECOGNIZER_HINT } from '../sources/feed.js';
import { headerFor, renderTranscriptFile } from '../sources/transcripts.js';
import { FollowError, SkipItem, type Item, type SourceContext, type Transcript } from '../sources/source.js';
import { HttpError } from '../providers/http.js';
import { RecognizerConfigError, UnsupportedAudioError, type Recognizer } from '../providers/asr.js';
import { removeAudio, transcribeAudio, type TranscribeOptions } from './transcribe.js';
import { makeFolders } from '../folders.js';

export interface UpdateOptions {
  /** Only these followed sources (by name); all when empty. */
  names?: string[];
  /** Only items dated on or after this ISO date (undated items always). */
  since?: string;
  /** At most this many new items per source, newest first. */
  limit?: number;
  /** Discover and report what would be fetched; change nothing. */
  dryRun?: boolean;
  recognizer?: Recognizer;
  ytdlp?: { path?: string; cookies?: string };
  /** Keep downloaded audio after transcription (also per source: `source add --keep-audio`). */
  keepAudio?: boolean;
  maxAudioBytes?: number;
  /** Concurrent downloads (default 2) and recognitions (default 1). */
  downloads?: number;
  recognitions?: number;
  /** Spacing of requests to one host, ms (default 1000). */
  hostDelayMs?: number;
  /** Attempts before a transient failure is permanent (default 5). */
  maxAttempts?: number;
  /** First backoff between attempts across runs, ms (default 5 minutes; doubles each attempt). */
  retryBaseMs?: number;
  /** HTTP attempts and timeouts within one run. */
  http?: SourceContext['retry'];
  transcribe?: Pick<TranscribeOptions, 'maxChunkBytes' | 'overlapSeconds' | 'encoding'>;
  onProgress?: (p: UpdateProgress) => void;
  signal?: AbortSignal;
  /**
   * Takes the library's writer lock around each ingest of fetched files (the CLI passes
   * `acquireWriterLock`), so an \`engram ingest\` running beside a long update waits for the
   * update's short ingests instead of failing on a locked database, and vice versa. The hours
   * an update spends downloading and recognizing hold no lock.
   */
  writerLock?: () => Promise<{ release(): void }>;
}

/** Run `fn` holding the writer lock when one is given. */
async function locked<T>(lock: UpdateOptions['writerLock'], fn: () => Promise<T>): Promise<T> {
  const held = await lock?.();
  try {
    return await fn();
  } finally {
    held?.release();
  }
}

export interface UpdateProgress {
  phase: 'discovering' | 'fetching';
  itemsDone: number;
  itemsTotal: number;
  bytes: number;
  /** What is happening now: `NAME: title (step)`. */
  current: string;
}

export interface ItemReport {
  job: number;
  source: string;
  title: string | null;
  url: string | null;
  date: string | null;
  reason?: string;
  hint?: string;
  /** For failures: no more automatic retries (`engram jobs retry` re-queues). */
  permanent?: boolean;
  /** For failures: when the next attempt may happen (ISO). */
  retryAfter?: string;
}

export interface SourceReport {
  name: string;
  kind: string;
  /** Items seen for the first time. */
  discovered: number;
  unchanged?: boolean;
  notes: string[];
  error?: string;
  hint?: string;
}

export interface UpdateReport {
  sources: SourceReport[];
  /** Ingested in this run. */
  added: ItemReport[];
  waiting: ItemReport[];
  skipped: ItemReport[];
  failed: ItemReport[];
  /** Left for a later run: retry time not reached, or their service refused us this run. */
  deferred: ItemReport[];
  /** `--dry-run`: what would be fetched. */
  wouldFetch: ItemReport[];
  documents: IngestReport['documents'];
  warnings: string[];
  elapsedMs: number;
}

const DEFAULTS = { downloads: 2, recognitions: 1, hostDelayMs: 1000, maxAttempts: 5, retryBaseMs: 5 * 60_000, maxAudioBytes: 2_000_000_000 };

class Semaphore {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly size: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

/** One writer: files transcribed while an ingest runs are ingested together in the next one. */
class IngestQueue {
  private pending: { file: string; source?: string; done: (r: { failure?: string }) => void }[] = [];
  private running: Promise<void> | undefined;
  readonly documents = { added: 0, updated: 0, unchanged: 0, removed: 0 };

  constructor(private readonly db: DB, private readonly writerLock?: UpdateOptions['writerLock']) {}

  add(file: string, source?: string): Promise<{ failure?: string }> {
    return new Promise((done) => {
      this.pending.push({ file, source, done });
      this.running ??= this.drain().finally(() => { this.running = undefined; });
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      await new Promise((r) => setImmediate(r)); // let files finishing now join this batch
      const batch = this.pending.splice(0);
      const bySource = new Map<string | undefined, typeof batch>();
      for (const p of batch) bySource.set(p.source, [...(bySource.get(p.source) ?? []), p]);
      for (const [source, group] of bySource) {
        try {
          const report = await locked(this.writerLock, () => ingest(this.db, group.map((g) => g.file), source ? { source } : {}));
          for (const k of ['added', 'updated', 'unchanged', 'removed'] as const) this.documents[k] += report.documents[k];
          const failures = new Map(report.failures.map((f) => [f.file, f.reason]));
          for (const g of group) g.done({ failure: failures.get(g.file.split('/').pop()!) ?? failures.get(g.file) });
        } catch (e) {
          for (const g of group) g.done({ failure: (e as Error).message });
        }
      }
    }
  }
}

function itemReport(job: Job, extra: Partial<ItemReport> = {}): ItemReport {
  return { job: job.id, source: job.sourceName, title: job.title ?? job.item.title ?? null, url: job.url ?? job.item.url ?? null, date: job.date ?? job.item.date ?? null, ...extra };
}

/** The transcript file of an item: named once (date, title, a hash of its identity) and kept. */
function transcriptFileName(item: Item & { file?: string }): string {
  if (item.file) return item.file;
  const slug = (item.title ?? '').normalize('NFC').replace(/[\u0000-\u001f<>:"/\\|?*#%&{}$!'@`=+]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 50).trim();
  const hash = createHash('sha1').update(item.key).digest('hex').slice(0, 8);
  return `${item.date ?? 'undated'}${slug ? ` ${slug}` : ''} [${hash}].md`;
}

function writeAtomically(path: string, text: string): void {
  makeFolders(resolve(path, '..'));
  // A hidden temporary name: a folder ingest running meanwhile skips it.
  const tmp = join(resolve(path, '..'), `.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export async function update(db: DB, libraryDir: string, opts: UpdateOptions = {}): Promise<UpdateReport> {
  const t0 = performance.now();
  const o = { ...DEFAULTS, ...stripUndefined(opts) };
  const report: UpdateReport = { sources: [], added: [], waiting: [], skipped: [], failed: [], deferred: [], wouldFetch: [], documents: { added: 0, updated: 0, unchanged: 0, removed: 0 }, warnings: [], elapsedMs: 0 };
  const all = listFollowed(db);
  const unknown = (opts.names ?? []).filter((n) => !all.some((s) => s.name === n));
  if (unknown.length) throw new Error(`no followed source named ${unknown.map((n) => `"${n}"`).join(', ')} (see \`engram source list\`)`);
  const selected = opts.names?.length ? all.filter((s) => opts.names!.includes(s.name)) : all;
  const pacer = new HostPacer(o.hostDelayMs);
  let bytes = 0;
  const contextFor = (s: FollowedSource): SourceContext => ({
    state: s.state, pacer, mediaDir: sourceMediaDir(libraryDir, s.name), wantAudio: Boolean(opts.recognizer),
    maxAudioBytes: o.maxAudioBytes, ytdlp: opts.ytdlp, retry: opts.http, signal: opts.signal,
    onBytes: (n) => { bytes += n; },
  });
  const progress = (p: Omit<UpdateProgress, 'bytes'>) => opts.onProgress?.({ ...p, bytes });
  const queue = new IngestQueue(db, opts.writerLock);

  // 1. Discovery, one source at a time.
  for (const [i, s] of selected.entries()) {
    progress({ phase: 'discovering', itemsDone: i, itemsTotal: selected.length, current: s.name });
    const sr: SourceReport = { name: s.name, kind: s.kind, discovered: 0, notes: [] };
    report.sources.push(sr);
    try {
      const found = await sourceFor(s.kind, s.url).discover(contextFor(s));
      sr.notes.push(...(found.notes ?? []));
      if (found.unchanged) sr.unchanged = true;
      const known = knownItemKeys(db, s.id);
      let fresh = found.items.filter((it) => !known.has(it.key));
      if (opts.since) fresh = fresh.filter((it) => !it.date || it.date >= opts.since!);
      if (opts.limit !== undefined) fresh = fresh.slice(0, opts.limit);
      sr.discovered = fresh.length;
      if (opts.dryRun) {
        for (const it of fresh) report.wouldFetch.push({ job: 0, source: s.name, title: it.title ?? null, url: it.url ?? null, date: it.date ?? null, ...(it.skip ? { reason: `skipped: ${it.skip}` } : {}) });
        continue;
      }
      // Known items are refreshed too (an upcoming video that is now published).
      recordItems(db, s.id, [...fresh, ...found.items.filter((it) => known.has(it.key))]);
      for (const it of fresh.filter((x) => x.skip)) report.skipped.push({ job: 0, source: s.name, title: it.title ?? null, url: it.url ?? null, date: it.date ?? null, reason: it.skip });
      for (const folder of found.folders ?? []) {
        const r = await locked(opts.writerLock, () => ingest(db, [folder], s.options.documentSource ? { source: s.options.documentSource } : {}));
        for (const k of ['added', 'updated', 'unchanged', 'removed'] as const) report.documents[k] += r.documents[k];
        for (const f of r.failures) report.warnings.push(`${s.name}: ${f.file}${f.line ? `:${f.line}` : ''}: ${f.reason}`);
      }
      recordDiscovery(db, s.id, { state: found.state });
    } catch (e) {
      const f = e instanceof FollowError ? e : new FollowError((e as Error).message, 'transient');
      sr.error = f.message;
      if (f.hint) sr.hint = f.hint;
      if (!opts.dryRun) recordDiscovery(db, s.id, { error: f.message });
    }
  }
  if (opts.dryRun) {
    report.elapsedMs = performance.now() - t0;
    return report;
  }

  // 2. Jobs, concurrently within the limits.
  const byId = new Map(selected.map((s) => [s.id, s]));
  const now = Date.now();
  // Waiting jobs are retried when what they wait for may be there now: a recognizer, or yt-dlp.
  const jobs = runnableJobs(db, selected.map((s) => s.id), now).filter((j) => j.state !== 'waiting' || opts.recognizer || /yt-dlp/.test(j.error ?? ''));
  for (const j of runnableJobs(db, selected.map((s) => s.id), Number.MAX_SAFE_INTEGER)) {
    if (j.nextAt > now) report.deferred.push(itemReport(j, { reason: j.error ?? undefined, retryAfter: new Date(j.nextAt).toISOString() }));
    else if (j.state === 'waiting' && !jobs.some((x) => x.id === j.id)) report.waiting.push(itemReport(j, { reason: j.error ?? undefined, hint: RECOGNIZER_HINT }));
  }
  const downloads = new Semaphore(o.downloads);
  const recognitions = new Semaphore(o.recognitions);
  const blocked = new Map<string, string>(); // a service that refused us: leave its other jobs for later
  let done = 0;
  const step = (job: Job, what: string) => progress({ phase: 'fetching', itemsDone: done, itemsTotal: jobs.length, current: `${job.sourceName}: ${job.title ?? job.itemKey} (${what})` });

  const runJob = async (job: Job): Promise<void> => {
    const s = byId.get(job.sourceId)!;
    const source = sourceFor(s.kind, s.url);
    const ctx = contextFor(s);
    const service = s.kind === 'youtube' ? 'youtube' : hostOf(job.item.enclosure?.url ?? job.item.url ?? s.url);
    let item: Item & { file?: string } = job.item;
    let state = job.state === 'waiting' ? 'discovered' : job.state;
    let artifact = job.artifact;
    const filesDir = sourceFilesDir(libraryDir, s.name);
    const writeTranscript = (t: Transcript) => {
      item = { ...item, file: transcriptFileName(item) } as Item;
      const path = join(filesDir, item.file!);
      writeAtomically(path, renderTranscriptFile(headerFor(item, s.name), t));
      for (const w of t.warnings ?? []) report.warnings.push(`${s.name}: ${item.title ?? item.key}: ${w}`);
      return path;
    };
    try {
      for (;;) {
        if (blocked.has(service)) {
          report.deferred.push(itemReport(job, { reason: `not tried: ${blocked.get(service)}` }));
          return;
        }
        if (state === 'discovered') {
          step(job, 'fetching');
          const fetched = await downloads.run(() => source.fetch(item, ctx));
          item = { ...item, ...fetched.item };
          if (fetched.kind === 'skip') throw new SkipItem(fetched.reason);
          if (fetched.kind === 'transcript') {
            artifact = relative(libraryDir, writeTranscript(fetched.transcript));
            state = 'transcribed';
          } else {
            artifact = relative(libraryDir, fetched.path);
            state = 'fetched';
          }
          advanceJob(db, job.id, state, { artifact, item });
        } else if (state === 'fetched') {
          const audio = join(libraryDir, artifact ?? '');
          if (!artifact || !existsSync(audio)) {
            state = 'discovered'; // the download is gone: fetch it again
            advanceJob(db, job.id, state, { artifact: null });
            continue;
          }
          if (!opts.recognizer) throw new FollowError('audio downloaded: waiting for a speech recognizer', 'waiting', RECOGNIZER_HINT);
          step(job, 'recognizing');
          const transcript = await recognitions.run(() => transcribeAudio(audio, opts.recognizer!, {
            ...opts.transcribe, language: item.language, names: item.persons, signal: opts.signal,
            onChunk: (d, n) => step(job, `recognizing ${d}/${n}`),
          }));
          const warnings: string[] = [];
          transcript.chapters = await loadChapters(item, ctx, warnings);
          transcript.speakers = item.persons;
          transcript.warnings = [...(transcript.warnings ?? []), ...warnings];
          artifact = relative(libraryDir, writeTranscript(transcript));
          state = 'transcribed';
          advanceJob(db, job.id, state, { artifact, item });
          if (!(opts.keepAudio || s.options.keepAudio)) removeAudio(audio);
        } else if (state === 'transcribed') {
          step(job, 'ingesting');
          const file = join(libraryDir, artifact ?? '');
          if (!artifact || !existsSync(file)) {
            state = 'discovered';
            advanceJob(db, job.id, state, { artifact: null });
            continue;
          }
          const { failure } = await queue.add(file);
          if (failure) throw new FollowError(`ingest of ${relative(libraryDir, file)}: ${failure}`, 'permanent');
          advanceJob(db, job.id, 'ingested', { artifact, item });
          report.added.push(itemReport({ ...job, title: item.title ?? job.title, url: item.url ?? job.url, date: item.date ?? job.date }));
          return;
        } else return;
      }
    } catch (e) {
      if (e instanceof SkipItem) {
        advanceJob(db, job.id, 'skipped', { item, error: e.reason, errorKind: 'skipped' });
        report.skipped.push(itemReport(job, { reason: e.reason }));
        return;
      }
      const f = asFailure(e);
      if (f.kind === 'blocked') blocked.set(service, f.message);
      const permanent = failJob(db, { ...job, state }, f.kind, f.message, { maxAttempts: o.maxAttempts, baseDelayMs: o.retryBaseMs, retryAfterS: f.retryAfterS });
      const after = db.prepare('SELECT next_at FROM jobs WHERE id = ?').pluck().get(job.id) as number;
      const r = itemReport(job, { reason: f.message, ...(f.hint ? { hint: f.hint } : {}) });
      if (f.kind === 'waiting') report.waiting.push(r);
      else report.failed.push({ ...r, permanent, ...(permanent ? {} : { retryAfter: new Date(after).toISOString() }) });
    } finally {
      done++;
      step(job, 'done');
    }
  };

  const workers = Math.max(1, o.downloads + o.recognitions);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, async () => {
    while (next < jobs.length) {
      if (opts.signal?.aborted) return;
      await runJob(jobs[next++]!);
    }
  }));
  for (const k of ['added', 'updated', 'unchanged', 'removed'] as const) report.documents[k] += queue.documents[k];
  report.elapsedMs = performance.now() - t0;
  return report;
}

/** Any error from a step as a classified failure. */
function asFailure(e: unknown): FollowError {
  if (e instanceof FollowError) return e;
  if (e instanceof RecognizerConfigError) return new FollowError(e.message, 'waiting', RECOGNIZER_HINT);
  if (e instanceof UnsupportedAudioError) return new FollowError(e.message, 'permanent');
  if (e instanceof HttpError) return new FollowError(`recognizer: ${e.message}`, e.status === 429 ? 'blocked' : e.transient ? 'transient' : 'permanent', undefined, e.retryAfterS);
  const err = e as Error;
  if (err?.name === 'AbortError') return new FollowError('interrupted', 'transient');
  return new FollowError(err?.message ?? String(e), 'transient');
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Followed sources and their jobs in the library database. Every state change is one
 * statement, committed before the next step starts, so a killed update resumes where it
 * stopped: a job is redone from the last state it reached, and the files each step writes
 * are named after the item, so redoing a step replaces its file instead of adding another.
 */
import { dirname, join } from 'node:path';
import { stmt } from './statements.js';
import type { DB } from './db.js';
import type { FailureKind, Item, SourceKind, SourceState } from '../sources/source.js';

export interface FollowedSource {
  id: number;
  name: string;
  kind: SourceKind;
  url: string;
  state: SourceState;
  options: SourceOptions;
  addedAt: string;
  checkedAt: string | null;
  error: string | null;
}

export interface SourceOptions {
  /** Keep downloaded audio after transcription. */
  keepAudio?: boolean;
  /** Source name documents get when their files do not name one (folders). */
  documentSource?: string;
}

export type JobState = 'discovered' | 'fetched' | 'transcribed' | 'ingested' | 'waiting' | 'skipped' | 'failed';

export interface Job {
  id: number;
  sourceId: number;
  sourceName: string;
  itemKey: string;
  title: string | null;
  url: string | null;
  date: string | null;
  item: Item;
  state: JobState;
  artifact: string | null;
  attempts: number;
  nextAt: number;
  error: string | null;
  errorKind: FailureKind | 'skipped' | null;
  updatedAt: string;
}

interface SourceRow {
  id: number; name: string; kind: SourceKind; url: string; state: string; options: string;
  added_at: string; checked_at: string | null; error: string | null;
}

const toSource = (r: SourceRow): FollowedSource => ({
  id: r.id, name: r.name, kind: r.kind, url: r.url, state: JSON.parse(r.state), options: JSON.parse(r.options),
  addedAt: r.added_at, checkedAt: r.checked_at, error: r.error,
});

const now = () => new Date().toISOString();

export function addSource(db: DB, s: { name: string; kind: SourceKind; url: string; options?: SourceOptions; state?: SourceState }): FollowedSource {
  const id = stmt(db, 'INSERT INTO followed_sources (name, kind, url, state, options, added_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(s.name, s.kind, s.url, JSON.stringify(s.state ?? {}), JSON.stringify(s.options ?? {}), now()).lastInsertRowid as number;
  return getSource(db, id)!;
}

export function getSource(db: DB, idOrName: number | string): FollowedSource | undefined {
  const row = stmt(db, `SELECT * FROM followed_sources WHERE ${typeof idOrName === 'number' ? 'id' : 'name'} = ?`).get(idOrName) as SourceRow | undefined;
  return row && toSource(row);
}

export function listFollowed(db: DB): FollowedSource[] {
  return (stmt(db, 'SELECT * FROM followed_sources ORDER BY name').all() as SourceRow[]).map(toSource);
}

export function findSourceByUrl(db: DB, url: string): FollowedSource | undefined {
  const row = stmt(db, 'SELECT * FROM followed_sources WHERE url = ?').get(url) as SourceRow | undefined;
  return row && toSource(row);
}

/** Remove a followed source and its jobs. Documents already in the library stay. */
export function removeSource(db: DB, id: number): void {
  stmt(db, 'DELETE FROM followed_sources WHERE id = ?').run(id);
}

export function recordDiscovery(db: DB, id: number, outcome: { state?: SourceState; error?: string }): void {
  if (outcome.error !== undefined) stmt(db, 'UPDATE followed_sources SET error = ? WHERE id = ?').run(outcome.error, id);
  else stmt(db, 'UPDATE followed_sources SET state = ?, checked_at = ?, error = NULL WHERE id = ?').run(JSON.stringify(outcome.state ?? {}), now(), id);
}

/**
 * Record discovered items: new ones become jobs; known ones keep their progress, except that a
 * job skipped earlier (an upcoming premiere) comes back when the source no longer skips it.
 * Returns the jobs created.
 */
export function recordItems(db: DB, sourceId: number, items: Item[]): number {
  let added = 0;
  const insert = stmt(db,
    `INSERT INTO jobs (source_id, item_key, title, url, date, item, state, error, error_kind, created_at, updated_at)
     VALUES (@sourceId, @key, @title, @url, @date, @item, @state, @error, @errorKind, @now, @now)
     ON CONFLICT (source_id, item_key) DO UPDATE SET
       item = CASE WHEN jobs.state IN ('discovered', 'skipped', 'waiting') THEN excluded.item ELSE jobs.item END,
       title = COALESCE(excluded.title, jobs.title), date = COALESCE(excluded.date, jobs.date),
       state = CASE WHEN jobs.state = 'skipped' AND excluded.state = 'discovered' THEN 'discovered' ELSE jobs.state END,
       error = CASE WHEN jobs.state = 'skipped' AND excluded.state = 'discovered' THEN NULL ELSE jobs.error END,
       error_kind = CASE WHEN jobs.state = 'skipped' AND excluded.state = 'discovered' THEN NULL ELSE jobs.error_kind END`,
  );
  db.transaction(() => {
    for (const item of items) {
      const existed = stmt(db, 'SELECT 1 FROM jobs WHERE source_id = ? AND item_key = ?').get(sourceId, item.key);
      insert.run({
        sourceId, key: item.key, title: item.title ?? null, url: item.url ?? null, date: item.date ?? null,
        item: JSON.stringify(item), state: item.skip ? 'skipped' : 'discovered',
        error: item.skip ?? null, errorKind: item.skip ? 'skipped' : null, now: now(),
      });
      if (!existed) added++;
    }
  })();
  return added;
}

/** Keys of the items a source already has jobs for. */
export function knownItemKeys(db: DB, sourceId: number): Set<string> {
  return new Set(stmt(db, 'SELECT item_key FROM jobs WHERE source_id = ?').pluck().all(sourceId) as string[]);
}

interface JobRow {
  id: number; source_id: number; source_name: string; item_key: string; title: string | null; url: string | null;
  date: string | null; item: string; state: JobState; artifact: string | null; attempts: number; next_at: number;
  error: string | null; error_kind: Job['errorKind']; updated_at: string;
}

const toJob = (r: JobRow): Job => ({
  id: r.id, sourceId: r.source_id, sourceName: r.source_name, itemKey: r.item_key, title: r.title, url: r.url, date: r.date,
  item: JSON.parse(r.item), state: r.state, artifact: r.artifact, attempts: r.attempts, nextAt: r.next_at,
  error: r.error, errorKind: r.error_kind, updatedAt: r.updated_at,
});

const JOB_COLUMNS = 'j.*, s.name AS source_name';

/** Jobs ready to work on now (not finished, not failed for good, past their backoff), newest item first. */
export function runnableJobs(db: DB, sourceIds: number[], at = Date.now()): Job[] {
  if (sourceIds.length === 0) return [];
  const rows = stmt(db,
    `SELECT ${JOB_COLUMNS} FROM jobs j JOIN followed_sources s ON s.id = j.source_id
      WHERE j.state IN ('discovered', 'fetched', 'transcribed', 'waiting') AND j.next_at <= ?
        AND j.source_id IN (SELECT value FROM json_each(?))
      ORDER BY j.date IS NULL, j.date DESC, j.id`,
  ).all(at, JSON.stringify(sourceIds)) as JobRow[];
  return rows.map(toJob);
}

export function getJob(db: DB, id: number): Job | undefined {
  const row = stmt(db, `SELECT ${JOB_COLUMNS} FROM jobs j JOIN followed_sources s ON s.id = j.source_id WHERE j.id = ?`).get(id) as JobRow | undefined;
  return row && toJob(row);
}

export function listJobs(db: DB, opts: { states?: JobState[]; source?: string } = {}): Job[] {
  const rows = stmt(db,
    `SELECT ${JOB_COLUMNS} FROM jobs j JOIN followed_sources s ON s.id = j.source_id
      WHERE (? IS NULL OR j.state IN (SELECT value FROM json_each(?))) AND (? IS NULL OR s.name = ?)
      ORDER BY s.name, j.date IS NULL, j.date DESC, j.id`,
  ).all(opts.states ? 1 : null, JSON.stringify(opts.states ?? []), opts.source ?? null, opts.source ?? null) as JobRow[];
  return rows.map(toJob);
}

/** Move a job to its next state: progress resets the error and the backoff. */
export function advanceJob(db: DB, id: number, state: JobState, fields: { artifact?: string | null; item?: Item; error?: string | null; errorKind?: Job['errorKind'] } = {}): void {
  stmt(db,
    `UPDATE jobs SET state = ?, artifact = CASE WHEN ? THEN ? ELSE artifact END, item = COALESCE(?, item),
       title = COALESCE(?, title), url = COALESCE(?, url), date = COALESCE(?, date),
       error = ?, error_kind = ?, attempts = CASE WHEN ? IN ('ingested', 'transcribed', 'fetched') THEN 0 ELSE attempts END,
       next_at = 0, updated_at = ? WHERE id = ?`,
  ).run(
    state, fields.artifact !== undefined ? 1 : 0, fields.artifact ?? null, fields.item ? JSON.stringify(fields.item) : null,
    fields.item?.title ?? null, fields.item?.url ?? null, fields.item?.date ?? null,
    fields.error ?? null, fields.errorKind ?? null, state, now(), id,
  );
}

/**
 * A failed attempt. Transient failures back off exponentially with jitter and become permanent
 * after `maxAttempts`; `blocked` ones back off longer and never become permanent.
 * Returns whether the job is now failed for good.
 */
export function failJob(db: DB, job: Job, kind: FailureKind, message: string, opts: { maxAttempts: number; baseDelayMs: number; retryAfterS?: number; at?: number }): boolean {
  const at = opts.at ?? Date.now();
  if (kind === 'waiting') {
    stmt(db, "UPDATE jobs SET state = 'waiting', error = ?, error_kind = 'waiting', next_at = 0, updated_at = ? WHERE id = ?").run(message, now(), job.id);
    return false;
  }
  const attempts = job.attempts + (kind === 'blocked' ? 0 : 1);
  const permanent = kind === 'permanent' || (kind === 'transient' && attempts >= opts.maxAttempts);
  const base = kind === 'blocked' ? opts.baseDelayMs * 6 : opts.baseDelayMs;
  const backoff = base * 2 ** Math.min(attempts, 10) * (0.5 + Math.random() / 2);
  const delay = Math.max(backoff, (opts.retryAfterS ?? 0) * 1000);
  const state: JobState = permanent ? 'failed' : job.state === 'waiting' ? 'discovered' : job.state;
  stmt(db, 'UPDATE jobs SET state = ?, attempts = ?, next_at = ?, error = ?, error_kind = ?, updated_at = ? WHERE id = ?')
    .run(state, attempts, permanent ? 0 : Math.round(at + delay), message, permanent ? 'permanent' : kind, now(), job.id);
  return permanent;
}

/** Re-queue failed jobs (`engram jobs retry`): attempts reset, state back to the start. */
export function retryJobs(db: DB, ids: number[] | 'all'): number {
  const sql = `UPDATE jobs SET state = 'discovered', attempts = 0, next_at = 0, error = NULL, error_kind = NULL, artifact = NULL, updated_at = ?
    WHERE state = 'failed'${ids === 'all' ? '' : ' AND id IN (SELECT value FROM json_each(?))'}`;
  const r = ids === 'all' ? stmt(db, sql).run(now()) : stmt(db, sql).run(now(), JSON.stringify(ids));
  return r.changes;
}

export interface SourceCounts {
  documents: number;
  pending: number;
  waiting: number;
  skipped: number;
  failed: number;
  ingested: number;
}

/** Per followed source: documents from its files, and its jobs by state. */
export function sourceCounts(db: DB, source: FollowedSource, filesRoot: string): SourceCounts {
  const byState = Object.fromEntries(
    (stmt(db, 'SELECT state, count(*) AS n FROM jobs WHERE source_id = ? GROUP BY state').all(source.id) as { state: JobState; n: number }[]).map((r) => [r.state, r.n]),
  ) as Partial<Record<JobState, number>>;
  const documents = stmt(db,
    `SELECT count(DISTINCT r.document_id) FROM renditions r JOIN files f ON f.id = r.file_id
      WHERE f.root = ? OR f.abs_path LIKE ? ESCAPE '\\'`,
  ).pluck().get(filesRoot, filesRoot.replace(/[\\%_]/g, (c) => `\\${c}`) + '/%') as number;
  return {
    documents,
    pending: (byState.discovered ?? 0) + (byState.fetched ?? 0) + (byState.transcribed ?? 0),
    waiting: byState.waiting ?? 0,
    skipped: byState.skipped ?? 0,
    failed: byState.failed ?? 0,
    ingested: byState.ingested ?? 0,
  };
}

/** A source name as a folder name: readable, safe on every file system, never empty. */
export function folderNameFor(name: string): string {
  const safe = name.normalize('NFC').replace(/[\u0000-\u001f<>:"/\\|?*]+/g, '-').replace(/^[.\s-]+|[.\s]+$/g, '');
  // At most 80 characters and 200 bytes of UTF-8 (a file name holds 255), cut between characters.
  let out = '';
  for (const ch of safe) {
    if (out.length >= 80 || Buffer.byteLength(out + ch) > 200) break;
    out += ch;
  }
  return out.replace(/[.\s]+$/, '') || 'source';
}

/** Where a followed source's transcripts are written: `LIBRARY/sources/NAME/`. */
export function sourceFilesDir(libraryDir: string, name: string): string {
  return join(libraryDir, 'sources', folderNameFor(name));
}

/** Where its downloads wait for recognition: `LIBRARY/media/NAME/`. */
export function sourceMediaDir(libraryDir: string, name: string): string {
  return join(libraryDir, 'media', folderNameFor(name));
}

/** Where a followed source's documents come from: its transcript folder, or the folder itself. */
export function documentsRoot(libraryDir: string, s: FollowedSource): string {
  return s.kind === 'folder' ? s.url : sourceFilesDir(libraryDir, s.name);
}

export interface FollowedStatus extends SourceCounts {
  name: string;
  kind: SourceKind;
  url: string;
  /** Last discovery that succeeded (ISO). */
  lastUpdate: string | null;
  /** Last discovery failure, if the latest one failed. */
  error: string | null;
  /** Items that failed, newest first (at most 10), with the reason. */
  failures: { job: number; title: string | null; error: string | null; permanent: boolean }[];
}

/** Each followed source's status, for `source list`, `engram serve` and /api/sources. */
export function followedStatus(db: DB, libraryDir = dirname(db.name)): FollowedStatus[] {
  return listFollowed(db).map((s) => {
    const c = sourceCounts(db, s, documentsRoot(libraryDir, s));
    const failures = (stmt(db,
      `SELECT id AS job, title, error, state = 'failed' AS permanent FROM jobs
        WHERE source_id = ? AND (state = 'failed' OR (error IS NOT NULL AND error_kind IN ('transient', 'blocked')))
        ORDER BY updated_at DESC LIMIT 10`,
    ).all(s.id) as { job: number; title: string | null; error: string | null; permanent: number }[]).map((f) => ({ ...f, permanent: Boolean(f.permanent) }));
    return { name: s.name, kind: s.kind, url: s.url, lastUpdate: s.checkedAt, error: s.error, ...c, failures };
  });
}

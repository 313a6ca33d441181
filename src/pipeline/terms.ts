/**
 * The terms stage, run at the end of an ingest over the documents it added or changed
 * (after all their renditions are written, because the evidence for a correction often sits
 * in another file of the same document — the summary, the title): recognition errors are
 * corrected, entities linked, speakers unified and related documents found.
 *
 * When what the stage depends on changes (the lexicon), every document is redone.
 */
import { dirname } from 'node:path';
import { stmt } from '../store/statements.js';
import type { DB } from '../store/db.js';
import { linkDocument } from '../entities/link.js';
import { unifySpeakers } from '../entities/speakers.js';
import { dropDeletedDocuments, pruneEntities, refreshDocumentEntities } from '../entities/store.js';
import { relateDocuments } from '../entities/related.js';
import type { TermMatcher } from '../entities/term-mentions.js';
import type { TermEntry } from '../terms/term-index.js';
import type { PassageScan } from '../terms/scan.js';
import type { PackedScans } from '../terms/packed-scans.js';

export interface TermsReport {
  documents: number;
  corrections: number;
  mentions: number;
  speakers: number;
  related: number;
  /** The LLM pass, when an LLM is configured: spans asked about, names chosen, answers ignored. */
  llm?: { asked: number; chosen: number; ignored: number };
  elapsedMs: number;
}

export interface TermsContext {
  /** Scans passages where they are parsed (terms/scan.ts), so the stage only applies what needs the whole document. */
  scanner?: PassageScanner;
  /** Finds lexicon terms in passages (none: only summaries' lists and speakers are linked). */
  terms?: TermMatcher;
  /** Corrects recognition errors in one document; returns how many it made. */
  correct?: (db: DB, documentId: number) => number;
  /** Fingerprint of what the stage depends on: a change redoes every document. */
  fingerprint?: string;
  /** The optional LLM pass over the documents just processed (terms/llm-pass.ts). */
  llm?: (db: DB, documentIds: number[]) => Promise<NonNullable<TermsReport['llm']>>;
  /** Load what the stage will need, while the ingest waits for its first parsed files. */
  warm?: () => void;
  /** After every document: write what was gathered for all of them at once, forget the scans. */
  done?: (db: DB) => void;
  /**
   * Before every document is done again (what the stage depends on changed): the lexicon's
   * entities are given back just their lexicon names, as a new library would have them; the
   * names documents give them come back as the documents are done.
   */
  renew?: (db: DB) => void;
}

/**
 * The pure, per-passage part of the stage, run by the parse workers (each builds its own
 * lexicon index from `entries`) or inline; the ingest hands each rendition's scans back with
 * `keep` before writing it, and the stage reads them instead of the passages' texts.
 */
export interface PassageScanner {
  readonly entries: readonly TermEntry[];
  /** Passage scans kept for the stage's next run (it forgets them): what the scans hold in memory. */
  readonly keptPassages: number;
  /**
   * Scan one passage (`alikes`: its sound-alike spans too, for corrected renditions;
   * `simplified`: its folded form if at hand), without the spans only an LLM may decide.
   */
  scan(text: string, alikes: boolean, simplified?: string): PassageScan;
  /**
   * A rendition's scans, by passage position, for the text with this hash, and its passages'
   * index terms (a correction re-indexes its passage with them instead of segmenting again).
   */
  keep(textHash: string, scans: PackedScans, terms: readonly (string | undefined)[]): void;
}

/** A run of the stage: its report, and what it found in each document it processed. */
export type TermsRun = TermsReport & { processed: number[]; found: Map<number, { corrections: number; mentions: number }> };

export function runTermsStage(db: DB, documentIds: Iterable<number>, ctx: TermsContext = {}, earlier: readonly number[] = []): TermsRun {
  const t0 = performance.now();
  const report = emptyRun();
  const fingerprint = ctx.fingerprint ?? '';
  const renew = !sameFingerprint(db, ctx);
  const ids = renew ? (stmt(db, 'SELECT id FROM documents ORDER BY id').pluck().all() as number[]) : [...new Set(documentIds)];
  db.transaction(() => {
    dropDeletedDocuments(db);
    if (renew) ctx.renew?.(db);
    processDocuments(db, ids, ctx, report);
    // Documents done by slices ahead of this run (`runTermsSlice`) get the library-wide parts too.
    const all = [...new Set([...earlier, ...report.processed])];
    // Speakers are unified library-wide; the documents whose links changed are recounted.
    const speakers = unifySpeakers(db, all);
    report.speakers = speakers.people;
    const recount = new Set([...all, ...speakers.changed]);
    for (const id of recount) refreshDocumentEntities(db, id);
    report.related = relateDocuments(db, [...new Set([...earlier, ...ids])]);
    ctx.done?.(db);
    pruneEntities(db);
    stmt(db, "INSERT INTO terms_state (k, v) VALUES ('fingerprint', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v").run(fingerprint);
  })();
  report.elapsedMs = performance.now() - t0;
  return report;
}

/**
 * The per-document part of the stage (corrections and mentions) for a few documents, ahead of
 * the stage's run: an ingest does it while its writer would otherwise wait for parsed files,
 * and the run at the end then does the library-wide part (speakers, related documents, the
 * index terms of corrected passages) for them with its own. A document written again after
 * its slice is done again by a later one. Undefined when what the stage depends on changed:
 * only a whole run starts over.
 */
export function runTermsSlice(db: DB, documentIds: readonly number[], ctx: TermsContext = {}): TermsRun | undefined {
  if (!sameFingerprint(db, ctx)) return undefined;
  const t0 = performance.now();
  const report = emptyRun();
  // Inside the ingest's open batch when there is one: a transaction of its own would commit the
  // batch's pending full-text terms as a segment, and so would a savepoint (measured: ~3 s more
  // CPU over a whole-corpus ingest's ~150 slices). A slice that throws leaves half its rows in
  // the batch: the ingest drops the batch then (ingest.ts `sliceUntilParsed`).
  const run = () => processDocuments(db, documentIds, ctx, report);
  try {
    if (db.inTransaction) run();
    else db.transaction(run)();
  } catch (e) {
    contexts.delete(db); // as in `runTermsStageForKeys`
    throw e;
  }
  report.elapsedMs = performance.now() - t0;
  return report;
}

const emptyRun = (): TermsRun => ({ documents: 0, corrections: 0, mentions: 0, speakers: 0, related: 0, elapsedMs: 0, processed: [], found: new Map() });

/**
 * An ingest's runs of the stage begin (`endTermsRuns`: they ended). One that never ended (the
 * process was killed between writing documents and running the stage over them) leaves
 * documents the stage never did: its fingerprint is forgotten, so the next run does every
 * document. A library without documents has nothing the stage derived under other rules: it
 * takes this stage's fingerprint now, so its first ingest can be done in slices (without a
 * fingerprint, the stage's run does every document again; `runTermsSlice`).
 */
export function beginTermsRuns(db: DB, ctx: TermsContext): void {
  const state = stmt(db, "SELECT v FROM terms_state WHERE k = ?").pluck();
  if (state.get('unfinished') !== undefined) stmt(db, "DELETE FROM terms_state WHERE k = 'fingerprint'").run();
  else if (state.get('fingerprint') === undefined && stmt(db, 'SELECT 1 FROM documents LIMIT 1').get() === undefined) {
    stmt(db, "INSERT INTO terms_state (k, v) VALUES ('fingerprint', ?)").run(ctx.fingerprint ?? '');
  }
  stmt(db, "INSERT INTO terms_state (k, v) VALUES ('unfinished', '1') ON CONFLICT(k) DO NOTHING").run();
}

export function endTermsRuns(db: DB): void {
  stmt(db, "DELETE FROM terms_state WHERE k = 'unfinished'").run();
}

function sameFingerprint(db: DB, ctx: TermsContext): boolean {
  return stmt(db, "SELECT v FROM terms_state WHERE k = 'fingerprint'").pluck().get() === (ctx.fingerprint ?? '');
}

/** Correct and link each document that still exists. */
function processDocuments(db: DB, ids: readonly number[], ctx: TermsContext, report: TermsRun): void {
  for (const id of ids) {
    if (stmt(db, 'SELECT 1 FROM documents WHERE id = ?').pluck().get(id) === undefined) continue;
    report.documents++;
    report.processed.push(id);
    const corrections = ctx.correct ? ctx.correct(db, id) : 0;
    const mentions = linkDocument(db, id, ctx.terms);
    report.corrections += corrections;
    report.mentions += mentions;
    report.found.set(id, { corrections, mentions });
  }
}

/** The documents with these keys (those still in the library). */
export function documentIdsOf(db: DB, keys: Iterable<string>): number[] {
  const byKey = stmt(db, 'SELECT id FROM documents WHERE key = ?').pluck();
  const ids: number[] = [];
  for (const k of keys) {
    const id = byKey.get(k) as number | undefined;
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/**
 * The stage over the documents an ingest added or changed (by key), then the LLM pass if any;
 * `earlier`: documents slices did since the stage last ran (`runTermsSlice`).
 */
export async function runTermsStageForKeys(db: DB, keys: Iterable<string>, ctx: TermsContext = {}, earlier: readonly number[] = []): Promise<Omit<TermsRun, 'processed'>> {
  const ids = documentIdsOf(db, keys);
  let stage: ReturnType<typeof runTermsStage>;
  try {
    stage = runTermsStage(db, ids, ctx, earlier);
  } catch (e) {
    contexts.delete(db); // it may hold this failed run's half-done state: the next ingest builds a fresh one
    throw e;
  }
  const { processed, ...report } = stage;
  const done = [...new Set([...earlier, ...processed])];
  if (ctx.llm && done.length) {
    const t0 = performance.now();
    report.llm = await ctx.llm(db, done);
    report.elapsedMs += performance.now() - t0;
  }
  return report;
}

/**
 * The stage's runs over one ingest, reported as one. A document whose renditions came before
 * and after a run (the stage runs every `termsEvery` passages) is processed again by a later
 * run, which replaces what the earlier one wrote: it counts once, with the later run's
 * corrections and mentions, and related documents are counted as the library has them at the
 * end. `speakers` is library-wide (the last run's); the LLM pass's counts add up (each was a call).
 */
export class TermsTally {
  private readonly found = new Map<number, { corrections: number; mentions: number }>();
  private last?: TermsReport;
  private elapsedMs = 0;
  private llm?: NonNullable<TermsReport['llm']>;

  add(run: Omit<TermsRun, 'processed'>): void {
    for (const [id, f] of run.found) this.found.set(id, f);
    this.last = run;
    this.elapsedMs += run.elapsedMs;
    if (run.llm) {
      const a = this.llm;
      this.llm = a ? { asked: a.asked + run.llm.asked, chosen: a.chosen + run.llm.chosen, ignored: a.ignored + run.llm.ignored } : run.llm;
    }
  }

  report(db: DB): TermsReport | undefined {
    if (!this.last) return undefined;
    let corrections = 0;
    let mentions = 0;
    // A document a run did and a later file of the ingest removed is not counted.
    const exists = stmt(db, 'SELECT 1 FROM documents WHERE id = ?').pluck();
    for (const [id] of this.found) if (exists.get(id) === undefined) this.found.delete(id);
    for (const f of this.found.values()) {
      corrections += f.corrections;
      mentions += f.mentions;
    }
    const related = this.found.size === 0 ? 0 : (stmt(db,
      `SELECT count(*) FROM related_documents
        WHERE a IN (SELECT value FROM json_each(?)) OR b IN (SELECT value FROM json_each(?))`,
    ).pluck().get(JSON.stringify([...this.found.keys()]), JSON.stringify([...this.found.keys()])) as number);
    return {
      documents: this.found.size, corrections, mentions, speakers: this.last.speakers, related,
      elapsedMs: this.elapsedMs, ...(this.llm ? { llm: this.llm } : {}),
    };
  }
}

/**
 * What the stage runs with in a library: its lexicon (shipped and its own entries). Kept per
 * library while its lexicon and chat settings stay the same: building it (the term index, the
 * lexicon's entities) costs ~50 ms, and `engram update` ingests a file or two at a time.
 */
export async function defaultTermsContext(db: DB): Promise<TermsContext> {
  const [{ lexiconFor }, { lexiconTermsContext }, { llmChat }, { readLibraryConfig, serviceSettings }] = await Promise.all([
    import('../lexicon/index.js'), import('../terms/context.js'), import('../terms/llm-pass.js'), import('../config.js'),
  ]);
  const dir = db.memory || !db.name ? undefined : dirname(db.name);
  const llm = serviceSettings('llm', { config: dir ? readLibraryConfig(dir) : {} });
  const lexicon = lexiconFor(db);
  const settings = JSON.stringify(llm ?? {});
  const kept = contexts.get(db);
  if (kept && kept.lexicon === lexicon && kept.settings === settings) return kept.context;
  const context = lexiconTermsContext(lexicon.entries(), { chat: llm?.url && llm.model ? llmChat(llm) : undefined });
  contexts.set(db, { lexicon, settings, context });
  return context;
}

const contexts = new WeakMap<DB, { lexicon: object; settings: string; context: TermsContext }>();

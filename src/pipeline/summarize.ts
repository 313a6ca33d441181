/**
 * `engram summarize`: for each document, from its best transcript —
 * - with a chat model: a cleaned transcript when it has only a raw one (summarize-tidy.ts),
 *   then a summary whose quotes are checked against the transcript (summarize-llm.ts, gates in
 *   summarize-gates.ts);
 * - without one: an extractive summary (summarize-extractive.ts), labelled as such.
 * Results are stored as generated renditions with their provenance (store/generated.ts); a
 * summary that fails its gates is stored as failed, with the reason.
 */
import type { DB } from '../store/db.js';
import { stmt } from '../store/statements.js';
import { generatedRenditions, GENERATED_FORMAT, saveGenerated, type GateRecord, type GeneratedTask, type Provenance } from '../store/generated.js';
import type { Llm } from '../providers/llm.js';
import { summaryLangOf, type SummaryLang } from '../text/language.js';
import { numbersIn } from '../text/numbers.js';
import { prepareTranscripts } from '../quotes/check.js';
import { documentTranscripts } from '../quotes/library.js';
import { newTally, type CallTally } from './summarize-gates.js';
import { hms, summaryInput, type SummaryInput } from './summarize-input.js';
import { llmSummary } from './summarize-llm.js';
import { renderSummary, headingsFor } from './summarize-render.js';
import { renderTidy, tidyTranscript } from './summarize-tidy.js';
import { keyPassages } from './summarize-extractive.js';
import type { ParsedPassage } from '../model.js';
import { refreshSummaryTimes } from '../quotes/refresh.js';

export interface SummarizeOptions {
  /** The chat model; without one, summaries are extractive. */
  llm?: Llm;
  lang: SummaryLang | 'auto';
  /** The library folder (prompt overrides in LIBRARY/prompts/). */
  libraryDir?: string;
  /** Tidy raw transcripts first (default true when a chat model is set). */
  tidy?: boolean;
  /** Attempts per call before a failure is stored (default 3). */
  attempts?: number;
  /** Progress within a document (`part 3/9 …`). */
  onStep?: (step: string) => void;
  now?: () => Date;
}

export interface TaskOutcome {
  task: GeneratedTask;
  status: 'ok' | 'failed';
  reason?: string;
  renditionId: number;
  model?: string;
  calls?: number;
  tokens?: number;
  /** Quotes kept as verified, of those the model gave (summary). */
  quotes?: { verified: number; total: number };
}

export interface DocumentOutcome {
  documentId: number;
  title: string | null;
  /** Why nothing was made (no text to summarize). */
  skipped?: string;
  lang?: SummaryLang;
  tasks: TaskOutcome[];
}

/** Which documents `summarize` works on. */
export interface Selection {
  ids?: number[];
  source?: string;
  /** Only documents without a current engram summary of this method (none yet, failed, or made from an older transcript). */
  missing?: boolean;
  method: 'llm' | 'extractive';
}

export function selectDocuments(db: DB, s: Selection): number[] {
  let ids: number[];
  if (s.ids?.length) ids = s.ids;
  else if (s.source) {
    ids = stmt(db, 'SELECT d.id FROM documents d JOIN sources so ON so.id = d.source_id WHERE so.name = ? ORDER BY d.date IS NULL, d.date, d.id').pluck().all(s.source) as number[];
  } else {
    ids = stmt(db, 'SELECT id FROM documents ORDER BY date IS NULL, date, id').pluck().all() as number[];
  }
  if (!s.missing) return ids;
  const format = GENERATED_FORMAT[s.method === 'llm' ? 'summary' : 'extractive'];
  return ids.filter((id) => {
    const input = summaryInput(db, id);
    if (!input) return false;
    const current = generatedRenditions(db, id).find((g) => g.format === format && g.provenance.status === 'ok');
    return !current || current.provenance.input.hash !== input.hash;
  });
}

export async function summarizeDocument(db: DB, documentId: number, o: SummarizeOptions): Promise<DocumentOutcome> {
  const title = (stmt(db, 'SELECT title FROM documents WHERE id = ?').pluck().get(documentId) as string | null | undefined) ?? null;
  let input = summaryInput(db, documentId);
  if (!input) return { documentId, title, skipped: 'no transcript or text to summarize', tasks: [] };
  const lang = o.lang === 'auto' ? summaryLangOf(input.passages.slice(0, 300).map((p) => p.text).join(' ')) : o.lang;
  const out: DocumentOutcome = { documentId, title, lang, tasks: [] };
  const now = o.now ?? (() => new Date());
  const attempts = o.attempts ?? 3;

  if (!o.llm) {
    const chosen = keyPassages(input.passages);
    // A heading over nothing is no summary (a text of emoji, a word or two): said, not stored as done.
    if (chosen.length === 0) return { ...out, skipped: 'nothing to summarize: no passage says enough (three words that carry meaning)' };
    const passages: ParsedPassage[] = [
      { text: headingsFor(lang).extractive, role: 'heading', depth: 2, line: 1 },
      ...chosen.map((k, i): ParsedPassage => ({ text: k.text, role: 'content', line: i + 2, ...(k.start !== undefined ? { start: k.start } : {}), ...(k.speaker ? { speaker: k.speaker } : {}) })),
    ];
    const body = `## ${headingsFor(lang).extractive}\n\n${chosen.map((k) => `- ${k.start !== undefined ? `[${hms(k.start)}] ` : ''}${k.speaker ? `**${k.speaker}:** ` : ''}${k.text}`).join('\n')}\n`;
    const provenance = baseProvenance('extractive', 'extractive', lang, input, now());
    provenance.gates = [{ gate: 'extractive', outcome: 'pass', detail: `${chosen.length} passages by TextRank and MMR over jieba terms` }];
    const id = saveGenerated(db, { documentId, kind: 'summary', task: 'extractive', body, passages, provenance });
    out.tasks.push({ task: 'extractive', status: 'ok', renditionId: id });
    return out;
  }

  if (o.tidy !== false && input.kind === 'raw-transcript') {
    const tally = newTally();
    const r = await tidyTranscript(input, { llm: o.llm, libraryDir: o.libraryDir, tally, attempts, onStep: o.onStep });
    const provenance = llmProvenance('tidy', lang, input, now(), tally, r.prompts, r.records);
    if (r.ok) {
      const { passages, body } = renderTidy(r.paragraphs);
      const id = saveGenerated(db, { documentId, kind: 'transcript', task: 'tidy', body, passages, provenance });
      out.tasks.push(taskOutcome('tidy', 'ok', id, tally));
      input = summaryInput(db, documentId) ?? input;
      // Summaries from files are checked against the transcripts the document has now.
      refreshSummaryTimes(db, [documentId]);
    } else {
      provenance.status = 'failed';
      provenance.reason = r.reason;
      const id = saveGenerated(db, { documentId, kind: 'transcript', task: 'tidy', body: failureBody(r.reason, r.records), passages: [], provenance });
      out.tasks.push({ ...taskOutcome('tidy', 'failed', id, tally), reason: r.reason });
    }
  }

  const transcripts = documentTranscripts(db, documentId);
  const sourceNumbers = new Set<string>();
  for (const t of transcripts) for (const p of t) for (const n of numbersIn(p.text)) sourceNumbers.add(n);
  const tally = newTally();
  const r = await llmSummary(input, {
    llm: o.llm, lang, libraryDir: o.libraryDir, attempts, tally, onStep: o.onStep,
    gate: { transcripts: prepareTranscripts(transcripts), sourceNumbers },
  });
  const provenance = llmProvenance('summary', lang, input, now(), tally, r.prompts, r.records);
  if (r.ok) {
    const { passages, body } = renderSummary(r.draft, lang, input.url);
    const id = saveGenerated(db, { documentId, kind: 'summary', task: 'summary', body, passages, provenance });
    const quoted = r.draft.points.filter((p) => p.quote);
    out.tasks.push({
      ...taskOutcome('summary', 'ok', id, tally),
      quotes: { verified: quoted.filter((p) => p.quoteStatus === 'verbatim' || p.quoteStatus === 'approximate').length, total: quotesAsked(r.records, quoted.length) },
    });
  } else {
    provenance.status = 'failed';
    provenance.reason = r.reason;
    const id = saveGenerated(db, { documentId, kind: 'summary', task: 'summary', body: failureBody(r.reason, r.records), passages: [], provenance });
    out.tasks.push({ ...taskOutcome('summary', 'failed', id, tally), reason: r.reason });
  }
  return out;
}

/** Quotes the model gave in the final answer, removed ones included (from the last quotes record). */
function quotesAsked(records: GateRecord[], kept: number): number {
  const last = [...records].reverse().find((r) => r.gate === 'quotes' && r.outcome !== 'fail');
  const m = last?.detail && /(\d+)\/(\d+) verified/.exec(last.detail);
  return m ? Number(m[2]) : kept;
}

function baseProvenance(task: GeneratedTask, method: Provenance['method'], lang: SummaryLang, input: SummaryInput, date: Date): Provenance {
  return { task, status: 'ok', method, date: date.toISOString(), lang, input: { renditionId: input.renditionId, hash: input.hash }, gates: [] };
}

function llmProvenance(task: GeneratedTask, lang: SummaryLang, input: SummaryInput, date: Date, tally: CallTally, prompts: string[], gates: GateRecord[]): Provenance {
  const p = baseProvenance(task, 'llm', lang, input, date);
  if (tally.model) p.model = tally.model;
  p.prompts = prompts;
  p.tokens = { prompt: tally.usage.prompt, completion: tally.usage.completion, estimated: tally.usage.estimated, calls: tally.calls };
  p.gates = gates;
  return p;
}

function taskOutcome(task: GeneratedTask, status: 'ok' | 'failed', renditionId: number, tally: CallTally): TaskOutcome {
  const t: TaskOutcome = { task, status, renditionId, calls: tally.calls, tokens: tally.usage.prompt + tally.usage.completion };
  if (tally.model) t.model = tally.model;
  return t;
}

/** What a failed rendition shows: the reason and what each gate found. */
function failureBody(reason: string, records: GateRecord[]): string {
  return [`**Failed:** ${reason}`, '', ...records.filter((r) => r.outcome !== 'pass').map((r) => `- ${r.gate} (${r.outcome}): ${r.detail ?? ''}`)].join('\n') + '\n';
}

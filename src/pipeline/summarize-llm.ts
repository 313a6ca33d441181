/**
 * An LLM summary of one transcript, within the context window whatever the transcript's length:
 * one call when the whole transcript fits next to the prompt and the answer; otherwise
 * map-reduce over time windows — notes per window (each with its quotes checked), then the
 * summary from all notes. Notes that do not fit one reduce call are reduced in groups first
 * (a partial summary per group, whose points become the next level's notes), so every window
 * contributes and none is silently cut.
 */
import { estimateMessages, inputBudget, type Llm } from '../providers/llm.js';
import { loadPrompt, promptLabel, renderPrompt, type Prompt } from '../providers/prompts.js';
import type { GateRecord } from '../store/generated.js';
import { LANG_NAMES, type SummaryLang } from '../text/language.js';
import { estimateTokens } from '../providers/llm.js';
import { askWithGates, parseSummary, RETRY_NOTE_TOKENS, SUMMARY_GATES, type CallTally, type GateContext, type KeyPoint, type SummaryDraft } from './summarize-gates.js';
import { hms, spanOf, windows, type SummaryInput } from './summarize-input.js';

/** Answer sizes: a summary, and the notes of one window. */
export const SUMMARY_MAX_TOKENS = 2048;
export const NOTES_MAX_TOKENS = 1200;
/** Levels of grouped reduction before giving up (each level shrinks the notes several times). */
const MAX_LEVELS = 4;

export interface LlmSummaryOptions {
  llm: Llm;
  lang: SummaryLang;
  libraryDir?: string;
  gate: Omit<GateContext, 'final' | 'lang'>;
  tally: CallTally;
  attempts: number;
  onStep?: (step: string) => void;
}

export type LlmSummary =
  | { ok: true; draft: SummaryDraft; records: GateRecord[]; prompts: string[] }
  | { ok: false; reason: string; records: GateRecord[]; prompts: string[] };

interface Prompts {
  summary: Prompt;
  map: Prompt;
  reduce: Prompt;
}

export async function llmSummary(input: SummaryInput, o: LlmSummaryOptions): Promise<LlmSummary> {
  const p: Prompts = {
    summary: loadPrompt('summary', o.libraryDir),
    map: loadPrompt('summary-map', o.libraryDir),
    reduce: loadPrompt('summary-reduce', o.libraryDir),
  };
  const base = {
    language: LANG_NAMES[o.lang],
    title_line: input.title ? ` of “${input.title}”` : '',
  };
  const records: GateRecord[] = [];
  const used = new Set<Prompt>();
  const ctx = { ...o.gate, lang: o.lang };
  const ask = async (prompt: Prompt, vars: Record<string, string>, maxTokens: number, label: string) => {
    used.add(prompt);
    o.onStep?.(label);
    const r = await askWithGates({
      llm: o.llm, messages: renderPrompt(prompt, { ...base, ...vars }), maxTokens, parse: parseSummary,
      gates: SUMMARY_GATES, ctx, attempts: o.attempts, tally: o.tally, label,
    });
    records.push(...r.records);
    return r;
  };
  const done = (r: { ok: true; value: SummaryDraft } | { ok: false; reason: string }): LlmSummary =>
    r.ok
      ? { ok: true, draft: r.value, records, prompts: [...used].map(promptLabel) }
      : { ok: false, reason: r.reason, records, prompts: [...used].map(promptLabel) };

  // Answers get a share of small context windows (a local model with 4K tokens still works).
  const summaryMax = Math.min(SUMMARY_MAX_TOKENS, Math.floor(o.llm.contextTokens * 0.35));
  const notesMax = Math.min(NOTES_MAX_TOKENS, Math.floor(o.llm.contextTokens * 0.25));
  const whole = spanOf(input.passages, 0, input.passages.length);
  const singleBudget = budgetFor(o.llm, p.summary, base, summaryMax);
  const single = singleBudget > 0 ? windows(input.passages, singleBudget) : [];
  if (single.length === 1) {
    return done(await ask(p.summary, { points: '6 to 10', span: whole, transcript: single[0]!.lines.join('\n') }, summaryMax, 'summary'));
  }

  // Map: notes per window.
  const mapBudget = budgetFor(o.llm, p.map, base, notesMax);
  const reduceBudget = budgetFor(o.llm, p.reduce, base, summaryMax);
  if (mapBudget < 200 || reduceBudget < 200) {
    return { ok: false, reason: `the context window (${o.llm.contextTokens} tokens) is too small for the prompts and their answers`, records, prompts: [] };
  }
  const parts = windows(input.passages, mapBudget);
  let notes: string[] = [];
  for (const [i, w] of parts.entries()) {
    const r = await ask(
      p.map,
      { part: String(i + 1), parts: String(parts.length), span: w.span, points: '6', transcript: w.lines.join('\n') },
      notesMax,
      `part ${i + 1}/${parts.length} (${w.span})`,
    );
    if (!r.ok) return done(r);
    notes.push(...notesOf(r.value));
  }

  // Reduce: in groups while the notes do not fit one call.
  for (let level = 1; ; level++) {
    const groups = groupLines(notes, reduceBudget);
    if (groups.length === 1) {
      return done(await ask(p.reduce, { span: whole, points: '8 to 12', notes: groups[0]!.join('\n') }, summaryMax, 'summary from notes'));
    }
    if (level > MAX_LEVELS) return { ok: false, reason: `the notes still need ${groups.length} calls after ${MAX_LEVELS} levels of reduction`, records, prompts: [...used].map(promptLabel) };
    const next: string[] = [];
    for (const [i, g] of groups.entries()) {
      const r = await ask(p.reduce, { span: whole, points: '6 to 8', notes: g.join('\n') }, summaryMax, `notes group ${i + 1}/${groups.length} (level ${level})`);
      if (!r.ok) return done(r);
      if (r.value.overview) next.push(r.value.overview);
      next.push(...notesOf(r.value));
    }
    notes = next;
  }
}

/** Tokens left for the transcript (or notes) in a call of this prompt. */
function budgetFor(llm: Llm, prompt: Prompt, base: Record<string, string>, maxTokens: number): number {
  const empty = renderPrompt(prompt, { ...base, part: '00', parts: '00', span: '00:00:00–00:00:00', points: '8 to 12', transcript: '', notes: '' });
  return inputBudget(llm, maxTokens, estimateMessages(empty) + RETRY_NOTE_TOKENS);
}

/** A draft's points as note lines for the reduce prompt: `[00:12:34] Speaker: “quote” — point`. */
export function notesOf(d: SummaryDraft): string[] {
  return d.points.map((k: KeyPoint) => {
    const time = k.start !== undefined ? `[${hms(k.start)}] ` : '';
    const quote = k.quote ? `${k.speaker ? `${k.speaker}: ` : ''}“${k.quote}” — ` : '';
    return `${time}${quote}${k.point}`;
  });
}

/** Lines grouped so that each group fits the budget (a line never split). */
function groupLines(lines: string[], budget: number): string[][] {
  const groups: string[][] = [];
  let cur: string[] = [];
  let tokens = 0;
  for (const l of lines) {
    const t = estimateTokens(l) + 1;
    if (cur.length && tokens + t > budget) {
      groups.push(cur);
      cur = [];
      tokens = 0;
    }
    cur.push(l);
    tokens += t;
  }
  if (cur.length) groups.push(cur);
  return groups.length ? groups : [[]];
}

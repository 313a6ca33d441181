/**
 * Tidying: a raw machine transcript into a cleaned transcript rendition — punctuation,
 * paragraphs, speakers, a timestamp per paragraph — window by window (each window small
 * enough that its cleaned text fits the answer). Gates per window:
 * - boilerplate: lines before the first timed paragraph and after the last (a preamble, a
 *   note on the changes) are removed;
 * - times: every paragraph must start with a time the input has (snapped to the nearest input
 *   line at or before it; a paragraph with no time continues the one before);
 * - language: the transcript's language, in the script the input uses (converted if not);
 * - fidelity: the cleaned text must say what the input said — most of its character pairs
 *   found in the input, and about as long (a model that summarizes or invents fails).
 */
import { estimateMessages, inputBudget, type Llm } from '../providers/llm.js';
import { loadPrompt, promptLabel, renderPrompt } from '../providers/prompts.js';
import type { GateRecord } from '../store/generated.js';
import type { ParsedPassage } from '../model.js';
import { isBoilerplateText } from '../text/boilerplate.js';
import { chineseScript, languageOf, toScript } from '../text/language.js';
import { parseTimecode } from '../formats/media.js';
import { matchKey, type TimedText } from '../quotes/locate.js';
import { askWithGates, RETRY_NOTE_TOKENS, type CallTally, type Gate, type Parser } from './summarize-gates.js';
import { hms, windows, type SummaryInput } from './summarize-input.js';

/** Input tokens per tidy call: the cleaned text comes back about as long, plus punctuation. */
const TIDY_WINDOW_TOKENS = 1500;
const TIDY_MAX_TOKENS = 2600;

export interface Paragraph {
  start?: number;
  speaker?: string;
  text: string;
}

const PARAGRAPH = /^\s*\[(\d{1,2}:\d{2}(?::\d{2})?)\]\s*(?:(?:\*\*)?([^:：\n*]{1,40}?)(?:\*\*)?\s*[:：]\s+)?(.*)$/;

/**
 * The answer as paragraphs: lines starting `[HH:MM:SS] Speaker:`, each continuing until the
 * next; untimed lines before the first are kept apart (`outside`). An answer without any timed
 * line (the input had no times) is read as paragraphs separated by blank lines.
 */
export const parseTidy: Parser<Paragraph[]> = (text) => {
  const out: Paragraph[] = [];
  const outside: string[] = [];
  const lines = text.replace(/```\w*/g, '').split('\n');
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    const m = PARAGRAPH.exec(line);
    if (m) {
      const p: Paragraph = { text: m[3]!.trim() };
      const t = parseTimecode(m[1]!);
      if (t !== undefined) p.start = t;
      if (m[2]) p.speaker = m[2].trim();
      out.push(p);
    } else if (out.length) {
      out[out.length - 1]!.text += (languageOf(line) === 'zh' ? '' : ' ') + line;
    } else {
      outside.push(line);
    }
  }
  if (out.length) return { value: out, outside: outside.join('\n') };
  const blocks = text.split(/\n\s*\n/).map((b) => b.replace(/\s*\n\s*/g, ' ').trim()).filter(Boolean);
  while (blocks.length > 1 && isBoilerplateText(blocks[0]!)) outside.push(blocks.shift()!);
  if (blocks.length === 0) return { error: 'the answer is empty' };
  return { value: blocks.map((b) => ({ text: b })), outside: outside.join('\n') };
};

/** Sign-off paragraphs at the end ("I kept the speaker's wording…") are not transcript. */
const tidyBoilerplate: Gate<Paragraph[]> = (ps) => {
  const kept = [...ps];
  const removed: string[] = [];
  while (kept.length > 1 && isBoilerplateText(kept[kept.length - 1]!.text)) removed.push(kept.pop()!.text);
  return removed.length
    ? { value: kept, record: { gate: 'boilerplate', outcome: 'fixed', detail: `removed ${removed.length} closing remark(s)` } }
    : { value: ps, record: { gate: 'boilerplate', outcome: 'pass' } };
};

/** Times snapped to the input's: a paragraph starts where one of its input lines starts. */
function timesGate(input: TimedText[]): Gate<Paragraph[]> {
  const times = input.map((p) => p.start).filter((t): t is number => t != null).sort((a, b) => a - b);
  const speakerAt = new Map(input.filter((p) => p.start != null && p.speaker).map((p) => [p.start!, p.speaker!]));
  return (ps) => {
    if (times.length === 0) return { value: ps, record: { gate: 'times', outcome: 'pass', detail: 'untimed input' } };
    let snapped = 0;
    let prev = times[0]!;
    const value = ps.map((p) => {
      let t = p.start ?? prev;
      if (!times.includes(t)) {
        const before = times.filter((x) => x <= t);
        t = before.length ? before[before.length - 1]! : times[0]!;
        snapped++;
      }
      if (t < prev) t = prev; // paragraphs keep the input's order
      prev = t;
      // A paragraph the model left unnamed keeps the speaker of the input line it starts at.
      const speaker = p.speaker ?? speakerAt.get(t);
      return speaker ? { ...p, start: t, speaker } : { ...p, start: t };
    });
    return snapped
      ? { value, record: { gate: 'times', outcome: 'fixed', detail: `${snapped} paragraph time(s) snapped to the input's` } }
      : { value, record: { gate: 'times', outcome: 'pass' } };
  };
}

/**
 * The transcript's language, and its script where the input keeps to one (90% of its
 * script-specific characters): a model's Simplified slips in a Traditional transcript are
 * converted back; a transcript mixing scripts is left as the model wrote it.
 */
function tidyLanguageGate(input: TimedText[]): Gate<Paragraph[]> {
  const text = input.map((p) => p.text).join(' ');
  const lang = languageOf(text);
  const script = chineseScript(text);
  const want = script && script.share >= 0.9 ? (script.script === 'Hant' ? 'zh-Hant' : 'zh-Hans') : undefined;
  return (ps, ctx) => {
    const out = ps.map((p) => p.text).join(' ');
    const got = languageOf(out);
    if (lang && got && got !== lang) {
      return {
        value: ps,
        record: { gate: 'language', outcome: 'fail', detail: `answered in ${got === 'en' ? 'English' : 'Chinese'}, the transcript is ${lang === 'en' ? 'English' : 'Chinese'}` },
        retry: 'Keep the transcript in its own language: do not translate.',
      };
    }
    const outScript = chineseScript(out);
    if (want && outScript && (outScript.script !== (want === 'zh-Hant' ? 'Hant' : 'Hans') || outScript.share < 1)) {
      return {
        value: ps.map((p) => ({ ...p, text: toScript(p.text, want) })),
        record: { gate: 'language', outcome: 'fixed', detail: `characters of the other script converted to the input's ${want}` },
      };
    }
    return { value: ps, record: { gate: 'language', outcome: 'pass' } };
  };
}

/** Character pairs of a text's match key. */
function pairs(text: string): Map<string, number> {
  const k = matchKey(text).key;
  const m = new Map<string, number>();
  for (let i = 0; i + 2 <= k.length; i++) m.set(k.slice(i, i + 2), (m.get(k.slice(i, i + 2)) ?? 0) + 1);
  return m;
}

/** Share of `a`'s character pairs also in `b` (with multiplicity). */
function containment(a: Map<string, number>, b: Map<string, number>): number {
  let total = 0;
  let shared = 0;
  for (const [g, n] of a) {
    total += n;
    shared += Math.min(n, b.get(g) ?? 0);
  }
  return total ? shared / total : 1;
}

function fidelityGate(input: TimedText[]): Gate<Paragraph[]> {
  const source = pairs(input.map((p) => p.text).join(' '));
  return (ps, ctx) => {
    const out = pairs(ps.map((p) => p.text).join(' '));
    const faithful = containment(out, source); // what it says was in the input
    const covered = containment(source, out); // what the input said is still there
    const detail = `${(faithful * 100).toFixed(0)}% of the text from the input, ${(covered * 100).toFixed(0)}% of the input kept`;
    if (faithful >= 0.75 && covered >= 0.7) return { value: ps, record: { gate: 'fidelity', outcome: 'pass', detail } };
    return {
      value: ps,
      record: { gate: 'fidelity', outcome: 'fail', detail },
      retry: 'Keep every sentence the speakers said, in their words: do not summarize, shorten or add text.',
    };
  };
}

export type TidyResult =
  | { ok: true; paragraphs: Paragraph[]; records: GateRecord[]; prompts: string[] }
  | { ok: false; reason: string; records: GateRecord[]; prompts: string[] };

export async function tidyTranscript(
  input: SummaryInput,
  o: { llm: Llm; libraryDir?: string; tally: CallTally; attempts: number; onStep?: (s: string) => void },
): Promise<TidyResult> {
  const prompt = loadPrompt('tidy', o.libraryDir);
  const base = { title_line: input.title ? ` (“${input.title}”)` : '' };
  const overhead = estimateMessages(renderPrompt(prompt, { ...base, lines: '' })) + RETRY_NOTE_TOKENS;
  // The cleaned text comes back a little longer than its input: windows leave it room.
  const maxTokens = Math.min(TIDY_MAX_TOKENS, Math.floor(o.llm.contextTokens * 0.45));
  const budget = Math.min(TIDY_WINDOW_TOKENS, Math.floor(maxTokens / 1.3), inputBudget(o.llm, maxTokens, overhead));
  if (budget < 100) return { ok: false, reason: `the context window (${o.llm.contextTokens} tokens) is too small to tidy in`, records: [], prompts: [promptLabel(prompt)] };
  const parts = windows(input.passages, budget);
  const records: GateRecord[] = [];
  const paragraphs: Paragraph[] = [];
  for (const [i, w] of parts.entries()) {
    const label = `tidy ${i + 1}/${parts.length} (${w.span})`;
    o.onStep?.(label);
    const win = input.passages.slice(w.from, w.to);
    const r = await askWithGates({
      llm: o.llm,
      messages: renderPrompt(prompt, { ...base, lines: w.lines.join('\n') }),
      maxTokens,
      parse: parseTidy,
      gates: [tidyBoilerplate, timesGate(win), tidyLanguageGate(win), fidelityGate(win)],
      ctx: { lang: 'en', transcripts: { indexes: [], language: undefined }, sourceNumbers: new Set() },
      attempts: o.attempts,
      tally: o.tally,
      label,
    });
    records.push(...r.records);
    if (!r.ok) return { ok: false, reason: r.reason, records, prompts: [promptLabel(prompt)] };
    paragraphs.push(...r.value);
  }
  return { ok: true, paragraphs, records, prompts: [promptLabel(prompt)] };
}

/** Paragraphs as a transcript rendition: one passage each (ending where the next starts), and Markdown. */
export function renderTidy(ps: Paragraph[]): { passages: ParsedPassage[]; body: string } {
  const passages: ParsedPassage[] = ps.map((p, i) => {
    const out: ParsedPassage = { text: p.text, role: 'content', line: i + 1 };
    if (p.start !== undefined) out.start = p.start;
    const next = ps[i + 1]?.start;
    if (p.start !== undefined && next !== undefined && next > p.start) out.end = next;
    if (p.speaker) out.speaker = p.speaker;
    return out;
  });
  const body = ps.map((p) => `${p.start !== undefined ? `[${hms(p.start)}] ` : ''}${p.speaker ? `**${p.speaker}:** ` : ''}${p.text}`).join('\n\n') + '\n';
  return { passages, body };
}

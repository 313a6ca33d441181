/**
 * Gates: small checks run on every LLM answer before anything is kept. Each gate looks at one
 * thing and returns the (possibly repaired) answer, a record of what it found, and — when the
 * answer is not good enough — what to ask for on the next attempt. `askWithGates` runs a call,
 * its parser and its gates, retrying with the gates' instructions; an answer that still fails
 * after the last attempt is a failure with its reasons, never silently kept.
 *
 * Gates for summaries (and the notes of map-reduce):
 * - complete: an answer cut off at max_tokens is retried (asking for a shorter answer);
 * - parse: one JSON object of the asked shape; text around it (a preamble) is dropped;
 * - boilerplate: a preamble or sign-off inside the text ("Here is the summary…", "希望对您有帮助") is removed;
 * - language: overview and points in the language and script asked for; retried, and on the
 *   last attempt a script mismatch is converted with OpenCC (a language mismatch fails);
 * - quotes: every quote is located in the transcript and given the transcript's time; a quote
 *   not found is removed from the point (recorded), a translation is kept as a translation;
 *   when most quotes fail, the answer is retried;
 * - numbers: numbers in overview and points that the transcript never states are flagged.
 */
import type { GateRecord } from '../store/generated.js';
import { LlmError, type ChatMessage, type Llm, type TokenUsage } from '../providers/llm.js';
import { isBoilerplateText } from '../text/boilerplate.js';
import { checkLanguage, toScript, LANG_NAMES, type SummaryLang } from '../text/language.js';
import { unsupportedNumbers } from '../text/numbers.js';
import { parseTimecode } from '../formats/media.js';
import { checkQuote, type QuoteStatus, type Transcripts } from '../quotes/check.js';
import { MACHINE_SPEAKER } from '../formats/diarized-transcript.js';

/** A key point of a summary (or a note of one part): a claim and the quote that backs it. */
export interface KeyPoint {
  point: string;
  quote?: string;
  speaker?: string;
  /** Time the model claimed (`HH:MM:SS`). */
  time?: string;
  /** Set by the quote gate. */
  quoteStatus?: QuoteStatus;
  /** Seconds where the transcript has the quote (or the passage a translation is tied to). */
  start?: number;
}

export interface SummaryDraft {
  overview: string;
  points: KeyPoint[];
  people: string[];
  companies: string[];
  models: string[];
}

export interface GateContext {
  lang: SummaryLang;
  transcripts: Transcripts;
  /** Numbers the transcript states (text/numbers.ts). */
  sourceNumbers: Set<string>;
  /** The last attempt: repair what can be repaired instead of asking again. */
  final: boolean;
}

export interface GateResult<T> {
  value: T;
  /** Outcome `fail` rejects the answer: the next attempt, or a failure after the last. */
  record: GateRecord;
  /** What to ask for on the next attempt when the answer is rejected. */
  retry?: string;
}

export type Gate<T> = (value: T, ctx: GateContext) => GateResult<T>;

/** A parser turns an answer's text into a value, or says what is wrong with it. */
export type Parser<T> = (text: string) => { value: T; outside?: string } | { error: string };

// ---------------------------------------------------------------- parsing

/** The JSON object in an answer: fences and any text around it set aside. */
export function jsonObject(text: string): { json: unknown; outside: string } | { error: string } {
  const t = text.replace(/```(?:json)?/gi, '');
  const start = t.indexOf('{');
  const end = t.lastIndexOf('}');
  if (start < 0 || end <= start) return { error: 'the answer holds no JSON object' };
  try {
    return { json: JSON.parse(t.slice(start, end + 1)), outside: (t.slice(0, start) + ' ' + t.slice(end + 1)).trim() };
  } catch (e) {
    return { error: `the answer is not valid JSON (${(e as Error).message})` };
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? [...new Set(v.map(str).filter(Boolean))] : []);

function pointsOf(v: unknown): KeyPoint[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((x) => {
    if (typeof x === 'string') return x.trim() ? [{ point: x.trim() }] : [];
    if (!x || typeof x !== 'object') return [];
    const o = x as Record<string, unknown>;
    const point = str(o.point ?? o.text ?? o.note);
    if (!point) return [];
    const p: KeyPoint = { point };
    const quote = str(o.quote).replace(/^["“「『]+|["”」』]+$/g, '').trim();
    if (quote) p.quote = quote;
    if (str(o.speaker)) p.speaker = str(o.speaker);
    if (str(o.time)) p.time = str(o.time).replace(/^\[|\]$/g, '');
    return [p];
  });
}

/** A summary answer: `{overview, key_points, people, companies, models}` (notes: `{notes, …}`). */
export const parseSummary: Parser<SummaryDraft> = (text) => {
  const j = jsonObject(text);
  if ('error' in j) return j;
  const o = j.json as Record<string, unknown>;
  if (!o || typeof o !== 'object' || Array.isArray(o)) return { error: 'the answer is not a JSON object' };
  const draft: SummaryDraft = {
    overview: str(o.overview),
    points: pointsOf(o.key_points ?? o.keyPoints ?? o.points ?? o.notes),
    people: strings(o.people),
    companies: strings(o.companies),
    models: strings(o.models),
  };
  if (!draft.overview && draft.points.length === 0) return { error: 'the answer has neither "overview" nor "key_points"' };
  return { value: draft, outside: j.outside };
};

// ---------------------------------------------------------------- gates

/** Sentences of a paragraph, in either script. */
function sentences(text: string): string[] {
  return text.split(/(?<=[.!?。！？])\s*/).filter((s) => s.trim());
}

/** Preamble and sign-off sentences removed from the overview; boilerplate points dropped. */
export const boilerplateGate: Gate<SummaryDraft> = (d) => {
  const kept = sentences(d.overview);
  const removed: string[] = [];
  while (kept.length && isBoilerplateText(kept[0]!)) removed.push(kept.shift()!);
  while (kept.length && isBoilerplateText(kept[kept.length - 1]!)) removed.push(kept.pop()!);
  const points = d.points.filter((p) => {
    if (!isBoilerplateText(p.point)) return true;
    removed.push(p.point);
    return false;
  });
  if (removed.length === 0) return { value: d, record: { gate: 'boilerplate', outcome: 'pass' } };
  const joiner = /[\u3000-\u9fff]/.test(d.overview) ? '' : ' ';
  return {
    value: { ...d, overview: kept.join(joiner).trim(), points },
    record: { gate: 'boilerplate', outcome: 'fixed', detail: `removed: ${removed.map((r) => `“${clip(r, 60)}”`).join(', ')}` },
  };
};

/** The text the summary states in its own words (quotes are the transcript's). */
function ownText(d: SummaryDraft): string {
  return [d.overview, ...d.points.map((p) => p.point)].join('\n');
}

export const languageGate: Gate<SummaryDraft> = (d, ctx) => {
  const check = checkLanguage(ownText(d), ctx.lang);
  if (check.ok) return { value: d, record: { gate: 'language', outcome: 'pass' } };
  const wrongScriptOnly = ctx.lang !== 'en' && check.found !== 'English';
  if (ctx.final && wrongScriptOnly) {
    const conv = (s: string) => toScript(s, ctx.lang);
    return {
      value: { ...d, overview: conv(d.overview), points: d.points.map((p) => ({ ...p, point: conv(p.point) })) },
      record: { gate: 'language', outcome: 'fixed', detail: `written in ${check.found}; converted to ${LANG_NAMES[ctx.lang]}` },
    };
  }
  return {
    value: d,
    record: { gate: 'language', outcome: 'fail', detail: `written in ${check.found}, not ${LANG_NAMES[ctx.lang]}` },
    retry: `Write the overview and the points in ${LANG_NAMES[ctx.lang]}, not ${check.found} (quotes stay in the transcript's own words).`,
  };
};

/** Quotes located in the transcript (see the file comment). */
export const quoteGate: Gate<SummaryDraft> = (d, ctx) => {
  const quoted = d.points.filter((p) => p.quote);
  if (quoted.length === 0) return { value: d, record: { gate: 'quotes', outcome: 'pass', detail: 'no quotes' } };
  const missing: string[] = [];
  let moved = 0;
  let translations = 0;
  const points = d.points.map((p): KeyPoint => {
    if (!p.quote) return p;
    const claimed = p.time ? parseTimecode(p.time) : undefined;
    const q = checkQuote(ctx.transcripts, { quote: p.quote, speaker: p.speaker, claimedStart: claimed, passage: 0 });
    if (q.status === 'not-found') {
      missing.push(p.quote);
      const { quote: _q, speaker: _s, time: _t, ...rest } = p;
      return rest;
    }
    const out: KeyPoint = { ...p, quoteStatus: q.status };
    if (q.start !== null) out.start = q.start;
    else delete out.start;
    if (q.status === 'translation') translations++;
    if (claimed !== undefined && q.start !== null && Math.abs(claimed - q.start) > 30) moved++;
    // The transcript's speaker wins over the model's guess or a machine label.
    if (q.foundSpeaker && (!p.speaker || MACHINE_SPEAKER.test(p.speaker))) out.speaker = q.foundSpeaker;
    return out;
  });
  const unverified = missing.length + translations;
  const detail = [
    `${quoted.length - unverified}/${quoted.length} verified`,
    missing.length ? `${missing.length} not found and removed: ${missing.map((m) => `“${clip(m, 50)}”`).join(', ')}` : '',
    translations ? `${translations} translations (not quotes)` : '',
    moved ? `${moved} times corrected to the transcript's` : '',
  ].filter(Boolean).join('; ');
  const value = { ...d, points };
  if (!ctx.final && quoted.length >= 2 && unverified * 2 > quoted.length) {
    return {
      value,
      record: { gate: 'quotes', outcome: 'fail', detail },
      retry: `Most quotes do not occur in the transcript. Copy each quote character for character from the transcript lines, in the transcript's own language, or leave "quote" empty.`,
    };
  }
  return { value, record: { gate: 'quotes', outcome: unverified || moved ? 'fixed' : 'pass', detail } };
};

export const numbersGate: Gate<SummaryDraft> = (d, ctx) => {
  const flagged = unsupportedNumbers(ownText(d), ctx.sourceNumbers);
  return flagged.length
    ? { value: d, record: { gate: 'numbers', outcome: 'flagged', detail: `not in the transcript: ${flagged.join(', ')}` } }
    : { value: d, record: { gate: 'numbers', outcome: 'pass' } };
};

export const SUMMARY_GATES: Gate<SummaryDraft>[] = [boilerplateGate, languageGate, quoteGate, numbersGate];

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

// ---------------------------------------------------------------- the runner

export interface CallTally {
  calls: number;
  usage: TokenUsage;
  model?: string;
}

export function newTally(): CallTally {
  return { calls: 0, usage: { prompt: 0, completion: 0, estimated: false } };
}

export type Asked<T> =
  | { ok: true; value: T; records: GateRecord[] }
  | { ok: false; reason: string; records: GateRecord[] };

export interface AskOptions<T> {
  llm: Llm;
  messages: ChatMessage[];
  maxTokens: number;
  parse: Parser<T>;
  gates: Gate<T>[];
  ctx: Omit<GateContext, 'final'>;
  attempts: number;
  tally: CallTally;
  /** Names the call in records (`summary`, `part 3/9`, `tidy 2/5`). */
  label: string;
}

/**
 * One call with its gates and retries. Provider failures that might pass (timeouts, server
 * errors after the provider's own retries, malformed bodies) use up an attempt; a bad key or
 * URL (`LlmError` not transient) and budget errors end the run at once.
 */
export async function askWithGates<T>(o: AskOptions<T>): Promise<Asked<T>> {
  const records: GateRecord[] = [];
  let ask: string[] = [];
  let lastProblem = 'no answer';
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    const final = attempt === o.attempts;
    const messages = ask.length ? withRetryNote(o.messages, ask) : o.messages;
    let answer;
    try {
      answer = await o.llm.chat(messages, { maxTokens: o.maxTokens });
    } catch (e) {
      if (!(e instanceof LlmError) || !e.transient) throw e;
      lastProblem = e.message;
      records.push({ gate: 'call', outcome: 'fail', detail: `${o.label}, attempt ${attempt}: ${e.message}` });
      continue;
    }
    tallyCall(o.tally, answer.model, answer.usage);
    if (answer.truncated) {
      lastProblem = `the answer was cut off at ${o.maxTokens} tokens`;
      records.push({ gate: 'complete', outcome: 'fail', detail: `${o.label}, attempt ${attempt}: ${lastProblem}` });
      ask = ['Your previous answer was too long and was cut off. Answer again, more briefly, and close the JSON object.'];
      continue;
    }
    const parsed = o.parse(answer.text);
    if ('error' in parsed) {
      lastProblem = parsed.error;
      records.push({ gate: 'parse', outcome: 'fail', detail: `${o.label}, attempt ${attempt}: ${parsed.error}` });
      ask = [`Your previous answer could not be used: ${parsed.error}. Answer with the JSON object only.`];
      continue;
    }
    const attemptRecords: GateRecord[] = [];
    if (parsed.outside && isBoilerplateText(parsed.outside.split('\n')[0]!)) {
      attemptRecords.push({ gate: 'boilerplate', outcome: 'fixed', detail: `text around the JSON removed: “${clip(parsed.outside, 60)}”` });
    }
    let value = parsed.value;
    ask = [];
    for (const gate of o.gates) {
      const r = gate(value, { ...o.ctx, final });
      value = r.value;
      // The attempt is named when it matters: a rejected answer, or one kept after retries.
      const where = attempt > 1 || r.record.outcome === 'fail' ? `${o.label}, attempt ${attempt}` : o.label;
      attemptRecords.push({ ...r.record, detail: [where, r.record.detail].filter(Boolean).join(': ') });
      if (r.retry) ask.push(r.retry);
    }
    records.push(...attemptRecords);
    const failed = attemptRecords.filter((r) => r.outcome === 'fail');
    if (failed.length === 0) return { ok: true, value, records };
    lastProblem = failed.map((r) => r.detail).join('; ');
  }
  return { ok: false, reason: `${o.label}: failed its gates after ${o.attempts} attempts (${lastProblem})`, records };
}

function tallyCall(t: CallTally, model: string, usage: TokenUsage): void {
  t.calls++;
  t.model = model;
  t.usage = {
    prompt: t.usage.prompt + usage.prompt,
    completion: t.usage.completion + usage.completion,
    estimated: t.usage.estimated || usage.estimated,
  };
}

/** The original request with what was wrong last time appended to the user message. */
function withRetryNote(messages: ChatMessage[], notes: string[]): ChatMessage[] {
  const last = messages[messages.length - 1]!;
  return [...messages.slice(0, -1), { ...last, content: `${last.content}\n\nImportant — your previous answer was rejected: ${notes.join(' ')}` }];
}

/** Tokens the retry note may add to a prompt (kept free in the budget). */
export const RETRY_NOTE_TOKENS = 150;

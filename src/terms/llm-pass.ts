/**
 * The optional LLM pass, when an LLM is configured (`ENGRAM_LLM_URL`/`MODEL`/`KEY` or the
 * library's config.json): spans the offline rules hold back — an everyday word that may be a
 * name (千万 / 千问), a name with no evidence in the document, two names that sound alike —
 * are shown to the model with their sentence and the lexicon names they sound like. The model
 * may only **choose one of those names, or none**; an answer that names anything else, or is
 * not the JSON asked for, changes nothing. A choice becomes a correction with its own reason
 * (`LLM: …`) and a fixed confidence, reversible like any other.
 */
import type { DB } from '../store/db.js';
import type { ServiceSettings } from '../config.js';
import { createLlm } from '../providers/llm.js';
import { toSimplified, toTraditional } from '../text/fold.js';
import { findCorrections, type Candidate, type Held } from './correct.js';
import type { Found, TermEntry, TermIndex } from './term-index.js';
import { loadDocText, storeCorrections } from './store.js';

export type ChatMessage = { role: 'system' | 'user'; content: string };
/** One chat completion: the model's text. */
export type Chat = (messages: ChatMessage[]) => Promise<string>;

export const LLM_CONFIDENCE = 0.75;
/** Held spans shown to the model per request, and per document at most. */
const BATCH = 20;
const PER_DOCUMENT = 60;

/** The configured chat model (providers/llm.ts) as the pass uses it: deterministic answers. */
export function llmChat(settings: ServiceSettings): Chat | undefined {
  const llm = createLlm(settings);
  return llm ? async (messages) => (await llm.chat(messages, { temperature: 0, maxTokens: 1024 })).text : undefined;
}

const SYSTEM = `You fix speech-recognition errors in Chinese and English podcast transcripts.
For each numbered item you get a sentence, the span the recognizer heard (in [[ ]]) and the
names it sounds like. Answer only JSON: {"answers": [{"item": N, "choice": "one of the names, exactly as given" or null}]}.
Choose a name only when the sentence clearly means it; when the heard words make sense as they are, choose null.`;

export interface LlmReport { asked: number; chosen: number; ignored: number }

/** Ask the model about each document's held spans; store what it chose with the offline corrections. */
export async function llmPass(db: DB, documentIds: number[], index: TermIndex, find: (t: string) => Found[], chat: Chat, entityOf: (c: Candidate) => number | null): Promise<LlmReport> {
  const report: LlmReport = { asked: 0, chosen: 0, ignored: 0 };
  for (const id of documentIds) {
    const doc = loadDocText(db, id);
    if (!doc) continue;
    const held: Held[] = [];
    const offline = findCorrections(doc, index, find, held);
    const todo = worthAsking(held, offline).slice(0, PER_DOCUMENT);
    if (todo.length === 0) continue;
    const chosen: Candidate[] = [];
    for (let i = 0; i < todo.length; i += BATCH) {
      const batch = todo.slice(i, i + BATCH);
      report.asked += batch.length;
      let answer: string;
      try {
        answer = await chat([{ role: 'system', content: SYSTEM }, { role: 'user', content: prompt(batch) }]);
      } catch {
        report.ignored += batch.length;
        continue; // the offline corrections stand; a failing model changes nothing
      }
      for (const [item, name] of choices(answer, batch.length)) {
        const h = batch[item]!;
        const option = h.options.find((o) => o.name === name);
        if (!option) {
          report.ignored++;
          continue;
        }
        chosen.push(toCandidate(h, option.name, option.entry));
      }
    }
    // Offline corrections win where both touch the same span.
    const free = chosen.filter((c) => !offline.some((o) => o.passageId === c.passageId && c.offset < o.offset + o.length && o.offset < c.offset + c.length));
    report.chosen += free.length;
    if (free.length) storeCorrections(db, id, doc, [...offline, ...free], entityOf);
  }
  return report;
}

/** Held spans outside the offline corrections, the longest of overlapping ones (面臂智能, not 面臂). */
function worthAsking(held: Held[], offline: Candidate[]): Held[] {
  const overlaps = (a: { passageId: number; offset: number; length: number }, b: typeof a) =>
    a.passageId === b.passageId && a.offset < b.offset + b.length && b.offset < a.offset + a.length;
  const free = held.filter((h) => !offline.some((o) => overlaps(h, o))).sort((a, b) => b.length - a.length);
  const out: Held[] = [];
  for (const h of free) if (!out.some((o) => overlaps(h, o))) out.push(h);
  return out.sort((a, b) => a.passageId - b.passageId || a.offset - b.offset);
}

function prompt(batch: Held[]): string {
  return batch.map((h, i) => {
    const at = h.context.indexOf(h.original);
    const marked = at === -1 ? h.context : `${h.context.slice(0, at)}[[${h.original}]]${h.context.slice(at + h.original.length)}`;
    return `${i + 1}. sentence: ${marked}\n   heard: ${h.original}\n   names: ${h.options.map((o) => o.name).join(' | ')}`;
  }).join('\n');
}

/** The model's choices as [item index, name]: anything malformed is dropped. */
function choices(answer: string, n: number): [number, string][] {
  const json = /\{[\s\S]*\}/.exec(answer)?.[0];
  if (!json) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return [];
  }
  const list = (parsed as { answers?: unknown }).answers;
  if (!Array.isArray(list)) return [];
  const out: [number, string][] = [];
  for (const a of list) {
    const item = (a as { item?: unknown }).item;
    const choice = (a as { choice?: unknown }).choice;
    if (typeof item === 'number' && Number.isInteger(item) && item >= 1 && item <= n && typeof choice === 'string') out.push([item - 1, choice]);
  }
  return out;
}

function toCandidate(h: Held, name: string, entry: TermEntry): Candidate {
  const corrected = toSimplified(h.original) !== h.original ? toTraditional(name) : name;
  return {
    passageId: h.passageId, renditionId: h.renditionId, offset: h.offset, length: h.length, original: h.original, corrected, entry,
    confidence: LLM_CONFIDENCE, reason: `LLM: read the sentence and chose ${name} among the lexicon names it sounds like (${h.options.map((o) => o.name).join(', ')})`, nth: 0,
  };
}

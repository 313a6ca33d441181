/**
 * `engram ask`: a question answered from the library, with numbered citations a person can
 * click (document, speaker, time, deep link).
 *
 * 1. Retrieval (ask-retrieve.ts) picks the passages; when none is relevant enough the answer
 *    is "not in the library" — no model is asked to make something up.
 * 2. Without a chat model configured, the answer is those passages grouped by document.
 * 3. With one, the model answers from the numbered passages (prompts/ask.md, which a library
 *    can override with LIBRARY/prompts/ask.md) in the
 *    question's language. The answer streams through gates, sentence by sentence:
 *    - held until its language is known: the wrong Chinese script is converted (OpenCC), the
 *      wrong language is asked for again once, then given up for the offline answer;
 *    - a preamble or sign-off without citations is removed; `NOT_IN_LIBRARY` is honoured;
 *    - every sentence's citations are checked (ask-check.ts) and renumbered in order of
 *      appearance, so the answer's [1] is `citations[0]`;
 *    - a cut-off answer loses its unfinished sentence.
 *    A model that fails (429 after retries, timeout, stalled stream, malformed output) leaves
 *    what was already checked and sent, or, when nothing was, the offline answer — with a note.
 */
import type { DB } from '../store/db.js';
import { LlmError, estimateMessages, estimateTokens, inputBudget, type Llm } from '../providers/llm.js';
import { loadPrompt, promptLabel, renderPrompt, type Prompt } from '../providers/prompts.js';
import { chineseScript, checkLanguage, languageOf, toScript, LANG_NAMES, type SummaryLang } from '../text/language.js';
import { questionLanguage } from '../text/keywords.js';
import { formatTimecode } from '../formats/media.js';
import { isBoilerplateText } from '../text/boilerplate.js';
import { highlightRanges, snippet } from '../search/highlight.js';
import { retrieve, RELEVANCE_THRESHOLD, type RetrievedPassage, type RetrieveOptions } from './ask-retrieve.js';
import { AnswerChecker, SentenceSplitter, WIDE_END, type Dropped } from './ask-check.js';

export interface Citation {
  n: number;
  document: { id: number; title: string | null; url: string | null; date: string | null; source: string | null };
  passage: { id: number; text: string; start: number | null; end: number | null; speaker: string | null; link: string | null };
}

export interface AskResult {
  question: string;
  /** The answer, with `[n]` markers that are `citations[n - 1]`. */
  answer: string;
  citations: Citation[];
  status: 'answered' | 'not-in-library';
  /** `llm`: the model's checked answer; `offline`: the best passages (no model, or it failed). */
  mode: 'llm' | 'offline';
  /** The model that answered, when one did, and the prompt it was given (`ask@1`). */
  model?: string;
  prompt?: string;
  /** Language the answer was asked for: `zh-Hans`, `zh-Hant` or `en`. */
  language: SummaryLang;
  /** What happened on the way, for people: fallbacks taken, the answer cut off. */
  notes: string[];
  /** Citations and sentences the checks removed, and why. */
  dropped: Dropped[];
}

export interface AskOptions extends RetrieveOptions {
  /** The chat model; without one the answer is offline. */
  llm?: Llm;
  /** Streaming: each checked piece of the answer as it is ready, with the citations it introduces. */
  onText?: (text: string, citations: Citation[]) => void;
  signal?: AbortSignal;
  /** Sentences the model may write. Default 8. */
  maxSentences?: number;
  /** The library's folder: its `prompts/ask.md`, if any, overrides the shipped prompt. */
  libraryDir?: string;
}

/** Characters of each passage the offline answer shows, around the first match. */
const EXCERPT_CHARS = 280;
/** Tokens the model may answer with. */
const ANSWER_TOKENS = 1024;
/** Characters seen before the language is judged (and anything is sent on). */
const HOLD_CHARS = 48;
/** The model's way of saying the passages do not answer the question. */
const NOT_IN_LIBRARY = /^\W*NOT[_ ]IN[_ ]LIBRARY\b/i;
/** A sentence that ended: final punctuation, then perhaps citation markers. */
const COMPLETE = /[。！？.!?]["”」』)）]?(?:\s*(?:\[\^?[\d,，、\s]+\]|【[\d,，、\s]+】))*\s*$/;

/** The language an answer should be in: the question's, Chinese in the question's script. */
export function answerLanguage(question: string): SummaryLang {
  const lang = questionLanguage(question) ?? languageOf(question) ?? 'en';
  if (lang === 'en') return 'en';
  return chineseScript(question)?.script === 'Hant' ? 'zh-Hant' : 'zh-Hans';
}

export async function ask(db: DB, question: string, opts: AskOptions = {}): Promise<AskResult> {
  const language = answerLanguage(question);
  const base = { question, language, dropped: [] as Dropped[] };
  const r = await retrieve(db, question, opts);
  if (r.passages.length === 0 || r.best < RELEVANCE_THRESHOLD) {
    return finish(opts, { ...base, answer: say(language, 'notInLibrary'), citations: [], status: 'not-in-library', mode: opts.llm ? 'llm' : 'offline', notes: [] });
  }
  const terms = r.terms;
  if (!opts.llm) return finish(opts, offline(base, r.passages, terms, 'noModel', []));
  return askModel(opts.llm, base, r.passages, terms, opts);
}

type Base = Pick<AskResult, 'question' | 'language' | 'dropped'>;

/** Sends a finished answer to a streaming caller in one piece. */
function finish(opts: AskOptions, result: AskResult): AskResult {
  opts.onText?.(result.answer, result.citations);
  return result;
}

/** The best passages grouped by document, numbered, as the answer (each shown around its first match). */
function offline(base: Base, passages: RetrievedPassage[], terms: string[], why: 'noModel' | 'modelFailed', notes: string[]): AskResult {
  const lines = [say(base.language, why), ''];
  let doc: number | undefined;
  for (const p of passages) {
    if (p.document.id !== doc) {
      if (doc !== undefined) lines.push('');
      doc = p.document.id;
      const meta = [p.document.source, p.document.date].filter(Boolean).join(', ');
      lines.push(`**${p.document.title ?? '(untitled)'}**${meta ? ` — ${meta}` : ''}`);
    }
    const at = [p.start != null ? formatTimecode(p.start) : null, p.speaker].filter(Boolean).join(' ');
    const text = p.text.replace(/\s+/g, ' ');
    lines.push(`[${p.n}] ${at ? `(${at}) ` : ''}${snippet(text, highlightRanges(text, terms), EXCERPT_CHARS).text}`);
  }
  return { ...base, answer: lines.join('\n'), citations: passages.map((p) => toCitation(p)), status: 'answered', mode: 'offline', notes };
}

function toCitation(p: RetrievedPassage, n = p.n): Citation {
  return {
    n,
    document: { id: p.document.id, title: p.document.title, url: p.document.url, date: p.document.date, source: p.document.source },
    passage: { id: p.id, text: p.text, start: p.start, end: p.end, speaker: p.speaker, link: p.link },
  };
}

async function askModel(llm: Llm, base: Base, all: RetrievedPassage[], terms: string[], opts: AskOptions): Promise<AskResult> {
  const prompt = loadPrompt('ask', opts.libraryDir);
  const vars = { language: LANG_NAMES[base.language], sentences: String(opts.maxSentences ?? 8), question: base.question };
  const passages = fitting(llm, prompt, vars, all);
  const notes: string[] = [];
  const label = promptLabel(prompt);
  for (let attempt = 1; ; attempt++) {
    const gate = new AnswerGate(base.language, passages, opts.onText);
    const abort = new AbortController();
    gate.onWrongLanguage = () => abort.abort();
    const messages = renderPrompt(prompt, { ...vars, passages: passages.map(passageBlock).join('\n\n') });
    if (attempt > 1) messages.push({ role: 'user', content: `Answer in ${LANG_NAMES[base.language]} only.` });
    let failure: string | undefined;
    let model: string | undefined;
    try {
      const res = await llm.chat(messages, {
        maxTokens: ANSWER_TOKENS,
        onDelta: (d) => gate.push(d),
        signal: opts.signal ? AbortSignal.any([opts.signal, abort.signal]) : abort.signal,
      });
      model = res.model;
      gate.end(res.truncated || res.finishReason === null);
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      if (!gate.wrongLanguage) {
        if (!(e instanceof LlmError)) throw e;
        failure = e.message;
        gate.end(true);
      }
    }
    if (gate.wrongLanguage) {
      const note = `the model answered in ${gate.wrongLanguage}, not ${LANG_NAMES[base.language]}`;
      // The retry that answers in the wrong language again says nothing new: one note, saying so.
      const before = notes.lastIndexOf(note);
      if (before === -1) notes.push(note);
      else notes[before] = `${note}, asked again: ${gate.wrongLanguage} again`;
      if (attempt < 2) continue;
      return finish(opts, offline(base, passages, terms, 'modelFailed', notes));
    }
    if (failure) notes.push(gate.text ? `the model stopped mid-answer: ${failure}` : `the model could not answer: ${failure}`);
    if (gate.cutOff) notes.push('the answer was cut off; its unfinished sentence was left out');
    const dropped = gate.checker.dropped;
    if (gate.notInLibrary && !gate.text) {
      return finish(opts, { ...base, dropped, answer: say(base.language, 'notInLibrary'), citations: [], status: 'not-in-library', mode: 'llm', model, prompt: label, notes });
    }
    if (!gate.text.trim()) {
      if (!failure) notes.push('nothing in the model’s answer survived the citation checks');
      return finish(opts, { ...offline(base, passages, terms, 'modelFailed', notes), dropped });
    }
    return { ...base, dropped, answer: gate.text.trim(), citations: gate.citations, status: 'answered', mode: 'llm', model, prompt: label, notes };
  }
}

/** The passages that fit the model's context next to the instructions, the question and the answer. */
function fitting(llm: Llm, prompt: Prompt, vars: Record<string, string>, passages: RetrievedPassage[]): RetrievedPassage[] {
  let budget = inputBudget(llm, ANSWER_TOKENS, estimateMessages(renderPrompt(prompt, { ...vars, passages: '' })) + 16);
  const out: RetrievedPassage[] = [];
  for (const p of passages) {
    const cost = estimateTokens(passageBlock(p)) + 2;
    if (cost > budget) break; // numbers stay contiguous: stop at the first that does not fit
    budget -= cost;
    out.push(p);
  }
  return out.length ? out : passages.slice(0, 1);
}

function passageBlock(p: RetrievedPassage): string {
  const head = [p.document.title ?? '(untitled)', p.document.source, p.document.date, p.start != null ? formatTimecode(p.start) : null, p.speaker]
    .filter(Boolean)
    .join(' · ');
  return `[${p.n}] ${head}\n${p.text}`;
}

/**
 * The streaming gates between the model and the reader (see the module comment): holds the
 * start until the language is known, then passes on checked sentences, renumbered.
 */
class AnswerGate {
  readonly checker: AnswerChecker;
  private readonly splitter = new SentenceSplitter();
  private readonly byN: Map<number, RetrievedPassage>;
  private readonly renumber = new Map<number, number>();
  private held = '';
  private state: 'holding' | 'open' | 'closed' = 'holding';
  /** The checked answer so far. */
  text = '';
  citations: Citation[] = [];
  wrongLanguage: string | undefined;
  notInLibrary = false;
  cutOff = false;
  onWrongLanguage?: () => void;

  constructor(private readonly language: SummaryLang, passages: RetrievedPassage[], private readonly onText?: AskOptions['onText']) {
    this.byN = new Map(passages.map((p) => [p.n, p]));
    this.checker = new AnswerChecker(passages.map((p) => ({ n: p.n, text: p.text, context: p.speaker ?? '' })));
  }

  push(delta: string): void {
    if (this.state === 'closed') return;
    if (this.state === 'holding') {
      this.held += delta;
      if (this.held.length >= HOLD_CHARS) this.open();
      return;
    }
    this.sentences(this.splitter.push(delta));
  }

  /** The stream is over; `incomplete` when it was cut off or failed. */
  end(incomplete: boolean): void {
    if (this.state === 'holding') this.open();
    if (this.state === 'closed') return;
    this.state = 'closed';
    const rest = this.splitter.rest();
    if (!rest.trim()) return;
    // Cut off mid-sentence: the unfinished sentence is left out (a finished one only lacked what followed).
    if (incomplete && !COMPLETE.test(rest)) this.cutOff = true;
    else this.sentence(rest);
  }

  /** Judges what was held: the sentinel, the language; then lets it through. */
  private open(): void {
    const held = this.held;
    if (NOT_IN_LIBRARY.test(held.trim())) {
      this.notInLibrary = true;
      this.state = 'closed';
      return;
    }
    const check = checkLanguage(held.replace(/\[[^\]]*\]|【[^】]*】/g, ''), this.language);
    // English for Chinese or Chinese for English; a script mismatch is converted instead.
    if (!check.ok && (check.found === 'English' || check.found === 'Chinese')) {
      this.wrongLanguage = check.found;
      this.state = 'closed';
      this.onWrongLanguage?.();
      return;
    }
    this.state = 'open';
    this.sentences(this.splitter.push(held));
  }

  private sentences(list: string[]): void {
    for (const s of list) this.sentence(s);
  }

  private sentence(raw: string): void {
    const lead = /^\s*/.exec(raw)![0];
    const body = raw.slice(lead.length).trimEnd();
    if (!body) return;
    const bullet = /^([-*•]\s+|\d{1,2}[.)]\s+)/.exec(body)?.[0] ?? '';
    const claim = body.slice(bullet.length);
    const cites = /\[\^?\d|【\d/.test(claim);
    if (!cites && (NOT_IN_LIBRARY.test(claim) || isFraming(claim, this.text === ''))) return;
    const checked = this.checker.check(claim);
    if (!checked) return;
    const fresh: Citation[] = [];
    for (const n of checked.cited) {
      if (this.renumber.has(n)) continue;
      const k = this.renumber.size + 1;
      this.renumber.set(n, k);
      fresh.push(toCitation(this.byN.get(n)!, k));
    }
    const text = toScript(checked.text, this.language).replace(/\[(\d+)\]/g, (_m, n: string) => `[${this.renumber.get(Number(n))}]`);
    // Between sentences: the model's line breaks, else a space only between Latin sentences.
    const gap = lead.includes('\n') ? lead.replace(/[^\n]/g, '').slice(0, 2) : WIDE_END.test(this.text) ? '' : ' ';
    const piece = (this.text ? gap : '') + bullet + text;
    this.text += piece;
    this.citations.push(...fresh);
    this.onText?.(piece, fresh);
  }
}

/** A preamble ("Based on the passages, …:", "好的，根据资料：") or a sign-off, not an answer. */
function isFraming(sentence: string, first: boolean): boolean {
  if (isBoilerplateText(sentence)) return true;
  if (!first) return /^(i hope|hope this|let me know|如有|希望(这|以上|对))/i.test(sentence);
  return /[:：]\s*$/.test(sentence) || /^(sure|certainly|of course|okay|ok|great question|好的|当然|根据(您|你)?(提供|给出)的)/i.test(sentence);
}

const MESSAGES = {
  notInLibrary: { en: 'Not in the library: no passage answers this question.', zh: '资料库里没有找到能回答这个问题的内容。' },
  noModel: { en: 'No language model is configured, so here are the passages that best match the question, by document:', zh: '未配置语言模型，以下是资料库中与问题最相关的段落（按文档分组）：' },
  modelFailed: { en: 'The language model could not answer, so here are the passages that best match the question, by document:', zh: '语言模型未能作答，以下是资料库中与问题最相关的段落（按文档分组）：' },
} as const;

function say(language: SummaryLang, key: keyof typeof MESSAGES): string {
  return language === 'en' ? MESSAGES[key].en : toScript(MESSAGES[key].zh, language);
}

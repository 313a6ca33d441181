/**
 * The content words of a question or a sentence: its terms (folded and segmented exactly as
 * the index does, text/segment.ts) without the words every question or sentence has — question
 * words, function words, "say"/"说". Used to retrieve passages for `engram ask` and to check
 * that a cited passage shares what the sentence citing it says.
 *
 * Single Han characters are dropped too (的, 了, 说, 年…): in segmented Chinese a content word
 * is almost always two characters or more, and a lone character matches nearly every passage.
 */
import { foldForMatch } from '../search/highlight.js';
import { queryTerms } from './segment.js';
import { stem } from './stem.js';

const ENGLISH_WORDS = `
a about above according after again against all also am an and any are as at be because been before being
between both but by can could did do does doing done down during each either else ever few for from further
had has have having he her here hers herself him himself his how however i if in into is it its itself just
let like ll me might more most much must my myself no nor not now of off on once only or other our ours
ourselves out over own per please re really said same say saying says she should so some such tell than that
the their theirs them themselves then there these they thing things think thinks this those through to too
under until up upon us ve very via was we were what whats when where whether which while who whom whose why
will with within without would yes yet you your yours yourself yourselves
librari library passag passage passages mention mentioned mentions talk talked talks discuss discussed explain
explained describe described someone anyone anything something kind way ways get got make made use used many lot lots
mean means meant
`.split(/\s+/).filter(Boolean);
// Query terms are stemmed (segment.ts): "according" arrives as "accord".
const ENGLISH = new Set([...ENGLISH_WORDS, ...ENGLISH_WORDS.map(stem)]);

const CHINESE = new Set(`
什么 怎么 怎样 怎么样 如何 为什么 为何 哪些 哪个 哪里 哪儿 多少 几个 是否 是不是 有没有 能不能 可不可以 会不会
谁 吗 呢 吧 啊 呀 么 的 了 是 在 和 与 及 跟 对 对于 关于 有关 相关 提到 提及 谈到 讲到 说到 说过 认为 觉得 看法
观点 表示 指出 讨论 聊 聊到 这个 那个 这些 那些 这样 那样 一个 一些 我们 你们 他们 她们 它们 我 你 他 她 它
还有 以及 或者 还是 但是 因为 所以 如果 就是 也是 都是 已经 可以 没有 有 会 能 要 就 都 也 还 又 被 把 让
请问 请 一下 告诉 介绍 解释 描述 资料 资料库 库里 里面 其中
`.split(/\s+/).filter(Boolean));

const HAN = /\p{Script=Han}/u;

/** Chinese question particles and function words (single characters included here). */
const ZH_FUNCTION = /[吗呢吧的了是么谁哪]|什么|怎么|如何|为什么|多少|是否|有没有|请问/g;

/**
 * The language a question is asked in, from its function words: "DeepSeek V3 用了多少 GPU？"
 * is Chinese although its Latin words outnumber its Han characters, "What is 密度法则?" is
 * English. Undefined when it has neither kind (a bare name): the caller decides.
 */
export function questionLanguage(text: string): 'zh' | 'en' | undefined {
  const folded = foldForMatch(text);
  const zh = folded.match(ZH_FUNCTION)?.length ?? 0;
  const en = (folded.match(/[a-z]+/g) ?? []).filter((w) => ENGLISH.has(w)).length;
  if (zh > en) return 'zh';
  if (en > zh) return 'en';
  return undefined;
}

/** Whether a term carries content (not a question or function word, not a lone Han character). */
export function isContentTerm(term: string): boolean {
  if (HAN.test(term)) return [...term].length > 1 && !CHINESE.has(term);
  if (/^\d+$/.test(term)) return true;
  return term.length > 1 && !ENGLISH.has(term);
}

/** Distinct content terms of a text, in order of first appearance. */
export function contentTerms(text: string): string[] {
  return [...new Set(queryTerms(text).filter(isContentTerm))];
}

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * A text prepared for asking "does it contain this term?": Han terms are looked up in the
 * folded text (Chinese has no spaces; the segmenter may cut a passage differently from a
 * question), other terms among the text's words folded and stemmed like query terms.
 */
export interface TermLookup {
  has(term: string): boolean;
}

export function termLookup(text: string): TermLookup {
  return foldedLookup(foldForMatch(text));
}

/**
 * The same for text already folded with `foldForMatch` (which keeps offsets: fold many
 * passages joined in one call, then slice — one call per passage costs several times more).
 */
export function foldedLookup(folded: string): TermLookup {
  let words: Set<string> | undefined;
  return {
    has(term) {
      if (HAN.test(term) || /[^\p{L}\p{N}]/u.test(term)) return folded.includes(term); // 注意力, qwen2.5, c++
      words ??= new Set([...folded.replace(/\p{Script=Han}+/gu, ' ').matchAll(WORD)].flatMap((m) => [m[0], stem(m[0])]));
      return words.has(term);
    },
  };
}

/** Stems of the words seen so far (a library's documents share most of their words). */
const stems = new Map<string, string>();
const MAX_STEMS = 200_000;

function stemmed(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    if (stems.size >= MAX_STEMS) stems.clear();
    stems.set(word, (s = stem(word)));
  }
  return s;
}

/**
 * Lookups for many folded texts at once (a document's thousands of passages), answering as
 * `foldedLookup` does. Latin words are not stemmed text by text: the texts' distinct words are
 * stemmed once, and a term is looked for as the few words that stem to it.
 */
export function foldedLookups(texts: readonly string[]): TermLookup[] {
  const words = texts.map((t) => t.replace(/\p{Script=Han}+/gu, ' ').match(WORD) ?? []);
  /** Each distinct word and its stem. */
  let distinct: Map<string, string> | undefined;
  const forms = new Map<string, Set<string>>();
  /** The words of the texts that are the term or stem to it. */
  const formsOf = (term: string) => {
    let f = forms.get(term);
    if (!f) {
      distinct ??= new Map(words.flat().map((w) => [w, stemmed(w)]));
      f = new Set([...distinct].filter(([w, st]) => w === term || st === term).map(([w]) => w));
      forms.set(term, f);
    }
    return f;
  };
  return texts.map((text, i) => ({
    has(term) {
      if (HAN.test(term) || /[^\p{L}\p{N}]/u.test(term)) return text.includes(term);
      const f = formsOf(term);
      return f.size > 0 && words[i]!.some((w) => f.has(w));
    },
  }));
}

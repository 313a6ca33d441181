/**
 * A passage's share of the terms stage: everything that depends on its text alone, computed
 * where the passage is prepared (the parse workers, pipeline/prepare.ts), so the thread that
 * writes only applies what needs the whole document (correct.ts, context.ts):
 * - the lexicon names it mentions, each entry's first occurrence, and whether the words
 *   written there are everyday words (理想, 小米: a name only where the document also names it
 *   unambiguously);
 * - in renditions that carry recognition (`isCorrected`), the spans that sound like a name,
 *   with what the passage alone says about each (`prejudge`): never a correction (a span cut
 *   out of a longer word, a grammatical two-character span), held for an LLM (an everyday
 *   word, a frequent homophone, a short span of merged sounds), or a candidate waiting for
 *   the document's evidence, with its caution (short names, everyday phrases, a span next to
 *   another unknown word).
 * Entries are named by their position in the lexicon list both threads built their TermIndex
 * from, so a scan crosses threads as plain data.
 */
import { foldForTerms, foldText, wholeHanWord, type SoundAlike, type TermIndex } from './term-index.js';
import { englishRank, hanFrequency, homophoneWord, isCommonEnglish, startsWord, COMMON_ENGLISH_RANK, COMMON_HAN_FREQ, GRAMMATICAL_CHARS } from './words.js';

/** A lexicon name in the passage: the first occurrence of its entry. */
export interface ScannedName {
  /** Position of the entry in the lexicon list (`TermIndex.entries`). */
  entry: number;
  start: number;
  end: number;
  /** The words as written there. */
  surface: string;
  /** The words are an everyday word too (理想: ideal, and Li Auto). */
  everyday: boolean;
}

/** A span that sounds like a name without being one. */
export interface ScannedAlike {
  entry: number;
  /** The name it sounds like, as the lexicon writes it. */
  name: string;
  start: number;
  end: number;
  level: SoundAlike['level'];
  similarity: number;
  script: SoundAlike['script'];
  /** The span as written. */
  original: string;
  /** `held` (only an LLM may choose), or the caution a correction would carry with evidence. */
  verdict: 'held' | number;
}

export interface PassageScan {
  names: ScannedName[];
  /** The passage's index terms, kept by the writer's thread where a correction may re-index it. */
  terms?: string;
  /** Only for passages that are corrected (`isCorrected`, not boilerplate). */
  alikes?: {
    /** Spans that sound equally like two names or more: held. */
    ambiguous: ScannedAlike[][];
    /** Spans that sound most like one name, in text order, never-corrections left out. */
    single: ScannedAlike[];
  };
}

/** Renditions that carry machine recognition (or text written from it). */
const CORRECTED_KINDS = new Set(['raw-transcript', 'transcript', 'summary']);
/** Formats whose transcripts an LLM already tidied: evidence for the others, not corrected themselves. */
const TIDIED_FORMATS = new Set(['digest-archive']);

/** Whether a rendition's passages are corrected (and so need their sound-alike spans). */
export function isCorrected(kind: string, format: string | undefined): boolean {
  return CORRECTED_KINDS.has(kind) && !TIDIED_FORMATS.has(format ?? '');
}

/**
 * The scan an ingest keeps for its terms stage, over the index `index()` gives when first
 * needed: without the spans only an LLM may decide (`scanPassage`'s `held`). The parse workers
 * and the writer scan with it alike, so a passage's kept scan is the same on either thread.
 */
export function keptScan(index: () => TermIndex): (text: string, alikes: boolean, simplified?: string) => PassageScan {
  return (text, alikes, simplified) => scanPassage(index(), text, alikes, simplified, false);
}

/**
 * Scan one passage; `simplified` is `toSimplified(foldWidth(text))` when the caller has it
 * (prepare.ts does). Without `held`, spans only an LLM may decide are left out (ambiguous
 * ones, and those judged `held`): the scans an ingest keeps for its terms stage, whose
 * offline corrections never read them (the LLM pass scans its documents again). Offline, they
 * were nine in ten of the spans a corpus's scans carried across threads and kept.
 */
export function scanPassage(index: TermIndex, text: string, alikes: boolean, simplified?: string, held = true): PassageScan {
  const folded = foldForTerms(text, simplified);
  const names: ScannedName[] = [];
  const found = index.find(folded);
  for (const f of found) {
    const entry = index.positionOf(f.entry);
    // A passage names a few entries: a Set per passage cost more than looking through them.
    if (names.some((n) => n.entry === entry)) continue;
    const surface = text.slice(f.start, f.end);
    names.push({ entry, start: f.start, end: f.end, surface, everyday: f.everyday ?? isEveryday(surface) });
  }
  if (!alikes) return { names };
  // A span inside a name the passage writes is part of that name (Epoch of Epoch AI), and a
  // correction may not change a character of such a name where a span straddles its edge (达公司
  // of 英伟达公司 is no 大公司, 员马 of 程序员马尔蒂 no 源码; 現行注意力機制 may still become
  // 線性注意力機制), nor two characters half of which are the name's (归谷 of 归谷歌). A span
  // may hold a whole name: 面臂智能 holds 智能.
  const inName = (a: SoundAlike) =>
    found.some((f) => (f.start <= a.start && a.end <= f.end) || (a.script === 'han' && a.start < f.end && f.start < a.end && (a.start > f.start || a.end < f.end) && (a.end - a.start <= 2 || changesName(folded.text, a, f))));
  const { single, ambiguous } = bySpan(found.length ? index.soundAlikes(folded).filter((a) => !inName(a)) : index.soundAlikes(folded));
  const scanned = (a: SoundAlike, verdict: ScannedAlike['verdict']): ScannedAlike => ({
    entry: index.positionOf(a.entry), name: a.name, start: a.start, end: a.end, level: a.level, similarity: a.similarity, script: a.script,
    original: text.slice(a.start, a.end), verdict,
  });
  return {
    names,
    alikes: {
      ambiguous: held ? ambiguous.map((list) => list.map((a) => scanned(a, 'held'))) : [],
      single: single.flatMap((a) => {
        const verdict = prejudge(index, a, text, folded.text);
        return verdict === undefined || (verdict === 'held' && !held) ? [] : [scanned(a, verdict)];
      }),
    },
  };
}

const everydayWords = new Map<string, boolean>();

/**
 * Words that are an everyday word as well as a name: frequent in jieba's dictionary, lowercase
 * everyday English, or a single letter (X is a platform, and a variable, Model X, X 战警).
 */
export function isEveryday(surface: string): boolean {
  let everyday = everydayWords.get(surface);
  if (everyday === undefined) {
    const f = foldText(surface);
    everyday = /\p{Script=Han}/u.test(f)
      ? hanFrequency(f) >= COMMON_HAN_FREQ
      : f.replace(/[^\p{L}\p{N}]/gu, '').length <= 1 || (!/[A-Z]/.test(surface) && isCommonEnglish(f));
    if (everydayWords.size >= 50_000) everydayWords.clear();
    everydayWords.set(surface, everyday);
  }
  return everyday;
}

const SOUND = { exact: 0.95, merged: 0.85, near: 0.72 } as const;
/** A word ending in a file extension. */
const FILE_NAME = /\.(?:md|txt|json|ya?ml|toml|py|ipynb|js|ts|jsx|tsx|sh|html?|css|csv|pdf|rs|go|java|cpp|swift)$/i;
const COMMON_PHRASE = 0.85;
const SHORT_TERM = 0.9;

/** How alike a span sounds to a name, on one scale for both scripts. */
export const soundScore = (a: Pick<SoundAlike, 'level' | 'similarity'>) => (a.level === 'latin' ? 0.55 + 0.4 * a.similarity : SOUND[a.level]);

/**
 * The best-sounding name of each span, when there is exactly one: where two names sound as
 * alike (Mata: Meta or math?), evidence for one of them does not tell which was said.
 */
function bySpan(alikes: SoundAlike[]): { single: SoundAlike[]; ambiguous: SoundAlike[][] } {
  const spans = new Map<number, SoundAlike[]>();
  for (const a of alikes) {
    const k = a.start * 2 ** 24 + a.end;
    const list = spans.get(k);
    if (list) list.push(a);
    else spans.set(k, [a]);
  }
  const single: SoundAlike[] = [];
  const ambiguous: SoundAlike[][] = [];
  for (const list of spans.values()) {
    const best = Math.max(...list.map(soundScore));
    const top = list.filter((a) => soundScore(a) >= best - 0.02);
    const ids = new Set(top.map((a) => a.entry.id));
    if (ids.size === 1) single.push(top[0]!);
    else ambiguous.push([...new Map(top.map((a) => [a.entry.id, a])).values()]);
  }
  return { single, ambiguous };
}

/** Whether correcting the Han span `a` would change a character of the name found at `f` (`text` folded). */
function changesName(text: string, a: SoundAlike, f: { start: number; end: number }): boolean {
  const name = foldText(a.name);
  for (let i = Math.max(a.start, f.start); i < Math.min(a.end, f.end); i++) if (name[i - a.start] !== text[i]) return true;
  return false;
}

/**
 * A word and a particle, pronoun or complement after it (开发这套, 投资这行, 软件工程是一门,
 * 金融也很发达, 使用着, 浏览起来, 生产里; a name is a word too: 播客里): what the speaker said
 * is that word and the particle, not a longer name that ends differently (开发者, 投资者,
 * 软件工程师, 金融业, 使用者, 生产力, 伯克利). Only these characters: a word and a content
 * character stays a candidate (参数良 → 参数量), and so do the other grammatical characters,
 * which end garbles as often as phrases (多模太 → 多模态, 消费及 → 消费级, 数据几 → 数据集,
 * 极其人 → 机器人: all of GRAMMATICAL_CHARS here lost those, measured on the corpus library).
 */
function wordAndParticle(span: string, isWord: (text: string) => boolean): boolean {
  if (span.length < 3) return false;
  return (TRAILING_PARTICLES.has(span[span.length - 1]!) && isWord(span.slice(0, -1))) || (LEADING_PARTICLES.has(span[0]!) && isWord(span.slice(1)));
}
const TRAILING_PARTICLES = new Set('这那是也着了的你我他她它些起里'.split(''));
/**
 * The conjunctions and prepositions before a word (数据与训练成本, 取决于训练, 这里和那里), and
 * 些 of a dropped 这些 (虽然些代码): 与训练 is no 预训练, 些代码 no 写代码, 和那里 no 赫拉利. Not
 * every grammatical character: 就进山 → 旧金山 is a garble.
 */
const LEADING_PARTICLES = new Set('与于及些和'.split(''));

/** Whether the span is part of a longer dictionary word around it (污吏 in 贪官污吏). */
function insideLongerWord(text: string, start: number, end: number): boolean {
  for (let a = Math.max(0, start - 3); a <= start; a++) {
    // Most starts begin no dictionary word at all: one lookup of their first two characters.
    if (!startsWord(text, a)) continue;
    for (let b = end; b <= Math.min(text.length, end + 3); b++) {
      if ((a === start && b === end) || b - a > 6) continue;
      if (hanFrequency(text.slice(a, b)) > 0) return true;
    }
  }
  return false;
}

/** A Latin word right before or after the span that is neither an everyday word nor a short token. */
function unknownNeighbour(text: string, start: number, end: number): boolean {
  const before = /([A-Za-z][A-Za-z'’]+)[ \t]+$/.exec(text.slice(Math.max(0, start - 30), start))?.[1];
  const after = /^[ \t]+([A-Za-z][A-Za-z'’]+)/.exec(text.slice(end, end + 30))?.[1];
  return [before, after].some((w) => w !== undefined && w.length > 2 && !isCommonEnglish(w));
}

/**
 * What the passage alone says about a span that sounds like a name: `undefined` never (a span
 * cut from a word, a grammatical two-character span), `'held'` not on sound and evidence alone
 * (an LLM may choose it), else the caution (≤ 1) a correction would carry once the document
 * gives evidence (correct.ts). `text` is the passage, `folded` the same folded (`foldText`).
 */
function prejudge(index: TermIndex, a: SoundAlike, text: string, folded: string): 'held' | number | undefined {
  const span = foldText(text.slice(a.start, a.end));
  let caution = 1;
  if (a.script === 'han') {
    // The never-rules, cheapest first.
    if (a.end - a.start <= 2 && [...span].some((c) => GRAMMATICAL_CHARS.has(c))) return undefined;
    if (wordAndParticle(span, (w) => hanFrequency(w) > 0 || index.isName(w))) return undefined;
    const freq = hanFrequency(span);
    const common = freq >= COMMON_HAN_FREQ;
    if (!common && !wholeHanWord(folded, a.start, span.length, Math.max(freq, COMMON_HAN_FREQ))) return undefined;
    if (insideLongerWord(folded, a.start, a.end)) return undefined;
    if (common) return 'held';
    // A frequent word that sounds the same may be what was said (常试: 尝试 before 常识).
    if (homophoneWord(span, foldText(a.name), a.entry.type === 'concept')) return 'held';
    if (a.end - a.start <= 2) {
      // Two characters say little: only identical pinyin (算例/算力), never merged sounds (公制/工资).
      if (a.level !== 'exact') return 'held';
      caution *= SHORT_TERM;
    }
  } else {
    // A file's name (CLAUDE.md, program.md) is that file; a word hyphenated to the span makes a
    // compound of it ("On-policy training" is no post-training), and a dash before it an option
    // (--userns). A version after it does not (Chad GPT-4o is ChatGPT-4o).
    if (FILE_NAME.test(text.slice(a.start, a.end)) || text[a.start - 1] === '-' || /^-[A-Za-z]/.test(text.slice(a.end, a.end + 2))) return undefined;
    const words = span.split(/[^a-z0-9]+/).filter(Boolean);
    // One English word, however rare, is that word (humanities, Variance), not a garble of a name
    // that sounds like it: only an LLM reading the sentence may say otherwise. (Its inflections
    // are not looked for: they are the misspellings too, embeding → embedding.)
    if (words.length === 1 && englishRank(words[0]!) !== Infinity) return 'held';
    if (words.every((w) => englishRank(w) <= COMMON_ENGLISH_RANK)) caution *= COMMON_PHRASE;
    if (a.name.replace(/[^A-Za-z]/g, '').length <= 5) caution *= SHORT_TERM;
    // Next to another unknown word, the span may be half of a longer garbled name ("Agentique Keat").
    if (unknownNeighbour(text, a.start, a.end)) caution *= COMMON_PHRASE;
  }
  return caution;
}

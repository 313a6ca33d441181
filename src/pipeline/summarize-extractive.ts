/**
 * The offline summary: key passages chosen from the transcript itself, no language model.
 *
 * Units are windows of caption lines, not sentences: Chinese subtitles have almost no
 * sentence punctuation, so a passage is cut at punctuation where there is some and at the
 * spaces between caption lines where there is not, and the pieces are joined into windows of
 * readable size (each keeps the time where it starts). Units are compared as TF-IDF vectors of
 * jieba terms (text/segment.ts; conversational fillers and function words left out), ranked
 * by TextRank over their cosine-similarity graph (central passages say what the talk is about),
 * and picked by maximal marginal relevance, so the chosen passages do not repeat each other.
 */
import { tokenize } from '../text/segment.js';
import type { TimedText } from '../quotes/locate.js';

export interface KeyPassage {
  text: string;
  start?: number;
  speaker?: string;
  score: number;
}

/** Window size in "characters of content" (a Latin word counts as three). */
const UNIT_MIN = 50;
const UNIT_MAX = 160;
/** Above this many units the graph gets expensive: units grow instead. */
const MAX_UNITS = 900;
const DAMPING = 0.85;
const ITERATIONS = 40;
/** MMR: weight of centrality against novelty. */
const LAMBDA = 0.7;
/** Cosine similarity at which a unit repeats one already chosen: never chosen with it. */
const NEAR_DUPLICATE = 0.9;

/** Words that carry no topic in talk: Chinese fillers and function words, English stop words. */
const STOP = new Set(
  ('这个 那个 就是 然后 我们 你们 他们 她们 一个 什么 因为 所以 但是 其实 可能 觉得 还是 如果 没有 现在 已经 自己 这样 那么 这些 那些 不是 可以 ' +
    '比较 非常 的话 一些 应该 大家 东西 事情 时候 怎么 这么 那种 这种 一下 一点 知道 包括 或者 而且 需要 所有 很多 对吧 是不是 一样 还有 ' +
    '今天 之后 之前 以后 一直 起来 出来 我觉 比如 比如说 其中 另外 当然 因此 然而 虽然 不过 为什么 怎么样 确实 真的 特别 基本上 ' +
    'the a an and or but so of to in on at for with by from as is are was were be been being it its this that these those there ' +
    'i you he she we they me him her us them my your our their what which who whom when where why how not no yes do does did ' +
    'have has had just like really very kind sort thing things think know mean yeah okay right well also actual actually going get got can could would should will')
    .split(/\s+/),
);

interface Unit {
  text: string;
  start?: number;
  speaker?: string;
  terms: Map<string, number>;
}

/** Pieces of a passage: at sentence punctuation, else at the spaces between caption lines. */
function pieces(text: string): string[] {
  const bySentence = text.split(/(?<=[。！？!?；;]|[.](?=\s))\s*/).filter((s) => s.trim());
  return bySentence.flatMap((s) => (/\p{Script=Han}/u.test(s) && contentLength(s) > UNIT_MAX ? s.split(/\s+/) : [s])).filter(Boolean);
}

function contentLength(s: string): number {
  const han = s.match(/\p{Script=Han}/gu)?.length ?? 0;
  const words = s.replace(/\p{Script=Han}/gu, ' ').match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
  return han + words * 3;
}

/** Caption-line windows of `min`–`max` content characters, each with the time where it starts. */
export function units(passages: readonly TimedText[], min = UNIT_MIN, max = UNIT_MAX): Omit<Unit, 'terms'>[] {
  const out: Omit<Unit, 'terms'>[] = [];
  for (const p of passages) {
    const ps = pieces(p.text);
    const total = ps.reduce((n, s) => n + s.length, 0) || 1;
    const duration = p.end != null && p.start != null && p.end > p.start ? p.end - p.start : undefined;
    let cur: string[] = [];
    let size = 0;
    let offset = 0;
    let curStart = 0;
    let ownUnits = 0;
    const flush = () => {
      if (!cur.length) return;
      const u: Omit<Unit, 'terms'> = { text: cur.join(' ') };
      if (p.start != null) u.start = Math.floor(p.start + (duration ? (curStart / total) * duration : 0));
      if (p.speaker) u.speaker = p.speaker;
      out.push(u);
      ownUnits++;
      cur = [];
      size = 0;
    };
    ps.forEach((s, i) => {
      if (cur.length === 0) curStart = offset;
      cur.push(s);
      size += contentLength(s);
      offset += s.length;
      const next = ps[i + 1];
      if (size >= max || (size >= min && next !== undefined && size + contentLength(next) > max)) flush();
    });
    // A short tail joins the window before it, when that one is from the same passage.
    if (cur.length && size < min / 2 && ownUnits > 0) out[out.length - 1]!.text += ` ${cur.join(' ')}`;
    else flush();
  }
  return out;
}

/** Consecutive units `size` at a time, as one unit each (the first one's time and speaker). */
function runsOf(us: readonly Omit<Unit, 'terms'>[], size: number): Omit<Unit, 'terms'>[] {
  const out: Omit<Unit, 'terms'>[] = [];
  for (let i = 0; i < us.length; i += size) {
    const run = us.slice(i, i + size);
    out.push({ ...run[0]!, text: run.map((u) => u.text).join(' ') });
  }
  return out;
}

function termsOf(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of tokenize(text)) {
    const term = t.term;
    if (STOP.has(term)) continue;
    if (/^\p{Script=Han}$/u.test(term) || /^[a-z]{1,2}$/.test(term) || /^\d{1,2}$/.test(term)) continue;
    m.set(term, (m.get(term) ?? 0) + 1);
  }
  return m;
}

/** TF-IDF vectors, L2-normalized. */
function vectors(us: Unit[]): Map<string, number>[] {
  const df = new Map<string, number>();
  for (const u of us) for (const t of u.terms.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const n = us.length;
  return us.map((u) => {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [t, tf] of u.terms) {
      const w = (1 + Math.log(tf)) * Math.log(1 + n / df.get(t)!);
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  });
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  let s = 0;
  for (const [t, w] of small) {
    const x = large.get(t);
    if (x !== undefined) s += w * x;
  }
  return s;
}

/** TextRank scores over the similarity graph (weighted PageRank). */
function textRank(sim: Float32Array, n: number): Float64Array {
  const out = new Float64Array(n);
  const rowSum = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) rowSum[i]! += sim[i * n + j]!;
  let rank = new Float64Array(n).fill(1 / n);
  for (let it = 0; it < ITERATIONS; it++) {
    const next = new Float64Array(n).fill((1 - DAMPING) / n);
    for (let j = 0; j < n; j++) {
      if (rowSum[j] === 0) continue;
      const share = (DAMPING * rank[j]!) / rowSum[j]!;
      for (let i = 0; i < n; i++) {
        const w = sim[j * n + i]!;
        if (w) next[i]! += w * share;
      }
    }
    rank = next;
  }
  out.set(rank);
  return out;
}

/** How many passages a transcript of `n` units gets: a few for a clip, up to eight for a long talk. */
function howMany(n: number): number {
  return Math.max(3, Math.min(8, Math.round(n / 40)));
}

/** The key passages of a transcript, in time order. */
export function keyPassages(passages: readonly TimedText[], count?: number): KeyPassage[] {
  let raw = units(passages);
  for (let scale = 2; raw.length > MAX_UNITS; scale *= 2) {
    const wider = units(passages, UNIT_MIN * scale, UNIT_MAX * scale);
    // Windows never span passages: past one a passage, wider ones stop helping (and the loop
    // never ended on a transcript of over MAX_UNITS passages: summarize and digest hung).
    if (wider.length >= raw.length) break;
    raw = wider;
  }
  if (raw.length > MAX_UNITS) raw = runsOf(raw, Math.ceil(raw.length / MAX_UNITS));
  const us: Unit[] = raw.map((u) => ({ ...u, terms: termsOf(u.text) })).filter((u) => u.terms.size >= 3);
  const n = us.length;
  if (n === 0) return [];
  const vec = vectors(us);
  const sim = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = cosine(vec[i]!, vec[j]!);
      sim[i * n + j] = s;
      sim[j * n + i] = s;
    }
  }
  const rank = textRank(sim, n);
  const max = Math.max(...rank);
  const k = Math.min(n, count ?? howMany(n));
  const chosen: number[] = [];
  while (chosen.length < k) {
    let best = -1;
    let bestScore = -Infinity;
    for (let i = 0; i < n; i++) {
      if (chosen.includes(i)) continue;
      const redundancy = chosen.reduce((m, c) => Math.max(m, sim[i * n + c]!), 0);
      // The same words again (a paragraph repeated in a file, a rerun ad) say nothing new.
      if (redundancy >= NEAR_DUPLICATE) continue;
      const score = LAMBDA * (rank[i]! / max) - (1 - LAMBDA) * redundancy;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best < 0) break;
    chosen.push(best);
  }
  return chosen
    .sort((a, b) => a - b)
    .map((i) => {
      const u = us[i]!;
      const kp: KeyPassage = { text: u.text, score: Math.round((rank[i]! / max) * 1000) / 1000 };
      if (u.start !== undefined) kp.start = u.start;
      if (u.speaker) kp.speaker = u.speaker;
      return kp;
    });
}

/**
 * Words that say what kind of answer the user wants, or glue a sentence together, rather
 * than what it is about: question words (为什么, 怎么, what, how), particles (的, 吗, 了),
 * pronouns, light verbs and the words people use to point at a video ("那期节目讲…").
 * A query group made of one of them is intent: it never has to match and barely scores.
 *
 * The list is about the language, not this corpus: corpus-specific commonness is measured
 * (document frequency, see rank.ts), so 模型 is treated as common in an AI library without
 * being listed here.
 */
import { stem } from '../text/stem.js';

const CHINESE = `
  的 地 得 了 着 过 是 在 有 没 没有 和 跟 与 及 以及 或 或者 而 而且 并 就 都 也 还 又 再 很 太 更 最 挺
  真的 真 到底 究竟 其实 难道 确实 竟然 居然
  吗 呢 吧 啊 呀 嘛 么 哦 呐 哈
  什么 为什么 为啥 为何 干嘛 怎么 怎么样 怎样 怎么办 如何 哪 哪里 哪儿 哪些 哪个 哪位 谁 几 多少 多久
  是否 是不是 有没有 能不能 会不会 可不可以 对不对 吗
  可以 可能 能 能够 会 要 想 应该 需要 让 使 把 被 给 对 对于 关于 从 到 向 于 以 之 其 为 由
  不会 不能 不是 不要 不用 不该 不应该 不可以 不可能
  这 那 这个 那个 这些 那些 这样 那样 这种 那种 这里 那里 此 该
  一个 一些 一种 一下 一点 一期 那期 这期 某 某个 某些
  我 你 您 他 她 它 我们 你们 他们 她们 它们 咱们 自己 大家 人家
  请 请问 告诉 知道 讲 讲讲 讲了 讲过 说 说说 说了 说过 聊 聊聊 聊了 聊过 谈 谈谈 提到 提过 讲到 谈到 说到 介绍 解释
  记得 想找 找 找一下 看过 之前 以前 好像
  节目 内容 有关 相关 方面 问题
`;

const ENGLISH = `
  a an the of to in on for with about from by at as into onto over under between through during
  before after up down out off than then so such there here any some all each every more most very
  just also only even too again once
  is are was were be been being am do does did done doing have has had having will would shall should
  can could may might must not no nor and or but if because while until
  what why how when where which who whom whose that this these those it its it's
  i me my mine you your yours he him his she her hers we us our ours they them their theirs
  tell explain describe talk talked says said say mention mentioned discuss discussed
  anyone someone something anything everything thing things way ways
  episode
`;

let words: Set<string> | undefined;

/**
 * The list in the forms query terms take: the Chinese is written Simplified already, English
 * words are stemmed as queries are ("does" → "doe"). An entry the segmenter would cut into
 * pieces simply never meets a query term.
 */
function intentWords(): Set<string> {
  if (!words) {
    words = new Set(CHINESE.split(/\s+/).filter(Boolean));
    for (const w of ENGLISH.split(/\s+/)) if (w) words.add(stem(w.replace(/'/g, '')));
  }
  return words;
}

/** Whether a query term (folded, as `queryTerms` returns it) is a question or function word. */
export function isIntentWord(term: string): boolean {
  return intentWords().has(term);
}

/** X不X / X没X at the start of a word: a yes-no question (值不值得, 好不好, 靠不靠谱). */
const A_NOT_A = /^(\p{Script=Han}{1,2})[不没]\1/u;

/**
 * Positions of query terms that ask a yes-no question the Chinese way, "A not A": one word
 * (好不好, 值不值得) or a verb and its negation cut apart by the segmenter (会 不会, 能 不能,
 * 要 不要). The question asks whether, it is not about 不会 or 不能.
 */
export function yesNoQuestion(terms: readonly string[]): Set<number> {
  const out = new Set<number>();
  terms.forEach((t, i) => {
    if (A_NOT_A.test(t)) out.add(i);
    const next = terms[i + 1];
    if (next !== undefined && (next === `不${t}` || next === `没${t}`)) {
      out.add(i);
      out.add(i + 1);
    }
  });
  return out;
}

/**
 * LLM boilerplate detection: the model's opening preamble ("好的，我來為您整理…", "Here is the
 * cleaned-up transcript…"), its editing-notes sections ("整理說明", "修改說明", …), its closing
 * sign-off ("希望…對您有所幫助", "Let me know if…") and model tag lines (`[model=…]`).
 * Such passages stay in the document (shown on demand) but must not rank as content.
 *
 * Everything is matched on folded text (Simplified, half-width), so one pattern covers both
 * scripts. Patterns are anchored at the start of a passage or match a whole short label:
 * a paragraph that merely mentions 整理 is never flagged. Position matters too: openers only
 * count in the first passages, sign-offs only in the last ones, and ambiguous section labels
 * ("說明", "備註", "注意事項") only when their section runs to the end of the document.
 */
import type { ParsedPassage } from '../model.js';
import { foldWidth } from './normalize.js';
import { toSimplified } from './fold.js';

/** Openers only count among the first passages. */
const OPENING_WINDOW = 3;
/** A "here is the tidied text:" marker may follow the opener's plan by this many passages. */
const MARKER_WINDOW = 15;
/** Sign-offs only count among the last passages. */
const CLOSING_WINDOW = 3;

const MODEL_TAG = /^\[model=[^\]\n]*\]$/;

/** The model acknowledging the request and announcing the result. */
const OPENERS = [
  /^(好的|当然|没问题|您好|你好)[,!.。\s~].{0,80}?(整理|文稿|稿件|改写|润色|润饰|摘要|以下是|如下)/s,
  /^(作为|身为)(您的|你的|一名|一位|一个)?.{0,20}?(整理员|编辑|助手|整理者)/s,
  /^(以下是|以下为|下面是|这是)(我)?(为您|为你|帮您|帮你)?(经过|经|专业)?.{0,6}?(整理|修改|优化|润色|润饰|改写|校对)/s,
  /^针对您(提供|给出)的/,
  /^(sure|okay|ok|certainly|of course|absolutely)\b[!,.:]?\s*(here|i('ll| will| have|'ve| can))/i,
  /^here('s| is| are)\s+(the|a|an|your)\b.{0,80}?(transcript|summary|version|text|document|cleaned|tidied|organi[sz]ed|edited|revised|polished|rewritten|formatted)/is,
];

/** "Here is the tidied text:" on its own: the content starts after it. */
const MARKERS = [
  /^(以下是|以下为|下面是|这是)?(我)?(经过|经)?(整理|修改|优化|润色)(后|过后|过)?的?(文稿|版本|内容|全文|稿件|文本|结果)(如下)?(\(.*\)|（.*）)?$/,
  /^文稿整理(如下)?$/,
  /^(以下是)?整理(如下|结果)$/,
  /^(the )?(cleaned[- ]up|tidied|edited|revised|formatted) (transcript|text|version)$/i,
];

/** A lead-in that announces what the model changed or will focus on, ending with a colon. */
const PLAN_LEAD_IN = /(修改|调整|优化|改进|着重|著重|重点在于|重点放在|做了|进行了|处理|改动|以下几点|以下几个方面|以下方面|原则|focus|changes|i've made|i have made)/i;

/** An item of an editing-notes list: says what was changed in the text. */
const EDIT_NOTE = /(修改|调整|删除|删去|移除|去除|添加|增加|加入|补充|统一|保留|精简|简化|精炼|修正|改为|改成|润色|润饰|分段|段落|标题|结构|口语|书面|错别字|标点|粗体|加粗|项目符号|排版|格式|语气|重复|冗余|用词|逻辑|可读性|易于|重新|提炼|突出|removed|added|fixed|corrected|restructured|formatting|headings|paragraph|typo|clarity|readability)/i;

/** Editing-notes headings: a whole label, so "GPU 的改進" or "OpenAI 的聲明" never match. */
const NOTES_STRONG = [
  /^(主要|重点|本次|其他|可能的|额外的?|我所做的|我做的|所做的|具体|一些)?的?(整理|修改|改进|润饰|润色|编辑|修订|改写|校对|排版)(的)?(说明|建议|方向|之处|事项|重点|要点|重点说明|要点说明|思路|原则)$/,
  /^(主要|重点|本次|其他|具体)?的?(优化|调整|改善|精简|格式调整)(说明|重点说明|要点说明)$/,
  /^(文稿|文章|结构|内容)?(优化|改进|改善)建议$/,
  /^(editing|editor'?s?|revision|formatting) notes?$/i,
  /^(summary of )?(changes|modifications|edits)( made)?$/i,
  /^what i changed$/i,
];
/**
 * Labels that are notes only at the end of a document and over text that reads as notes
 * about the editing (elsewhere, or over a glossary or the speaker's advice, they are content).
 */
const NOTES_WEAK = [
  /^(说明|备注|附注|注|注意|请注意|注意事项|声明|补充说明|额外说明|附加说明|其他说明|建议|个人建议|提示|小提示)$/,
  /^(主要|重点)的?(修改|调整|改动|变更|优化|改进)(之处|内容|如下)?$/,
  /^(notes?|disclaimer|remarks?|suggestions?|(key |main )?(changes|improvements))$/i,
];
/** What an editing note talks about: the edit itself, or the text and the reader. */
const ABOUT_EDITING = /(整理|文稿|版本|原文|原稿|您|你的需求|transcript|version|original)/i;

/** The model signing off. Checked after an optional short label (备注：…). */
const CLOSINGS = [
  /^(我)?希望(这|以上|此|本|上述|这样|这些|这次|这份|这个).{0,12}?(整理|版本|文稿|修改|摘要|总结|内容|回答|结果|改写)/s,
  /^(我)?希望.{0,30}?(对您|对你|帮助您|帮助你|能帮到您|能帮到你|符合您|符合你|满足您|满足你|您的需求|您的要求)/s,
  /^(这个|这份|此|以上|上述|这样的?)(整理|修改|优化|改写|调整|结构化|润色)/,
  /^(这个|这份|此)(版本|文稿|整理稿|摘要)的?.{0,40}?(更|帮助|需求|要求|方便)/s,
  /^这样的(结构|整理|安排|方式|呈现)/,
  /^这是我(尽力|尽量)?(整理|修改|优化)/,
  /^我(尽可能|尽量|已经?|主要)(地)?(保留|整理|调整|修改|将).{0,60}?(原文|原稿|风格|您|你)/s,
  // Addressed to the requester (告诉我, 随时, 修改), not the host's "如果你喜欢，欢迎订阅".
  /^(如果|若|如)(您|你).{0,40}?(告诉我|让我知道|告知我|随时|需求|进一步|修改|调整)/s,
  /^(如果|若|如)(还)?需要.{0,40}?(随时|告诉我|告知|让我知道|提供|进一步)/s,
  /^(还有|有)什么(其他)?需要我(协助|帮忙|做)/,
  /^请随时告诉我/,
  /^(您|你)可以(根据|依据|按照)(您|你)的?(需求|需要|要求)/,
  /^(i hope (this|that|these|the)|hope this helps|let me know if|please let me know|feel free to|if you (have|need|would like|want|'d like)|is there anything else|would you like me to)/i,
  /\btokens were used\b/i,
];
const CLOSING_LABEL = /^(备注|注|注意|请注意|说明|附注|ps|p\.s\.|note)\s*[:：]\s*/i;

/** What ends or splits a sentence: a label has none. */
const SENTENCE_PUNCTUATION = /[。！？!?，,；;]/;
/** What `labelText` may strip around a label: white space, heading and bold marks, brackets, colons, numbering. */
const STRIPPABLE = /[\s#*_【】\[\]()（）:：、.．0-9一二三四五六七八九十]/;
/** A label is at most this long once stripped. */
const MAX_LABEL = 24;

/**
 * Whether the text keeps more than `MAX_LABEL` characters whatever `labelText` strips: it
 * strips only characters of `STRIPPABLE`, and one letter of numbering (`a.`).
 */
function longerThanLabel(text: string): boolean {
  let kept = 0;
  for (let i = 0; i < text.length; i++) if (!STRIPPABLE.test(text[i]!) && ++kept > MAX_LABEL + 1) return true;
  return false;
}

/** Numbering, brackets, bold and trailing colons around a label. */
function labelText(folded: string): string | undefined {
  // Sentence punctuation is never stripped below, so text with any is no label, nor is text too
  // long to be one however stripped: most passages are either, and the stripping passes cost
  // ~0.3 s of an ingest's CPU run over them all.
  if (SENTENCE_PUNCTUATION.test(folded) || longerThanLabel(folded)) return undefined;
  const t = folded
    .trim()
    .replace(/^#+\s*/, '')
    .replace(/^[\[【(（]?([一二三四五六七八九十]+|\d+|[a-zA-Z])[\]】)）]?[、.．)）]\s*/, '')
    .replace(/^[*_【\[]+|[*_】\]]+$/g, '')
    .replace(/\s*[:：]\s*$/, '')
    .replace(/^[*_【\[]+|[*_】\]]+$/g, '')
    .trim();
  if (t.length === 0 || t.length > MAX_LABEL || /\n/.test(t)) return undefined;
  return t.replace(/\s+/g, ' ');
}

function fold(text: string, simplified = toSimplified(foldWidth(text))): string {
  return simplified.trim();
}

function isModelTag(f: string): boolean {
  return MODEL_TAG.test(f);
}
function isOpener(f: string): boolean {
  return OPENERS.some((re) => re.test(f));
}
function isMarker(f: string): boolean {
  const label = labelText(f);
  return label !== undefined && MARKERS.some((re) => re.test(label));
}
function isPlanLeadIn(f: string): boolean {
  return /[:：]$/.test(f) && PLAN_LEAD_IN.test(f) && (isOpener(f) || /^(我|以下|主要|本次|i )/i.test(f));
}
function notesStrength(f: string): 'strong' | 'weak' | undefined {
  const label = labelText(f);
  if (label === undefined) return undefined;
  if (NOTES_STRONG.some((re) => re.test(label))) return 'strong';
  if (NOTES_WEAK.some((re) => re.test(label))) return 'weak';
  return undefined;
}
function isClosing(f: string): boolean {
  const body = f.replace(CLOSING_LABEL, '');
  if (CLOSINGS.some((re) => re.test(body))) return true;
  // "備註：整理時，我盡量保留了原文的風格…": a labelled remark about the editing.
  if (body !== f && ABOUT_EDITING.test(body) && EDIT_NOTE.test(body)) return true;
  // "…。希望能幫助到您！": a sign-off as the passage's last sentence.
  const sentences = body.split(/(?<=[。！？!?])\s*/).filter((x) => x !== '');
  const last = sentences[sentences.length - 1];
  return sentences.length > 1 && CLOSINGS.some((re) => re.test(last));
}

/**
 * Context-free check of one passage: a model tag, an opener, a "tidied text follows" marker,
 * an editing-plan lead-in, an editing-notes heading or a sign-off. Ambiguous labels (说明,
 * 备注) are not boilerplate on their own; `markBoilerplate` decides them from position.
 */
export function isBoilerplateText(text: string): boolean {
  const f = fold(text);
  if (f === '') return false;
  return isModelTag(f) || isOpener(f) || isMarker(f) || isPlanLeadIn(f) || notesStrength(f) === 'strong' || isClosing(f);
}

/** Raw HTML, a bare URL or an image: not text a model would open with. */
function isNoise(f: string): boolean {
  return /^<[a-z!/]/i.test(f) || /^(https?:\/\/\S+|!\[[^\]]*\]\([^)]*\))$/.test(f);
}

function isItem(p: ParsedPassage): boolean {
  return p.role === 'content' && p.depth !== undefined;
}

/**
 * Sets role='boilerplate' in place on the LLM's preamble (and the editing-plan list it may
 * announce), its editing-notes sections, its sign-off and model tag lines. Headings are
 * marked too when they head a notes section. Returns how many passages it marked.
 * `simplified`: the passages' texts through `toSimplified(foldWidth(text))`, when the caller has them.
 */
export function markBoilerplate(passages: ParsedPassage[], simplified?: readonly string[]): number {
  const n = passages.length;
  if (n === 0) return 0;
  const folded = passages.map((p, i) => fold(p.text, simplified?.[i]));
  const marked = new Array<boolean>(n).fill(false);
  const mark = (i: number): void => {
    marked[i] = true;
  };

  folded.forEach((f, i) => {
    if (isModelTag(f)) mark(i);
  });
  markOpening(passages, folded, marked, mark);
  markClosing(folded, marked, mark);
  markNotes(passages, folded, marked, mark);
  markClosing(folded, marked, mark); // a sign-off may sit just before a notes section

  let count = 0;
  passages.forEach((p, i) => {
    if (marked[i] && p.role !== 'boilerplate') {
      p.role = 'boilerplate';
      count++;
    }
  });
  return count;
}

type Mark = (i: number) => void;

function markOpening(passages: ParsedPassage[], folded: string[], marked: boolean[], mark: Mark): void {
  const n = passages.length;
  // The first passages of text are where an opener can be (a title heading, a link or an
  // HTML thumbnail block before it, as in digest archives, do not count).
  let opener = -1;
  for (let i = 0, seen = 0; i < n && seen < OPENING_WINDOW; i++) {
    if (folded[i] === '' || marked[i] || passages[i].role === 'heading' || isNoise(folded[i])) continue;
    seen++;
    if (isOpener(folded[i]) || isMarker(folded[i])) {
      opener = i;
      break;
    }
  }
  if (opener < 0) return;
  mark(opener);

  // A "tidied text follows" marker soon after the opener: everything up to it is the
  // model's plan (numbered steps, lists of what it will change).
  if (!isMarker(folded[opener])) {
    for (let j = opener + 1; j < n && j <= opener + MARKER_WINDOW; j++) {
      if (passages[j].role === 'heading' && (passages[j].depth ?? 9) <= 2 && !isMarker(folded[j])) break;
      if (isMarker(folded[j])) {
        for (let k = opener + 1; k <= j; k++) mark(k);
        return;
      }
    }
  }

  // Otherwise: passages right after the opener that are themselves boilerplate (a marker, a
  // plan lead-in) and the edit-note items a plan lead-in announces.
  let i = opener;
  let leadIn = isPlanLeadIn(folded[opener]);
  while (i + 1 < n) {
    const j = i + 1;
    if (folded[j] === '') {
      i = j;
      continue;
    }
    if (isMarker(folded[j])) {
      mark(j);
      return; // content follows
    }
    if (isPlanLeadIn(folded[j])) {
      mark(j);
      leadIn = true;
      i = j;
      continue;
    }
    if (leadIn && isItem(passages[j])) {
      const end = itemRun(passages, j);
      const notes = folded.slice(j, end).filter((f) => EDIT_NOTE.test(f)).length;
      if (notes * 2 >= end - j) {
        for (let k = j; k < end; k++) mark(k);
        i = end - 1;
        leadIn = false;
        continue;
      }
    }
    return;
  }
}

/** End (exclusive) of the run of list items starting at `start`. */
function itemRun(passages: ParsedPassage[], start: number): number {
  let end = start;
  while (end < passages.length && isItem(passages[end])) end++;
  return end;
}

function markClosing(folded: string[], marked: boolean[], mark: Mark): void {
  let seen = 0;
  for (let i = folded.length - 1; i >= 0 && seen < CLOSING_WINDOW; i--) {
    if (folded[i] === '' || marked[i]) continue;
    seen++;
    if (!isClosing(folded[i])) return;
    mark(i);
  }
}

function markNotes(passages: ParsedPassage[], folded: string[], marked: boolean[], mark: Mark): void {
  const n = passages.length;
  for (let h = 0; h < n; h++) {
    if (marked[h]) continue;
    const strength = notesStrength(folded[h]);
    if (!strength) continue;
    const end = sectionEnd(passages, folded, h, strength === 'strong');
    if (strength === 'weak') {
      // Only a trailing section (nothing but boilerplate or blanks after it) whose body reads
      // as notes about the editing.
      let trailing = true;
      for (let k = end; k < n; k++) if (!marked[k] && folded[k] !== '' && !isClosing(folded[k])) trailing = false;
      const body = folded.slice(h + 1, end).filter((f) => f !== '');
      const meta = body.filter((f) => EDIT_NOTE.test(f) || ABOUT_EDITING.test(f) || isClosing(f)).length;
      if (!trailing || body.length === 0 || meta * 2 < body.length) continue;
    }
    for (let k = h; k < end; k++) mark(k);
    h = end - 1;
  }
}

/**
 * End (exclusive) of the section a notes heading opens. Under a real heading: up to the next
 * heading of the same or a higher level. Under a label paragraph ("**整理說明：**"): its list
 * items, sub-labels followed by items (for unambiguous notes headings only), and a first
 * paragraph that reads as an edit note, up to the next heading or the first paragraph that
 * is none of these.
 */
function sectionEnd(passages: ParsedPassage[], folded: string[], h: number, subLabels: boolean): number {
  const n = passages.length;
  const head = passages[h];
  if (head.role === 'heading') {
    const level = head.depth ?? 1;
    let j = h + 1;
    while (j < n && !(passages[j].role === 'heading' && (passages[j].depth ?? 1) <= level)) j++;
    return j;
  }
  let j = h + 1;
  while (j < n) {
    const p = passages[j];
    if (p.role === 'heading') break;
    if (isItem(p) || folded[j] === '') {
      j++;
      continue;
    }
    const isLabel = labelText(folded[j]) !== undefined && /[:：]$/.test(folded[j]);
    if (subLabels && isLabel && j + 1 < n && isItem(passages[j + 1])) {
      j++;
      continue;
    }
    if (!isLabel && EDIT_NOTE.test(folded[j]) && !isClosing(folded[j]) && j === h + 1) {
      j++; // a notes heading followed by a prose note rather than a list
      continue;
    }
    break;
  }
  return j;
}

/**
 * A checked summary as a rendition: passages (searchable, each key point timed at its quote)
 * and a Markdown body for "Original formatting". Quotes are written the way quotes/extract.ts
 * reads them (`“…” — Speaker [00:12:34]`), so `engram quotes` and the web app re-check engram's
 * own summaries like any other. A translation is labelled as one, never shown as a quote.
 */
import type { ParsedPassage } from '../model.js';
import { deepLink } from '../formats/media.js';
import type { SummaryLang } from '../text/language.js';
import type { KeyPoint, SummaryDraft } from './summarize-gates.js';
import { hms } from './summarize-input.js';

const HEADINGS: Record<SummaryLang, { overview: string; points: string; entities: string; people: string; companies: string; models: string; translation: string; extractive: string }> = {
  en: { overview: 'Overview', points: 'Key points', entities: 'People, companies and models', people: 'People', companies: 'Companies', models: 'Models', translation: 'Translation', extractive: 'Key passages (extractive: chosen from the transcript, no language model)' },
  'zh-Hans': { overview: '概述', points: '要点', entities: '人物、公司与模型', people: '人物', companies: '公司', models: '模型', translation: '译文', extractive: '关键段落（抽取式：从文字稿中选出，未使用语言模型）' },
  'zh-Hant': { overview: '概述', points: '要點', entities: '人物、公司與模型', people: '人物', companies: '公司', models: '模型', translation: '譯文', extractive: '關鍵段落（抽取式：從文字稿中選出，未使用語言模型）' },
};

export function headingsFor(lang: SummaryLang) {
  return HEADINGS[lang];
}

export interface RenderedRendition {
  passages: ParsedPassage[];
  body: string;
}

/** The quote line of a point: `“…” — Speaker [00:12:34]`, or a labelled translation. */
function quoteLine(k: KeyPoint, lang: SummaryLang, url: string | null, markdown: boolean): string | undefined {
  if (!k.quote) return undefined;
  const time = k.start !== undefined ? ` [${hms(k.start)}]${markdown && url ? `(${deepLink(url, k.start)})` : ''}` : '';
  const who = k.speaker ? ` — ${k.speaker}` : '';
  if (k.quoteStatus === 'translation') return `${HEADINGS[lang].translation}: ${k.quote}${who}${time}`;
  return `“${k.quote}”${who}${time}`;
}

export function renderSummary(d: SummaryDraft, lang: SummaryLang, url: string | null): RenderedRendition {
  const h = HEADINGS[lang];
  const passages: ParsedPassage[] = [];
  const md: string[] = [];
  let line = 1;
  const add = (p: Omit<ParsedPassage, 'line'>) => passages.push({ ...p, line: line++ });
  if (d.overview) {
    add({ text: h.overview, role: 'heading', depth: 2 });
    add({ text: d.overview, role: 'content' });
    md.push(`## ${h.overview}`, '', d.overview, '');
  }
  if (d.points.length) {
    add({ text: h.points, role: 'heading', depth: 2 });
    md.push(`## ${h.points}`, '');
    for (const k of d.points) {
      const q = quoteLine(k, lang, url, false);
      const p: Omit<ParsedPassage, 'line'> = { text: q ? `${k.point}\n${q}` : k.point, role: 'content', depth: 1 };
      if (k.start !== undefined) p.start = k.start;
      if (k.quote && k.speaker) p.speaker = k.speaker;
      add(p);
      md.push(`- ${k.point}`);
      const qm = quoteLine(k, lang, url, true);
      if (qm) md.push(`  > ${qm}`);
    }
    md.push('');
  }
  const lists: [string, string[]][] = [[h.people, d.people], [h.companies, d.companies], [h.models, d.models]];
  if (lists.some(([, l]) => l.length)) {
    add({ text: h.entities, role: 'heading', depth: 2 });
    md.push(`## ${h.entities}`, '');
    for (const [label, list] of lists) {
      if (!list.length) continue;
      const sep = lang === 'en' ? ', ' : '、';
      add({ text: `${label}: ${list.join(sep)}`, role: 'content', depth: 1 });
      md.push(`- **${label}:** ${list.join(sep)}`);
    }
  }
  return { passages, body: md.join('\n').trim() + '\n' };
}

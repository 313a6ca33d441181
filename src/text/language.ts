/**
 * Which language and Chinese script a text is in: for choosing a summary's language
 * (`--lang auto`), checking an LLM's answer against the one asked for, and telling a quote
 * from a translation. Counted, not guessed by a model: Han characters against Latin words;
 * Simplified against Traditional by how many characters each OpenCC direction would change.
 */
import { toSimplified, toTraditional } from './fold.js';

export type Language = 'zh' | 'en';
/** The languages and scripts engram writes summaries in. */
export type SummaryLang = 'zh-Hans' | 'zh-Hant' | 'en';

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /[A-Za-z\u00C0-\u024F]+/g;

/**
 * `zh` when Han characters outweigh Latin words (one word ≈ two characters of content), else
 * `en`; undefined for text with neither. Mixed Chinese with English terms is Chinese.
 */
export function languageOf(text: string): Language | undefined {
  const han = text.match(HAN)?.length ?? 0;
  const words = text.match(LATIN_WORD)?.length ?? 0;
  if (han === 0 && words === 0) return undefined;
  return han >= words * 2 ? 'zh' : 'en';
}

/**
 * `Hans` or `Hant` by which characters the text uses that only one script has; `undefined`
 * when it has no script-specific characters (or no Han at all). `share` is the dominant
 * script's share of those characters.
 */
export function chineseScript(text: string): { script: 'Hans' | 'Hant'; share: number } | undefined {
  const han = text.match(HAN)?.join('') ?? '';
  if (!han) return undefined;
  const simp = toSimplified(han);
  const trad = toTraditional(han);
  let traditionalOnly = 0;
  let simplifiedOnly = 0;
  for (let i = 0; i < han.length; i++) {
    if (simp[i] !== han[i]) traditionalOnly++;
    else if (trad[i] !== han[i]) simplifiedOnly++;
  }
  const n = traditionalOnly + simplifiedOnly;
  if (n === 0) return undefined;
  return traditionalOnly > simplifiedOnly ? { script: 'Hant', share: traditionalOnly / n } : { script: 'Hans', share: simplifiedOnly / n };
}

/** The summary language a text calls for: English, or Chinese in its dominant script (Simplified when undecided). */
export function summaryLangOf(text: string): SummaryLang {
  if (languageOf(text) !== 'zh') return 'en';
  return chineseScript(text)?.script === 'Hant' ? 'zh-Hant' : 'zh-Hans';
}

/**
 * Does `text` read as `lang`? Chinese must be Chinese in the right script (at least 90% of
 * script-specific characters); English must be English. Text that is too short to tell passes.
 */
export function checkLanguage(text: string, lang: SummaryLang): { ok: true } | { ok: false; found: string } {
  const l = languageOf(text);
  if (l === undefined) return { ok: true };
  if (lang === 'en') return l === 'en' ? { ok: true } : { ok: false, found: 'Chinese' };
  if (l !== 'zh') return { ok: false, found: 'English' };
  const s = chineseScript(text);
  if (!s) return { ok: true };
  const want = lang === 'zh-Hant' ? 'Hant' : 'Hans';
  const wanted = s.script === want ? s.share : 1 - s.share;
  return wanted >= 0.9 ? { ok: true } : { ok: false, found: want === 'Hant' ? 'Simplified Chinese' : 'Traditional Chinese' };
}

/** Convert Chinese text to the script `lang` asks for (English is left alone). */
export function toScript(text: string, lang: SummaryLang): string {
  if (lang === 'zh-Hant') return toTraditional(text);
  if (lang === 'zh-Hans') return toSimplified(text);
  return text;
}

export const LANG_NAMES: Record<SummaryLang, string> = {
  'zh-Hans': 'Simplified Chinese (简体中文)',
  'zh-Hant': 'Traditional Chinese (繁體中文)',
  en: 'English',
};

/**
 * Numbers a text states, as comparable values, whatever way they are written: `1,000`,
 * `3.5%`, `20万`, `560亿`, `百分之二十二`, `三个月`, `ten thousand`, `$56 billion`. A summary's
 * numbers are checked against its transcript's (a number the transcript never says is
 * flagged), and shared numbers help tie a translated quote to the passage it translates.
 */

const ZH_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 兩: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const ZH_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 1e4, 萬: 1e4, 亿: 1e8, 億: 1e8 };
const SCALE: Record<string, number> = {
  万: 1e4, 萬: 1e4, 亿: 1e8, 億: 1e8, 千: 1e3, 百: 1e2,
  thousand: 1e3, k: 1e3, million: 1e6, m: 1e6, mn: 1e6, billion: 1e9, bn: 1e9, b: 1e9, trillion: 1e12, t: 1e12,
};
const EN_SMALL: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const EN_SCALE: Record<string, number> = { hundred: 100, thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };

/** Digits (with thousands separators and a decimal part) and an optional scale word or character. */
const DIGITS = /(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(万|萬|亿|億|千|百|thousand|million|billion|trillion|bn|mn|[kKmMbBtT](?![A-Za-z]))?/g;
const ZH_NUMERAL = /(?:百分之)?[零〇一二两兩三四五六七八九十百千万萬亿億]+/g;
const EN_WORDS = /\b(?:(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|trillion|a)(?:[\s-]+(?:and\s+)?)?)+\b/gi;
/** Timecodes are references, not claims. */
const CLOCK = /\b\d{1,2}:\d{2}(?::\d{2})?\b/g;

/** A Chinese numeral (`二十二`, `三千五百`, `两万`) as a number; undefined for none. */
export function chineseNumeral(s: string): number | undefined {
  let total = 0;
  let section = 0; // below 万
  let digit: number | undefined;
  let any = false;
  for (const ch of s) {
    if (ch in ZH_DIGIT) {
      digit = ZH_DIGIT[ch]!;
      any = true;
    } else if (ch in ZH_UNIT) {
      const unit = ZH_UNIT[ch]!;
      any = true;
      if (unit >= 1e4) {
        total = (total + section + (digit ?? 0)) * unit;
        section = 0;
      } else {
        section += (digit ?? 1) * unit;
      }
      digit = undefined;
    } else return undefined;
  }
  return any ? total + section + (digit ?? 0) : undefined;
}

function englishNumber(words: string): number | undefined {
  let total = 0;
  let current = 0;
  let any = false;
  for (const w of words.toLowerCase().split(/[\s-]+/)) {
    if (w === 'and' || w === '') continue;
    if (w === 'a') {
      if (!any) current = 1;
      continue;
    }
    if (w in EN_SMALL) {
      current += EN_SMALL[w]!;
      any = true;
    } else if (w in EN_SCALE) {
      const scale = EN_SCALE[w]!;
      any = true;
      if (scale === 100) current = (current || 1) * 100;
      else {
        total += (current || 1) * scale;
        current = 0;
      }
    }
  }
  return any ? total + current : undefined;
}

function add(out: Set<string>, n: number | undefined): void {
  if (n === undefined || !Number.isFinite(n)) return;
  out.add(String(Math.round(n * 1000) / 1000));
}

/**
 * Every number `text` states, as normalized strings (`"1000"`, `"3.5"`, `"200000"`). A scaled
 * number gives both its digits and its value (`20万` → `20`, `200000`), so either spelling of it
 * elsewhere matches. Timecodes are left out.
 */
export function numbersIn(text: string): Set<string> {
  const out = new Set<string>();
  const t = text.replace(CLOCK, ' ');
  for (const m of t.matchAll(DIGITS)) {
    const whole = Number(m[1]!.replace(/,/g, ''));
    const value = m[2] ? Number(`${whole}.${m[2]}`) : whole;
    add(out, value);
    const scale = m[3] ? SCALE[m[3].toLowerCase()] ?? SCALE[m[3]] : undefined;
    if (scale) add(out, value * scale);
  }
  for (const m of t.matchAll(ZH_NUMERAL)) {
    const s = m[0].replace(/^百分之/, '');
    // A lone 一 or 十 is mostly a word part (一些, 统一), not a number worth stating.
    if (s.length === 1 && !m[0].startsWith('百分之') && (s === '一' || s === '十' || s === '千' || s === '百' || s === '万' || s === '亿')) continue;
    add(out, chineseNumeral(s));
  }
  for (const m of t.matchAll(EN_WORDS)) {
    if (/^\s*a\s*$/i.test(m[0])) continue;
    add(out, englishNumber(m[0]));
  }
  return out;
}

/**
 * Numbers `claim` states that `source` never does. Single digits are not checked (too common,
 * and "two students" is a way of speaking); nor are numbers inside `skip` spans (quotes, which
 * are checked whole).
 */
export function unsupportedNumbers(claim: string, source: Set<string>): string[] {
  const out: string[] = [];
  const t = claim.replace(CLOCK, ' ');
  for (const m of t.matchAll(DIGITS)) {
    const literal = m[0].trim();
    const whole = Number(m[1]!.replace(/,/g, ''));
    const value = m[2] ? Number(`${whole}.${m[2]}`) : whole;
    if (!m[2] && whole < 10) continue;
    const forms = new Set<string>();
    add(forms, value);
    const scale = m[3] ? SCALE[m[3].toLowerCase()] ?? SCALE[m[3]] : undefined;
    if (scale) add(forms, value * scale);
    if (![...forms].some((f) => source.has(f))) out.push(literal);
  }
  return [...new Set(out)];
}

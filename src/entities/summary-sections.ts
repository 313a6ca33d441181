/**
 * The names an LLM summary lists in its "People Identified" / "Companies Identified"
 * sections (or 人物 / 公司): one entry per subheading or bold line, e.g.
 * `### Liu Pengfei (劉鵬菲)`, `**Jia Peng (贾鹏) — CEO of Zhijian**`, `**DeepSeek**`.
 * A parenthesis holding Han characters or a short name is an alias; one that explains
 * ("Context: …", "implied in …") is dropped, as is anything after a dash or colon.
 */
import type { EntityType } from './names.js';

export interface ListedName {
  name: string;
  aliases: string[];
  type: EntityType;
  /** 1-based line in the summary's text. */
  line: number;
}

const SECTION = /^(#{1,6})\s*(?:[\d.]+\s*)?(?:\*\*)?\s*(?:key\s+)?(people|persons|companies|organizations|organisations|人物|公司|企业|企業|机构|機構)\b[^\n]*$/iu;
const HEADING = /^(#{1,6})\s+(.*)$/;
/** A bold line alone is an entry; one ending in a colon is a field's label (`**Key Quotes**:`, `**Description:**`). */
const BOLD_LINE = /^(?:[-*]\s+)?\*\*(.+?)\*\*\s*$/;
const LABEL = /[:：]\s*$/;
const HAN = /\p{Script=Han}/u;
/** Parentheses that explain rather than name. */
const EXPLAINS = /\b(context|implied|mentioned|referenced|see|via|formerly|e\.g\.)\b/i;

export function listedNames(markdown: string): ListedName[] {
  const lines = markdown.split(/\r?\n/);
  const out: ListedName[] = [];
  let section: { level: number; type: EntityType } | undefined;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const heading = HEADING.exec(line);
    const sectionHead = SECTION.exec(line);
    if (sectionHead) {
      const word = sectionHead[2]!.toLowerCase();
      section = { level: sectionHead[1]!.length, type: /people|persons|人物/.test(word) ? 'person' : 'organization' };
      return;
    }
    if (!section) return;
    if (heading && heading[1]!.length <= section.level) {
      section = undefined;
      return;
    }
    const bold = heading ? undefined : BOLD_LINE.exec(line)?.[1];
    const entry = heading ? heading[2]! : bold !== undefined && !LABEL.test(bold) ? bold : undefined;
    if (!entry) return;
    const parsed = parseEntry(entry);
    if (!parsed) return;
    for (const one of section.type === 'person' ? people(parsed) : [parsed]) out.push({ ...one, type: section.type, line: i + 1 });
  });
  return out;
}

/** Words a person's name has at most (Latin script): a longer heading is a description ("Factory Workers Who Became…"). */
const MAX_NAME_WORDS = 4;

/**
 * The people an entry of a People section names: two joined by & or 、 are two (their aliases
 * paired in order when there is one each), and a heading longer than a name names no one.
 */
function people(entry: { name: string; aliases: string[] }): { name: string; aliases: string[] }[] {
  const parts = entry.name.split(/\s*(?:&|、|\band\b)\s*/).map((p) => p.trim()).filter(Boolean);
  const named = parts.filter((p) => p.split(' ').length <= MAX_NAME_WORDS);
  if (named.length !== parts.length) return [];
  if (parts.length === 1) return [entry];
  return parts.map((name, k) => ({ name, aliases: entry.aliases.length === parts.length ? [entry.aliases[k]!] : [] }));
}

function parseEntry(entry: string): { name: string; aliases: string[] } | undefined {
  let s = entry.replace(/\*\*/g, '').replace(/^[\d.]+\s+/, '').trim();
  const aliases: string[] = [];
  s = s.replace(/[（(]([^()（）]*)[)）]/g, (_m, inner: string) => {
    const t = inner.trim();
    if (t && !EXPLAINS.test(t) && (HAN.test(t) || t.split(/\s+/).length <= 4)) aliases.push(...t.split(/[、,，/]/).map((a) => a.trim()).filter(Boolean));
    return ' ';
  });
  // A role or comment after a dash or colon is not part of the name.
  s = s.split(/\s+[—–-]\s+|[:：]\s*/)[0]!.replace(/\s+/g, ' ').trim();
  if (!s || s.length > 60 || s.split(' ').length > 6) return undefined;
  return { name: s, aliases };
}

/**
 * The lexicon's text format, shared by the files engram ships (`data/lexicon/*.txt`) and the
 * library's own additions (`LIBRARY/lexicon.txt`, written by `engram lexicon add`):
 *
 *   # a comment
 *   [organization]                      ← the type of the entries below it
 *   nvidia: NVIDIA, 英伟达, tw:輝達, ~Nvidia Corporation
 *   [person]
 *   jensen-huang: 黄仁勋, Jensen Huang, Jen-Hsun Huang, ~老黄
 *
 * One entry a line: a stable id (lowercase ASCII, digits, `-` and `.`), a colon, its names
 * separated by commas. The first name is the canonical one. A name with Han characters is
 * Chinese, written in mainland Simplified; its Traditional form is derived (英伟达 → 英偉達),
 * so only vocabulary that differs is written: `tw:` Taiwan, `hk:` Hong Kong (輝達). Any other
 * name is an English (Latin-script) name. `~` marks an alias (abbreviation, nickname, former
 * name); `?` marks a name that other entries may claim too (推理 is reasoning and inference).
 * Names are names only: never descriptions (老黄's company is not a name of NVIDIA).
 */

export const ENTITY_TYPES = ['person', 'organization', 'product', 'concept'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

export interface LexiconName {
  text: string;
  /** `han`: Chinese (mainland Simplified unless `region`); `latin`: English and other Latin-script names. */
  script: 'han' | 'latin';
  /** Regional vocabulary: the name as Taiwan or Hong Kong writes it. */
  region?: 'tw' | 'hk';
  /** An alias rather than a full name: abbreviation, nickname, former name. */
  alias?: boolean;
  /** Other entries may claim this name too. */
  ambiguous?: boolean;
  /** The library added this name (LIBRARY/lexicon.txt), as opposed to the shipped lexicon. */
  library?: boolean;
}

export interface LexiconEntry {
  id: string;
  type: EntityType;
  /** Canonical name: the first one listed. */
  canonical: string;
  names: LexiconName[];
  /** Where the entry was read: file and line (for error messages), and whether it is the library's. */
  origin: { file: string; line: number; library: boolean };
}

export class LexiconFormatError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'LexiconFormatError';
  }
}

const ID = /^[a-z0-9][a-z0-9.-]*$/;
const HAN = /\p{Script=Han}/u;
const SECTION = /^\[([a-z]+)\]$/;

/** Parses lexicon text. Throws `LexiconFormatError` (file and line) on a malformed line. */
export function parseLexicon(text: string, file: string, library = false): LexiconEntry[] {
  const entries: LexiconEntry[] = [];
  let type: EntityType | undefined;
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const at = i + 1;
    if (line === '' || line.startsWith('#')) return;
    const section = SECTION.exec(line);
    if (section) {
      if (!(ENTITY_TYPES as readonly string[]).includes(section[1]!)) {
        throw new LexiconFormatError(file, at, `unknown type [${section[1]}]: expected one of ${ENTITY_TYPES.join(', ')}`);
      }
      type = section[1] as EntityType;
      return;
    }
    if (!type) throw new LexiconFormatError(file, at, 'entry before any [type] line');
    entries.push(parseEntry(line, type, { file, line: at, library }));
  });
  return entries;
}

function parseEntry(line: string, type: EntityType, origin: LexiconEntry['origin']): LexiconEntry {
  const colon = line.indexOf(':');
  const id = colon < 0 ? '' : line.slice(0, colon).trim();
  if (!ID.test(id)) {
    throw new LexiconFormatError(origin.file, origin.line, `expected "id: name, name, …" with an id of lowercase letters, digits, - and . (got "${line.slice(0, 40)}")`);
  }
  const names = line
    .slice(colon + 1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => parseName(s, origin))
    .map((n) => (origin.library ? { ...n, library: true } : n));
  if (names.length === 0) throw new LexiconFormatError(origin.file, origin.line, `entry "${id}" has no names`);
  return { id, type, canonical: names[0]!.text, names, origin };
}

function parseName(raw: string, origin: LexiconEntry['origin']): LexiconName {
  let s = raw;
  const name: Partial<LexiconName> = {};
  for (;;) {
    if (s.startsWith('~')) name.alias = true;
    else if (s.startsWith('?')) name.ambiguous = true;
    else if (s.startsWith('tw:')) name.region = 'tw';
    else if (s.startsWith('hk:')) name.region = 'hk';
    else break;
    s = s.slice(s[0] === '~' || s[0] === '?' ? 1 : 3).trim();
  }
  if (s === '') throw new LexiconFormatError(origin.file, origin.line, `empty name in "${raw}"`);
  const script = HAN.test(s) ? 'han' : 'latin';
  if (name.region && script !== 'han') {
    throw new LexiconFormatError(origin.file, origin.line, `"${raw}": tw:/hk: mark Chinese vocabulary, and "${s}" has no Chinese characters`);
  }
  return { text: s, script, ...name };
}

/** One entry as a line of the format (for the library file). */
export function formatEntry(e: Pick<LexiconEntry, 'id' | 'names'>): string {
  const name = (n: LexiconName) => `${n.alias ? '~' : ''}${n.ambiguous ? '?' : ''}${n.region ? `${n.region}:` : ''}${n.text}`;
  return `${e.id}: ${e.names.map(name).join(', ')}`;
}

/** Whether a name can be written in the format (no commas, no line breaks, not empty). */
export function validName(text: string): boolean {
  return text.trim() !== '' && !/[,\r\n]/.test(text);
}

/**
 * The library's own lexicon entries (`LIBRARY/lexicon.txt`): what `engram lexicon add` and
 * `remove` change. The file is in the shipped format, so it can be edited by hand, kept in
 * version control or copied to another library; engram rewrites only the lines it changes
 * (comments and order are kept) and replaces the file atomically.
 *
 * An addition whose name or alias is already a name of an entry (shipped or the library's)
 * extends that entry: the library gets a line with the same id and the new names. Shipped
 * entries cannot be removed, only the names the library added to them.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hanPinyin, nameKey, parseHanName, parseRomanizedName } from '../text/romanize.js';
import { ENTITY_TYPES, formatEntry, parseLexicon, validName, type EntityType, type LexiconEntry, type LexiconName } from './format.js';
import { formKey } from './lexicon.js';
import { libraryLexiconPath, loadLexicon } from './load.js';
import { makeFolders } from '../folders.js';

export class LexiconEditError extends Error {}

export interface AddRequest {
  name: string;
  aliases?: string[];
  type?: EntityType;
  /** Extend or create this entry instead of finding one by name. */
  id?: string;
}

export interface EditResult {
  id: string;
  type: EntityType;
  /** Whether a new entry was created (else an existing one was extended or shrunk). */
  created: boolean;
  /** The names added or removed. */
  names: string[];
  /** Names that other entries also have (the query expands to both). */
  shared: { name: string; ids: string[] }[];
}

const HAN = /\p{Script=Han}/u;

export function addToLibrary(libraryDir: string, req: AddRequest): EditResult {
  const forms = [req.name, ...(req.aliases ?? [])].map((s) => s.trim());
  for (const f of forms) if (!validName(f)) throw new LexiconEditError(`"${f}" cannot be a name: names are non-empty and have no commas or line breaks`);
  if (req.type && !ENTITY_TYPES.includes(req.type)) throw new LexiconEditError(`unknown type "${req.type}": one of ${ENTITY_TYPES.join(', ')}`);
  if (req.id !== undefined && !/^[a-z0-9][a-z0-9.-]*$/.test(req.id)) throw new LexiconEditError(`"${req.id}" cannot be an id: lowercase letters, digits, - and .`);

  const lexicon = loadLexicon(libraryDir);
  let target: LexiconEntry | undefined;
  if (req.id !== undefined) {
    target = lexicon.get(req.id);
  } else {
    const matches = [...new Set(forms.flatMap((f) => lexicon.lookup(f)))];
    if (matches.length > 1) {
      throw new LexiconEditError(`"${forms.join('", "')}" names several entries (${matches.map((e) => e.id).join(', ')}): pass --id to say which to extend`);
    }
    target = matches[0];
  }
  if (target && req.type && req.type !== target.type) {
    throw new LexiconEditError(`entry "${target.id}" is a ${target.type}, not a ${req.type}`);
  }

  const have = new Set(target?.names.map((n) => formKey(n.text)) ?? []);
  const names: LexiconName[] = [];
  forms.forEach((text, i) => {
    const key = formKey(text);
    if (key === '' || have.has(key)) return;
    have.add(key);
    names.push({ text, script: HAN.test(text) ? 'han' : 'latin', ...(i > 0 ? { alias: true } : {}) });
  });
  const id = target?.id ?? req.id ?? uniqueId(slug(req.name), (x) => lexicon.get(x) !== undefined);
  const type = target?.type ?? req.type ?? guessType(forms);
  if (names.length) {
    const file = LibraryFile.read(libraryDir);
    const line = file.entry(id);
    file.put(id, type, [...(line?.names ?? []), ...names]);
    file.write();
  }
  const after = loadLexicon(libraryDir);
  const shared = names
    .map((n) => ({ name: n.text, ids: after.lookup(n.text).map((e) => e.id).filter((x) => x !== id) }))
    .filter((s) => s.ids.length > 0);
  return { id, type, created: !target, names: names.map((n) => n.text), shared };
}

export function removeFromLibrary(libraryDir: string, target: string, aliases: string[] = []): EditResult {
  const file = LibraryFile.read(libraryDir);
  const lexicon = loadLexicon(libraryDir);
  const byId = file.entry(target);
  const candidates = byId ? [byId] : lexicon.lookup(target).map((e) => file.entry(e.id)).filter((e): e is LexiconEntry => e !== undefined);
  if (candidates.length === 0) {
    const shipped = lexicon.get(target) ?? lexicon.lookup(target)[0];
    throw new LexiconEditError(
      shipped
        ? `"${target}" is a shipped entry (${shipped.id}): it cannot be removed, only names this library added to it`
        : `no entry of this library is named "${target}" (see engram lexicon list --mine)`,
    );
  }
  if (candidates.length > 1) throw new LexiconEditError(`"${target}" names several entries (${candidates.map((e) => e.id).join(', ')}): give the id`);
  const entry = candidates[0]!;
  let removed: string[];
  if (aliases.length === 0) {
    file.delete(entry.id);
    removed = entry.names.map((n) => n.text);
  } else {
    const drop = new Set(aliases.map(formKey));
    const keep = entry.names.filter((n) => !drop.has(formKey(n.text)));
    removed = entry.names.filter((n) => drop.has(formKey(n.text))).map((n) => n.text);
    if (removed.length === 0) throw new LexiconEditError(`entry "${entry.id}" has no name ${aliases.map((a) => `"${a}"`).join(' or ')} in this library`);
    if (keep.length) file.put(entry.id, entry.type, keep);
    else file.delete(entry.id);
  }
  file.write();
  return { id: entry.id, type: entry.type, created: false, names: removed, shared: [] };
}

/** A person when the name is Chinese and an alias spells it in Latin; else a concept. */
function guessType(forms: string[]): EntityType {
  const han = forms.map(parseHanName).find((n) => n !== undefined);
  if (!han) return 'concept';
  const key = nameKey(han);
  const spelled = forms.some((f) => !HAN.test(f) && parseRomanizedName(f.split(/[\s-]+/)).some((n) => nameKey(n) === key));
  return spelled ? 'person' : 'concept';
}

function slug(name: string): string {
  const latin = HAN.test(name) ? hanPinyin(name.replace(/[^\p{Script=Han}\p{L}\p{N}]+/gu, ' ')).join('-') : name;
  const s = latin.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return s || 'entry';
}

function uniqueId(base: string, taken: (id: string) => boolean): string {
  if (!taken(base)) return base;
  for (let i = 2; ; i++) if (!taken(`${base}-${i}`)) return `${base}-${i}`;
}

/** The library's lexicon file as lines, so edits keep comments and order. */
class LibraryFile {
  private constructor(
    private readonly path: string,
    private readonly lines: string[],
  ) {}

  static read(libraryDir: string): LibraryFile {
    const path = libraryLexiconPath(libraryDir);
    const text = existsSync(path) ? readFileSync(path, 'utf8') : '# This library\'s lexicon: engram lexicon add/remove edit it; the format is data/lexicon/README.md\'s.\n';
    parseLexicon(text, path, true); // refuse to edit a file that does not parse
    return new LibraryFile(path, text.replace(/\n$/, '').split(/\r?\n/));
  }

  private entries(): LexiconEntry[] {
    return parseLexicon(this.lines.join('\n'), this.path, true);
  }

  entry(id: string): LexiconEntry | undefined {
    return this.entries().find((e) => e.id === id);
  }

  put(id: string, type: EntityType, names: LexiconName[]): void {
    const line = formatEntry({ id, names });
    const at = this.entries().find((e) => e.id === id)?.origin.line;
    if (at !== undefined) this.lines[at - 1] = line;
    else if (this.lastSection() === type) this.lines.push(line);
    else this.lines.push(`[${type}]`, line);
  }

  /** The type of the file's last `[type]` section (where a new line lands), if any. */
  private lastSection(): string | undefined {
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const m = /^\s*\[(\w+)\]\s*$/.exec(this.lines[i]!);
      if (m) return m[1];
    }
    return undefined;
  }

  delete(id: string): void {
    const at = this.entries().find((e) => e.id === id)?.origin.line;
    if (at !== undefined) this.lines.splice(at - 1, 1);
  }

  write(): void {
    const text = this.lines.join('\n') + '\n';
    try {
      parseLexicon(text, this.path, true);
    } catch (e) {
      // The line at fault is the one being added: the file on disk is untouched.
      throw new Error(`not saved, ${this.path} is left as it was: ${(e as Error).message}`);
    }
    makeFolders(dirname(this.path));
    writeFileSync(`${this.path}.tmp`, text);
    renameSync(`${this.path}.tmp`, this.path);
  }
}

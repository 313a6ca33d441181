/**
 * The two notes apps the export writes for. Both get the same pages; they differ in where
 * pages live, how properties are written and how links look:
 * - Logseq: `pages/NAME.md` (a `/` in a name is written `___`), `key:: value` properties,
 *   an outline of `- ` blocks, `[label]([[Page]])` links; `alias::` makes other names of an
 *   entity resolve to its page.
 * - Obsidian: `Documents/NAME.md` and `Entities/NAME.md`, YAML front matter (`aliases:`),
 *   `[[Page|label]]` links; names avoid the characters Obsidian forbids in file names.
 */
export interface Dialect {
  name: 'logseq' | 'obsidian';
  /** Path of a page relative to the export folder. */
  file(page: string, kind: 'document' | 'entity'): string;
  /** A page name as the app can store it (Obsidian links are file names). */
  pageName(name: string): string;
  properties(props: [string, string | string[]][]): string;
  link(page: string, label?: string): string;
  /** One block at `depth` (0 = top); `text` is a single line. */
  block(text: string, depth: number): string;
  heading(text: string): string;
}

/**
 * A YAML value: plain where YAML reads it back as the same string, else double-quoted (a JSON
 * string is one). Not plain: a start YAML gives a meaning to (`- `, `?`, quotes, digits), a
 * `: ` or a final `:` (a key), and the words YAML reads as null or booleans.
 */
const yamlValue = (v: string) =>
  /^[\p{L}_][\p{L}\p{N}_\- .:/]*$/u.test(v) && !/:( |$)/.test(v) && !/^(?:null|true|false|yes|no|on|off|y|n)$/i.test(v) ? v : JSON.stringify(v);

export const logseqDialect: Dialect = {
  name: 'logseq',
  file(page) {
    // Logseq's triple-lowbar file names: '/' is '___'; characters file systems reject are %-encoded.
    return `pages/${page.replace(/\//g, '___').replace(/[<>:"\\|?*#%]/g, (c) => encodeURIComponent(c))}.md`;
  },
  // No leading dot: `.hidden.md` would be a hidden file, which Logseq (and engram's ingest) skip.
  pageName: (name) => name.replace(/[[\]]/g, '').replace(/\s+/g, ' ').trim().replace(/^\.+/, '').trim(),
  properties(props) {
    return props
      .filter(([, v]) => (Array.isArray(v) ? v.length > 0 : v !== ''))
      .map(([k, v]) => `${k}:: ${Array.isArray(v) ? v.join(', ') : v}`)
      .join('\n') + '\n\n';
  },
  link: (page, label) => (label === undefined || label === page ? `[[${page}]]` : `[${label.replace(/[[\]]/g, '')}]([[${page}]])`),
  block: (text, depth) => `${'\t'.repeat(depth)}- ${text}\n`,
  heading: (text) => `- ## ${text}\n`,
};

export const obsidianDialect: Dialect = {
  name: 'obsidian',
  file: (page, kind) => `${kind === 'document' ? 'Documents' : 'Entities'}/${page}.md`,
  pageName: (name) => name.replace(/[*"\\/<>:|?#^[\]]/g, ' ').replace(/\s+/g, ' ').trim().replace(/^\.+/, ''),
  properties(props) {
    const lines = props
      .filter(([, v]) => (Array.isArray(v) ? v.length > 0 : v !== ''))
      .map(([k, v]) => (Array.isArray(v) ? `${k}:\n${v.map((x) => `  - ${yamlValue(x)}`).join('\n')}` : `${k}: ${yamlValue(v)}`));
    return `---\n${lines.join('\n')}\n---\n\n`;
  },
  link: (page, label) => (label === undefined || label === page ? `[[${page}]]` : `[[${page}|${label.replace(/[[\]|]/g, '')}]]`),
  block: (text, depth) => `${'  '.repeat(depth)}- ${text}\n`,
  heading: (text) => `\n## ${text}\n\n`,
};

export function dialectByName(name: string): Dialect | undefined {
  return name === 'logseq' ? logseqDialect : name === 'obsidian' ? obsidianDialect : undefined;
}

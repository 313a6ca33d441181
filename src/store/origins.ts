/**
 * Origins: the files (and entries) a document's texts came from, as every reader shows them
 * (search results' `origins`, `show`, document pages, corrections' `origin`).
 *
 * An origin is the file's path relative to the folder it was ingested under, with `#N` for
 * the Nth entry of a multi-entry file. When two files of one document would show the same
 * origin (the same folder layout ingested from two places: `engram ingest ~/a ~/b`, a copied
 * folder), each of them is qualified by its folder: the folder's name (`b/summary/ID.md`),
 * or as many of its last path components as tell the folders apart (`x/notes/…`, `y/notes/…`),
 * or its whole path. The form depends only on which folders hold such files, never on the order
 * of ingests or rows, so it is the same in every reader and after every re-ingest; a document
 * whose origins are already distinct (a single folder) shows them exactly as before.
 */

/** What an origin is made of: the columns `ORIGIN_COLUMNS` selects (renditions `r` joined to files `f`). */
export interface OriginSource {
  /** files.id: the same file is one origin however many renditions it gives the document. */
  file: number;
  /** The folder the file was ingested under (absolute; '' for the reserved file of generated renditions). */
  root: string;
  relPath: string;
  entry: number | null;
}

/** Select list for `OriginSource` rows, from `renditions r JOIN files f ON f.id = r.file_id`. */
export const ORIGIN_COLUMNS = 'f.id AS file, f.root, f.rel_path AS relPath, r.entry';

/** The origin relative to the file's folder: `summary/ID.md`, `archive.md#3`. */
export function plainOrigin(o: OriginSource): string {
  return o.entry == null ? o.relPath : `${o.relPath}#${o.entry}`;
}

/**
 * The origins of one document's renditions, in the order given. `sources` must be all the
 * document's renditions (or all but its generated ones: they never take part), so that every
 * reader qualifies the same ones the same way.
 */
export function documentOrigins(sources: readonly OriginSource[]): string[] {
  const plain = sources.map(plainOrigin);
  // Distinct files by the origin they would show.
  const byOrigin = new Map<string, Map<number, OriginSource>>();
  sources.forEach((s, i) => {
    if (s.root === '') return; // generated renditions: the reserved file is engram's, not a folder's
    const key = plain[i]!;
    let files = byOrigin.get(key);
    if (!files) byOrigin.set(key, (files = new Map()));
    files.set(s.file, s);
  });
  const qualified = new Map<string, Map<number, string>>();
  for (const [origin, files] of byOrigin) if (files.size > 1) qualified.set(origin, qualify(origin, [...files.values()]));
  if (qualified.size === 0) return plain;
  return sources.map((s, i) => qualified.get(plain[i]!)?.get(s.file) ?? plain[i]!);
}

/**
 * Each file's origin under the shortest tail of its folder's path that tells all the folders
 * apart (the same length for all): the folder's name first; a folder with fewer components
 * than that is named by its whole path.
 */
function qualify(origin: string, files: OriginSource[]): Map<number, string> {
  const parts = files.map((f) => f.root.split(/[\\/]+/).filter((p) => p !== ''));
  const longest = Math.max(...parts.map((p) => p.length));
  for (let k = 1; k <= longest + 1; k++) {
    const labels = files.map((f, i) => (parts[i]!.length < k ? f.root : parts[i]!.slice(-k).join('/')));
    if (new Set(labels).size === labels.length) return new Map(files.map((f, i) => [f.file, joinLabel(labels[i]!, origin)]));
  }
  // Folders that cannot be told apart by path (one folder under two spellings): by file ID, still stable.
  return new Map(files.map((f) => [f.file, joinLabel(f.root, origin) + ` (file ${f.file})`]));
}

function joinLabel(label: string, origin: string): string {
  return /[\\/]$/.test(label) ? label + origin : `${label}/${origin}`;
}

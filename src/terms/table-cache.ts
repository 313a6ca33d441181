/**
 * Tables engram derives from the word lists it ships with (jieba's dictionary and
 * `data/words.txt` as a word table, SUBTLEX-US's ranks, the homophones), kept on disk between
 * runs. Every thread that checks a correction candidate needs them, and building them took
 * ~0.4 s of CPU a thread: twice in every ingest (the writer and its parse worker), and most of
 * the terms stage's cost in an `engram update` of a file or two. Read back, a table is one file
 * read and a few copies (~20 ms).
 *
 * A table is found by a key: its name, its format's version and what it was built from (the
 * lists' content or identity, from the caller), so a changed list or builder makes a new file
 * rather than reading a stale one. Anything wrong with a file (missing, cut short, from another
 * version, unreadable) only means the table is built again; a cache that cannot be written
 * (read-only home, full disk) only means it is built again next time. Files are written under
 * a temporary name and renamed, so two processes starting at once never read half a file.
 *
 * Where: `ENGRAM_CACHE_DIR`, else the platform's per-user cache folder (`~/.cache/engram`).
 * Deleting it is always safe.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { makeFolders } from '../folders.js';

/** What a table is kept as: one text, typed arrays over it, and a few numbers. */
export interface StoredTable {
  text: string;
  arrays: readonly (Int32Array | Uint8Array | Float64Array)[];
  numbers: readonly number[];
}

/** Bumped when the file layout changes. */
const FORMAT = 1;
const MAGIC = 'engram-table';
const KINDS = { Int32Array, Uint8Array, Float64Array } as const;
type Kind = keyof typeof KINDS;

/** The per-user folder for what engram can always rebuild. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ENGRAM_CACHE_DIR) return env.ENGRAM_CACHE_DIR;
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'engram', 'cache');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'engram');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'engram');
}

/**
 * The table `name` as kept on disk for `sources` (strings that change whenever what it is built
 * from changes), else built now and kept for next time.
 */
export function cachedTable<T>(
  name: string,
  sources: readonly string[],
  table: { build(): T; store(t: T): StoredTable; load(s: StoredTable): T },
): T {
  const key = createHash('sha256').update(JSON.stringify([FORMAT, name, sources])).digest('hex').slice(0, 24);
  const file = join(cacheDir(), `${name}-${key}.bin`);
  const stored = readTable(file, key);
  if (stored) {
    try {
      return table.load(stored);
    } catch {
      // A file this version cannot make sense of: built again below.
    }
  }
  const built = table.build();
  writeTable(file, key, table.store(built));
  return built;
}

/**
 * Layout: the header's length (4 bytes, then 4 unused), the header (JSON: magic, key, where
 * each part lies from the start of the data), then the data from the next multiple of 8: the
 * text as UTF-16, and the arrays, each at a multiple of 8.
 */
interface Header {
  magic: string;
  key: string;
  text: [offset: number, bytes: number];
  arrays: [kind: Kind, offset: number, length: number][];
  numbers: number[];
}

const pad8 = (n: number) => Math.ceil(n / 8) * 8;

function readTable(file: string, key: string): StoredTable | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    const headerBytes = buf.readUInt32LE(0);
    const header = JSON.parse(buf.toString('utf8', 8, 8 + headerBytes)) as Header;
    if (header.magic !== MAGIC || header.key !== key) return undefined;
    const data = pad8(8 + headerBytes);
    const [textAt, textBytes] = header.text;
    if (data + textAt + textBytes > buf.length) return undefined;
    const text = buf.toString('utf16le', data + textAt, data + textAt + textBytes);
    const arrays = header.arrays.map(([kind, offset, length]) => {
      const Type = KINDS[kind];
      if (!Type) throw new Error(`no such array: ${kind}`);
      const from = data + offset;
      const to = from + length * Type.BYTES_PER_ELEMENT;
      if (to > buf.length) throw new Error('cut short');
      // Copied out: a view would keep the whole file's buffer (the text's bytes too) alive.
      const array = new Type(length);
      new Uint8Array(array.buffer).set(buf.subarray(from, to));
      return array;
    });
    return { text, arrays, numbers: header.numbers };
  } catch {
    return undefined;
  }
}

function writeTable(file: string, key: string, table: StoredTable): void {
  const text = Buffer.from(table.text, 'utf16le');
  const parts = table.arrays.map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  let at = pad8(text.length);
  const header: Header = {
    magic: MAGIC,
    key,
    text: [0, text.length],
    arrays: table.arrays.map((a, i) => {
      const offset = at;
      at = pad8(at + parts[i]!.length);
      return [a.constructor.name as Kind, offset, a.length];
    }),
    numbers: [...table.numbers],
  };
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  const data = pad8(8 + head.length);
  const out = Buffer.alloc(data + at);
  out.writeUInt32LE(head.length, 0);
  head.copy(out, 8);
  text.copy(out, data);
  parts.forEach((p, i) => out.set(p, data + header.arrays[i]![1]));
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    makeFolders(dirname(file));
    writeFileSync(tmp, out);
    renameSync(tmp, file);
    // The table's files of other keys (older word lists or builders) are of no more use.
    const sameTable = new RegExp(`^${basename(file).replace(/-[0-9a-f]+\.bin$/, '')}-[0-9a-f]{24}\\.bin$`);
    for (const f of readdirSync(dirname(file))) if (sameTable.test(f) && f !== basename(file)) rmSync(join(dirname(file), f), { force: true });
  } catch {
    // Not kept (a read-only or full disk): built again next time.
    try {
      rmSync(tmp, { force: true });
    } catch {
      /* never made */
    }
  }
}

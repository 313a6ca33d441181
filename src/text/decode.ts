/**
 * Bytes from disk to text, or a clear refusal. Every file the pipeline reads goes through
 * here first, so it must be fast on big files (one native decode, byte loops only over typed
 * arrays, no per-character string building) and say plainly why a file is not text.
 */
import { isUtf8 } from 'node:buffer';

export type DecodeWarning = { line: number; message: string };

export type Decoded =
  | { ok: true; text: string; encoding: 'utf-8' | 'utf-16le' | 'utf-16be'; warnings: DecodeWarning[] }
  | { ok: false; reason: string };

/** How much of the file's head the binary sniffing looks at. */
const SNIFF_BYTES = 8192;
/** Share of control bytes in the head above which a file is taken for binary. */
const CONTROL_RATIO = 0.1;

/** Well-known binary signatures, so the refusal can name what the file is. */
const MAGIC: { name: string; bytes: number[] }[] = [
  { name: 'PDF', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { name: 'PNG image', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'JPEG image', bytes: [0xff, 0xd8, 0xff] },
  { name: 'GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { name: 'ZIP archive', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'gzip archive', bytes: [0x1f, 0x8b] },
  { name: 'SQLite database', bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66] },
  { name: 'ELF executable', bytes: [0x7f, 0x45, 0x4c, 0x46] },
];

export function decodeBytes(bytes: Uint8Array): Decoded {
  if (bytes.length === 0) return { ok: false, reason: 'empty file' };

  // A byte-order mark settles the encoding before any sniffing.
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return decodeUtf8(bytes.subarray(3));
  if (startsWith(bytes, [0xff, 0xfe]) && !startsWith(bytes, [0xff, 0xfe, 0x00, 0x00])) {
    return decodeUtf16(bytes.subarray(2), 'utf-16le');
  }
  if (startsWith(bytes, [0xfe, 0xff])) return decodeUtf16(bytes.subarray(2), 'utf-16be');

  for (const m of MAGIC) {
    if (startsWith(bytes, m.bytes)) return { ok: false, reason: `binary file (${m.name})` };
  }

  const head = bytes.subarray(0, SNIFF_BYTES);
  const sniff = sniffControls(head);
  if (sniff.nul > 0) {
    // Without a BOM, NULs only belong in text as the zero half of UTF-16 ASCII characters.
    const utf16 = guessBomlessUtf16(head);
    if (utf16) return decodeUtf16(bytes, utf16);
    return { ok: false, reason: `binary file (NUL bytes in the first ${kb(head.length)})` };
  }
  if (sniff.control / head.length > CONTROL_RATIO) {
    const pct = Math.round((100 * sniff.control) / head.length);
    return { ok: false, reason: `binary file (${pct}% control bytes in the first ${kb(head.length)})` };
  }
  return decodeUtf8(bytes);
}

function decodeUtf8(bytes: Uint8Array): Decoded {
  const warnings: DecodeWarning[] = [];
  // Fast path: a native validity check, then a native decode. The slow path (a byte loop that
  // finds the first bad sequence) only runs for files that are actually broken.
  if (!isUtf8(bytes)) {
    const bad = scanInvalidUtf8(bytes);
    warnings.push({
      line: bad.firstLine,
      message:
        `invalid UTF-8: ${bad.count} bad byte sequence${bad.count === 1 ? '' : 's'} replaced with U+FFFD ` +
        `(first on line ${bad.firstLine}, byte offset ${bad.firstOffset})`,
    });
  }
  const text = nulsToSpaces(new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes), warnings);
  if (!/\S/.test(text)) return { ok: false, reason: 'empty file' };
  return { ok: true, text, encoding: 'utf-8', warnings };
}

function decodeUtf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): Decoded {
  // Said once in the report, so nobody wonders why a file's bytes differ from what is shown.
  const warnings: DecodeWarning[] = [{ line: 1, message: `decoded as ${encoding.toUpperCase()} (the library stores UTF-8)` }];
  let body = bytes;
  if (body.length % 2 === 1) {
    body = body.subarray(0, body.length - 1);
    warnings.push({ line: 0, message: `${encoding}: odd byte count, the last (incomplete) byte was dropped` });
  }
  // ignoreBOM: the BOM was already stripped by the caller; a second one is content.
  const text = nulsToSpaces(new TextDecoder(encoding, { fatal: false, ignoreBOM: true }).decode(body), warnings);
  if (!/\S/.test(text)) return { ok: false, reason: 'empty file' };
  return { ok: true, text, encoding, warnings };
}

/**
 * NUL characters past the sniffed head (a text file with a stray NUL is still text) become
 * spaces, said once: dropped, they would glue the words on either side together.
 */
function nulsToSpaces(text: string, warnings: DecodeWarning[]): string {
  const first = text.indexOf('\u0000');
  if (first < 0) return text;
  let count = 0;
  const spaced = text.replace(/\u0000/g, () => (count++, ' '));
  const line = lineAt(text, first);
  warnings.push({ line, message: `${count} NUL character${count === 1 ? '' : 's'} replaced with spaces (first on line ${line})` });
  return spaced;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** NUL and other C0 control bytes (tab, LF, VT, FF, CR and ESC are normal in text). */
function sniffControls(head: Uint8Array): { nul: number; control: number } {
  let nul = 0;
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    if (b >= 0x20 && b !== 0x7f) continue;
    if (b === 0) nul++;
    if (b === 0x09 || b === 0x0a || b === 0x0b || b === 0x0c || b === 0x0d || b === 0x1b) continue;
    control++;
  }
  return { nul, control };
}

/**
 * UTF-16 without a BOM: mostly-ASCII text has a NUL in every other byte. Only that clear
 * pattern is accepted; anything else with NULs is binary.
 */
function guessBomlessUtf16(head: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = head.length >> 1;
  if (pairs < 2) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    if (head[i] === 0) evenNul++;
    if (head[i + 1] === 0) oddNul++;
  }
  if (oddNul > pairs * 0.4 && evenNul === 0) return 'utf-16le';
  if (evenNul > pairs * 0.4 && oddNul === 0) return 'utf-16be';
  return undefined;
}

/**
 * Counts invalid UTF-8 sequences the way the WHATWG decoder replaces them (each maximal bad
 * subpart is one U+FFFD), and where the first one is (1-based line, byte offset).
 */
function scanInvalidUtf8(b: Uint8Array): { count: number; firstOffset: number; firstLine: number } {
  let count = 0;
  let firstOffset = -1;
  let firstLine = 1;
  let lines = 1;
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      if (c === 0x0a) lines++;
      i++;
      continue;
    }
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f; // no UTF-16 surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    }
    let j = i + 1;
    let ok = need > 0;
    for (let k = 0; ok && k < need; k++, j++) {
      const t = j < n ? b[j] : -1;
      const min = k === 0 ? lo : 0x80;
      const max = k === 0 ? hi : 0xbf;
      if (t < min || t > max) ok = false;
    }
    if (ok) {
      i = j;
      continue;
    }
    // Bad sequence: the lead byte plus any continuation bytes that were valid so far.
    if (firstOffset < 0) {
      firstOffset = i;
      firstLine = lines;
    }
    count++;
    i = Math.max(i + 1, j - 1);
  }
  return { count, firstOffset, firstLine };
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function kb(n: number): string {
  return n >= 1024 ? `${Math.round(n / 1024)} KB` : `${n} bytes`;
}

/**
 * A rendition's passage scans (scan.ts) packed: the names found as one Int32Array and one
 * string, instead of an object per name. Scans cross from the parse workers to the writer's
 * thread and are kept there until the terms stage runs; as objects, a corpus's scans cost
 * ~600 bytes a passage to copy between threads and to keep (~64 MB for 100,000 passages),
 * packed about a fifth. Sound-alike spans are rare and stay objects.
 */
import type { PassageScan, ScannedName } from './scan.js';

export interface PackedScans {
  /** Passages scanned, in order (a scan per passage). */
  readonly count: number;
  /** `FIELDS` ints per name, in passage order: passage position, entry, start, end, everyday (0/1). */
  readonly names: Int32Array;
  /** The names' surfaces (the words as written), run together: each is `end − start` long. */
  readonly surfaces: string;
  /** 1 for passages scanned for sound-alike spans too. */
  readonly alikeScanned: Uint8Array;
  /** 1 for boilerplate passages (the stage reads no passage row where it has the scans). */
  readonly boilerplate: Uint8Array;
  /** Passages with sound-alike spans: position and spans. */
  readonly alikes: readonly (readonly [number, NonNullable<PassageScan['alikes']>])[];
  /** Index terms of passages a correction may re-index (set where the scans are kept). */
  terms?: readonly (readonly [number, string])[];
}

const FIELDS = 5;

/** `boilerplate`: whether each passage is boilerplate (required: the stage takes it from here, not from the passage rows). */
export function packScans(list: readonly PassageScan[], boilerplate: readonly boolean[]): PackedScans {
  if (boilerplate.length !== list.length) throw new Error(`packScans: ${list.length} scans but ${boilerplate.length} boilerplate flags`);
  const total = list.reduce((n, s) => n + s.names.length, 0);
  const names = new Int32Array(total * FIELDS);
  const alikeScanned = new Uint8Array(list.length);
  const flags = Uint8Array.from(list, (_, seq) => (boilerplate[seq] ? 1 : 0));
  const alikes: [number, NonNullable<PassageScan['alikes']>][] = [];
  let surfaces = '';
  let k = 0;
  list.forEach((s, seq) => {
    for (const n of s.names) {
      names[k++] = seq;
      names[k++] = n.entry;
      names[k++] = n.start;
      names[k++] = n.end;
      names[k++] = n.everyday ? 1 : 0;
      surfaces += n.surface;
    }
    if (s.alikes) {
      alikeScanned[seq] = 1;
      if (s.alikes.single.length || s.alikes.ambiguous.length) alikes.push([seq, s.alikes]);
    }
  });
  return { count: list.length, names, surfaces, alikeScanned, boilerplate: flags, alikes };
}

export function unpackScans(packed: PackedScans): PassageScan[] {
  const out: PassageScan[] = Array.from({ length: packed.count }, (_, seq) =>
    packed.alikeScanned[seq] ? { names: [], alikes: { ambiguous: [], single: [] } } : { names: [] });
  const n = packed.names;
  let at = 0;
  for (let k = 0; k < n.length; k += FIELDS) {
    const start = n[k + 2]!;
    const end = n[k + 3]!;
    const name: ScannedName = { entry: n[k + 1]!, start, end, surface: packed.surfaces.slice(at, at + end - start), everyday: n[k + 4] === 1 };
    at += end - start;
    out[n[k]!]!.names.push(name);
  }
  for (const [seq, alikes] of packed.alikes) out[seq]!.alikes = alikes;
  for (const [seq, terms] of packed.terms ?? []) out[seq]!.terms = terms;
  return out;
}

/** Whether any passage was scanned for sound-alike spans. */
export const scannedForAlikes = (packed: PackedScans): boolean => packed.alikeScanned.includes(1);

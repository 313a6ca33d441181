/**
 * A set of pairs of code units (two adjacent characters as one number) that may give a false
 * yes but never a false no: one bit per hashed pair, 2^20 bits (128 KB), few enough to stay in
 * the CPU's cache and many enough that a stray hit is rare for a few tens of thousands of
 * pairs. The hot loops that look for phrases or names at every character (OpenCC's phrases in
 * fold.ts, the lexicon's Han names in terms/term-index.ts) ask it before a table lookup.
 */
const BITS = 1 << 20;

export class PairFilter {
  private readonly bits = new Int32Array(BITS / 32);

  /** The pair's bit: the high 20 bits of a multiplicative hash of its 32 bits. */
  private static bit(pair: number): number {
    return Math.imul(pair, 0x9e3779b1) >>> 12;
  }

  add(pair: number): void {
    const bit = PairFilter.bit(pair);
    this.bits[bit >>> 5]! |= 1 << (bit & 31);
  }

  mayHave(pair: number): boolean {
    const bit = PairFilter.bit(pair);
    return (this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }
}

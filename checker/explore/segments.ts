// A growable array of unsigned 32-bit numbers that is never copied: its first 2^8 entries
// in one segment, then each segment as long as all those before it. Appending allocates a
// segment now and then and copies nothing, so growing leaves no old copy behind for the
// garbage collector (a doubled copy's old half stays resident until a full collection).
// Entry i is in segment floor(log2(i + 2^8)) - 8.

const BITS = 8;
const FIRST = 1 << BITS;

export class Segments {
  private readonly segs: Uint32Array[] = [new Uint32Array(FIRST)];
  private capacity = FIRST;
  length = 0;

  push(x: number): void {
    if (this.length === this.capacity) {
      this.segs.push(new Uint32Array(this.capacity + FIRST));
      this.capacity = this.capacity * 2 + FIRST;
    }
    this.set(this.length++, x);
  }

  at(i: number): number {
    const j = i + FIRST;
    const s = 31 - Math.clz32(j) - BITS;
    return this.segs[s]?.[j - (FIRST << s)] ?? 0;
  }

  private set(i: number, x: number): void {
    const j = i + FIRST;
    const s = 31 - Math.clz32(j) - BITS;
    const seg = this.segs[s];
    if (seg !== undefined) seg[j - (FIRST << s)] = x;
  }

  /** Bytes allocated. */
  get bytes(): number {
    return this.capacity * 4;
  }
}

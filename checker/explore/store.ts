// The visited set: every distinct state as its packed bytes, appended in discovery order to
// large byte arenas, found again through an open-addressing hash table of state numbers.
// A hash match is confirmed by comparing the bytes in full, so the store is exact: two
// different states are never taken for one. State numbers are dense (0, 1, 2, ...) and, as
// breadth-first search appends states level by level, a frontier is a range of them.

import { Segments } from "./segments";

// Every table starts small (the default matrix runs 1,190 cells of a few hundred states,
// each with a store per kind of component) and grows: the hash table doubles (rebuilt from
// the states' bytes, as no hash is kept per state), the states' places are a segmented
// array (segments.ts: never copied). Arena chunks double up to 1 MiB; a state's place is
// its chunk's number times 2^20 plus its offset (a 32-bit number: up to 4 GiB of keys), and
// never spans chunks; the last chunk wastes at most 1 MiB. A state's bytes end where the
// next state's begin (or where its chunk's bytes end): no length is stored.
const FIRST_CHUNK = 1 << 10;
const FIRST_SLOTS = 1 << 9;
const CHUNK = 1 << 20;

export function hashBytes(b: Uint8Array, from: number, to: number): number {
  // Four bytes a round (murmur3's mixing), then a final avalanche so that the low bits (the
  // table index) mix. Keys are short: a byte at a time cost a multiply per byte.
  let h = 0x811c9dc5 ^ (to - from);
  let i = from;
  for (; i + 4 <= to; i += 4) {
    let k =
      (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8) | ((b[i + 2] ?? 0) << 16) | ((b[i + 3] ?? 0) << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let sh = 0; i < to; i++, sh += 8) k |= (b[i] ?? 0) << sh;
  h ^= Math.imul(k, 0xcc9e2d51);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  // Signed: a 32-bit integer V8 keeps unboxed (an unsigned one above 2^31 is a heap number).
  return h | 0;
}

export class StateStore {
  private readonly chunks: Uint8Array[] = [new Uint8Array(FIRST_CHUNK)];
  private allocated = FIRST_CHUNK;
  private used = 0; // bytes used in the last chunk
  /** Bytes used in each chunk but the last (whose figure is `used`). */
  private readonly filled: number[] = [];
  /** Per state: chunk index * CHUNK + offset of its first byte. */
  private readonly starts = new Segments();
  private count = 0;
  /**
   * Open addressing, 0 for an empty slot. An occupied slot holds its state's number + 1 in
   * the bits the mask keeps (the table always has more slots than states) and, above them,
   * its state's hash: the bits that did not pick the slot. A probe compares a state's bytes
   * only when those match, and reads nothing else for the slots it passes.
   */
  private table = new Int32Array(FIRST_SLOTS);
  private mask = FIRST_SLOTS - 1;

  get size(): number {
    return this.count;
  }

  /** Bytes the store holds (arenas, index and table), for the bytes-per-state figure. */
  get bytes(): number {
    return this.allocated + this.starts.bytes + this.table.byteLength;
  }

  /** The number of the state with these bytes, or -1. */
  find(key: Uint8Array): number {
    const h = hashBytes(key, 0, key.length);
    const mask = this.mask;
    const high = h & ~mask;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const e = this.table[slot] ?? 0;
      if (e === 0) return -1;
      if ((e & ~mask) === high && this.equals((e & mask) - 1, key, 0, key.length))
        return (e & mask) - 1;
    }
  }

  /** Whether the last `add` added its state (rather than finding it). */
  added = false;

  /** Adds the state if it is new: returns its number (`added` says whether it was new). */
  add(key: Uint8Array): number {
    return this.addHashed(key, 0, key.length, hashBytes(key, 0, key.length));
  }

  /** `add` of the key `bytes[from .. to)` whose `hashBytes` is `h`. */
  addHashed(bytes: Uint8Array, from: number, to: number, h: number): number {
    const mask = this.mask;
    const high = h & ~mask;
    let slot = h & mask;
    for (; ; slot = (slot + 1) & mask) {
      const e = this.table[slot] ?? 0;
      if (e === 0) break;
      if ((e & ~mask) === high && this.equals((e & mask) - 1, bytes, from, to)) {
        this.added = false;
        return (e & mask) - 1;
      }
    }
    const index = this.append(bytes, from, to);
    this.table[slot] = high | (index + 1);
    if (this.count * 4 > this.table.length * 3) this.grow();
    this.added = true;
    return index;
  }

  /** Whether adding a state would be new, without adding it. */
  has(key: Uint8Array): boolean {
    return this.find(key) >= 0;
  }

  /** The bytes of state `i` (a view into the arena: copy it to keep it past the next add). */
  get(i: number): Uint8Array {
    const chunk = this.locate(i);
    return chunk.subarray(this.at, this.end);
  }

  /** Where `locate` found its state's bytes: `chunk[at .. end)`. */
  at = 0;
  end = 0;

  /**
   * The arena chunk holding state `i`'s bytes, which run from `at` to `end` (`get` without
   * the view: nothing allocated; valid until the next add).
   */
  locate(i: number): Uint8Array {
    if (i < 0 || i >= this.count) throw new Error(`checker error: no state ${i}`);
    const chunk = this.place(i);
    if (!chunk) throw new Error(`checker error: no arena for state ${i}`);
    return chunk;
  }

  /** The chunk of state `i` (< count), its bytes from `at` to `end`. */
  private place(i: number): Uint8Array | undefined {
    const start = this.starts.at(i);
    const c = Math.floor(start / CHUNK);
    const next = i + 1 < this.count ? this.starts.at(i + 1) : -1;
    this.at = start % CHUNK;
    this.end =
      next >= 0 && Math.floor(next / CHUNK) === c
        ? next % CHUNK
        : c === this.chunks.length - 1
          ? this.used
          : (this.filled[c] ?? 0);
    return this.chunks[c];
  }

  private equals(i: number, key: Uint8Array, from: number, to: number): boolean {
    const chunk = this.place(i);
    if (!chunk) return false;
    const at = this.at - from;
    if (this.end - this.at !== to - from) return false;
    for (let j = from; j < to; j++) if (chunk[at + j] !== key[j]) return false;
    return true;
  }

  private append(key: Uint8Array, from: number, to: number): number {
    const need = to - from;
    const last = this.chunks[this.chunks.length - 1];
    if (need > CHUNK) throw new Error(`checker error: a state of ${need} bytes`);
    if (last && this.used + need > last.length) {
      const size = Math.max(need, Math.min(CHUNK, last.length * 2));
      this.filled.push(this.used);
      this.chunks.push(new Uint8Array(size));
      this.allocated += size;
      this.used = 0;
    }
    const chunkIndex = this.chunks.length - 1;
    const chunk = this.chunks[chunkIndex];
    if (!chunk) throw new Error("checker error: no arena chunk");
    // Keys are short: a loop copies them without the view and call `set` would take.
    if (need <= 64)
      for (let j = 0, at = this.used; j < need; j++) chunk[at + j] = key[from + j] ?? 0;
    else chunk.set(key.subarray(from, to), this.used);
    this.starts.push(chunkIndex * CHUNK + this.used);
    this.used += need;
    return this.count++;
  }

  private grow(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    const mask = this.mask;
    // Each state's hash again, from its bytes (cheaper than keeping 4 bytes a state for it).
    for (let i = 0; i < this.count; i++) {
      const chunk = this.place(i);
      const h = chunk === undefined ? 0 : hashBytes(chunk, this.at, this.end);
      let slot = h & mask;
      while ((this.table[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
      this.table[slot] = (h & ~mask) | (i + 1);
    }
  }
}

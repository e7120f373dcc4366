// A component store that several threads share (offload.ts): the same exact store as
// store.ts, in growable SharedArrayBuffers, so that a component has one number in every
// thread and a key means the same state to all of them. Components are stored rarely (a
// unit's run makes them, on a memo miss) and read by number once per thread (the decoded
// ones are kept), so every add takes one lock; reading a stored component's bytes takes
// none, as bytes once written never change and growing a buffer keeps them in place.

import { Interner } from "./codec";
import { hashBytes } from "./store";

/** The buffers of a shared store: sent to a thread, they make the same store there. */
export interface SharedStoreData {
  readonly header: SharedArrayBuffer;
  readonly bytes: SharedArrayBuffer;
  readonly ends: SharedArrayBuffer;
  readonly table: SharedArrayBuffer;
}

const LOCK = 0;
const COUNT = 1;
const USED = 2;
const SLOTS = 3;

const grown = (max: number) => (n: number) => new SharedArrayBuffer(n, { maxByteLength: max });

export class SharedStore {
  private readonly h: Int32Array;
  private readonly b: Uint8Array;
  private readonly ends: Uint32Array;
  private readonly table: Int32Array;
  /** Whether the last `add` added its component. */
  added = false;

  static create(): SharedStore {
    const header = new SharedArrayBuffer(16);
    const slots = 512;
    new Int32Array(header)[SLOTS] = slots;
    return new SharedStore({
      header,
      // Address space reserved, not memory: a kind of component may take 64 MiB of bytes
      // and 4M components (a run's largest kind takes well under 1% of that).
      bytes: grown(1 << 26)(4096),
      ends: grown(1 << 24)(1024),
      table: grown(1 << 25)(slots * 4),
    });
  }

  constructor(readonly data: SharedStoreData) {
    this.h = new Int32Array(data.header);
    // Length-tracking views: they see a buffer grown by any thread.
    this.b = new Uint8Array(data.bytes);
    this.ends = new Uint32Array(data.ends);
    this.table = new Int32Array(data.table);
  }

  get size(): number {
    return Atomics.load(this.h, COUNT);
  }

  get bytes(): number {
    return this.data.bytes.byteLength + this.data.ends.byteLength + this.data.table.byteLength;
  }

  /** The bytes of component `i` (a view: they never change). */
  get(i: number): Uint8Array {
    const from = i === 0 ? 0 : (this.ends[i - 1] ?? 0);
    return this.b.subarray(from, this.ends[i] ?? 0);
  }

  /** The number of the component with these bytes, stored now if it is new. */
  add(key: Uint8Array): number {
    const h = this.h;
    while (Atomics.compareExchange(h, LOCK, 0, 1) !== 0) Atomics.wait(h, LOCK, 1, 1);
    try {
      return this.addLocked(key);
    } finally {
      Atomics.store(h, LOCK, 0);
      Atomics.notify(h, LOCK, 1);
    }
  }

  private addLocked(key: Uint8Array): number {
    const hash = hashBytes(key, 0, key.length);
    const mask = (this.h[SLOTS] ?? 0) - 1;
    let slot = hash & mask;
    for (; ; slot = (slot + 1) & mask) {
      const e = this.table[slot] ?? 0;
      if (e === 0) break;
      if (this.equals(e - 1, key)) {
        this.added = false;
        return e - 1;
      }
    }
    const count = this.h[COUNT] ?? 0;
    const used = this.h[USED] ?? 0;
    const end = used + key.length;
    const { bytes, ends } = this.data;
    if (end > bytes.maxByteLength || (count + 1) * 4 > ends.maxByteLength)
      throw new Error(`checker error: a shared component store is full (${count} components)`);
    if (end > this.b.length)
      bytes.grow(Math.min(bytes.maxByteLength, Math.max(end, this.b.length * 2)));
    if (count + 1 > this.ends.length) ends.grow(Math.min(ends.maxByteLength, ends.byteLength * 2));
    this.b.set(key, used);
    this.ends[count] = end;
    this.h[USED] = end;
    this.table[slot] = count + 1;
    Atomics.store(this.h, COUNT, count + 1);
    if ((count + 1) * 4 > (mask + 1) * 3) this.rehash((mask + 1) * 2);
    this.added = true;
    return count;
  }

  private equals(i: number, key: Uint8Array): boolean {
    const from = i === 0 ? 0 : (this.ends[i - 1] ?? 0);
    if ((this.ends[i] ?? 0) - from !== key.length) return false;
    for (let j = 0; j < key.length; j++) if (this.b[from + j] !== key[j]) return false;
    return true;
  }

  private rehash(slots: number): void {
    this.data.table.grow(slots * 4);
    this.table.fill(0);
    this.h[SLOTS] = slots;
    const mask = slots - 1;
    const count = this.h[COUNT] ?? 0;
    for (let i = 0; i < count; i++) {
      const from = i === 0 ? 0 : (this.ends[i - 1] ?? 0);
      let slot = hashBytes(this.b, from, this.ends[i] ?? 0) & mask;
      while ((this.table[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
      this.table[slot] = i + 1;
    }
  }
}

/** The buffers of a shared interner (its strings and its other numbers). */
export interface SharedInternerData {
  readonly strings: SharedStoreData;
  readonly numbers: SharedStoreData;
}

/**
 * An interner that several threads share: a string's number is its number in a shared
 * store of the strings' UTF-8 bytes, and a number's the same of its 8 bytes; each thread
 * keeps those it met in the interner's own tables (which the codec reads directly).
 */
export class SharedInterner extends Interner {
  private readonly strs: SharedStore;
  private readonly nums: SharedStore;
  private readonly byString = new Map<string, number>();
  private readonly byNumber = new Map<number, number>();
  private readonly utf8 = new TextEncoder();
  private readonly text = new TextDecoder();
  private readonly eight = new Float64Array(1);

  constructor(readonly data: SharedInternerData) {
    super();
    this.strs = new SharedStore(data.strings);
    this.nums = new SharedStore(data.numbers);
  }

  static create(): SharedInterner {
    return new SharedInterner({
      strings: SharedStore.create().data,
      numbers: SharedStore.create().data,
    });
  }

  override id(s: string): number {
    let i = this.byString.get(s);
    if (i === undefined) {
      i = this.strs.add(this.utf8.encode(s));
      this.byString.set(s, i);
      this.strings[i] = s;
    }
    return i;
  }

  override numberId(n: number): number {
    let i = this.byNumber.get(n);
    if (i === undefined) {
      this.eight[0] = n;
      i = this.nums.add(new Uint8Array(this.eight.buffer).slice());
      this.byNumber.set(n, i);
      this.numbers[i] = n;
    }
    return i;
  }

  override string(id: number): string | undefined {
    let s = this.strings[id];
    if (s === undefined && id < this.strs.size) {
      // Copied out of the shared buffer: TextDecoder reads no SharedArrayBuffer view.
      s = this.text.decode(this.strs.get(id).slice());
      this.strings[id] = s;
      this.byString.set(s, id);
    }
    return s;
  }

  override number(id: number): number | undefined {
    let n = this.numbers[id];
    if (n === undefined && id < this.nums.size) {
      n = new Float64Array(this.nums.get(id).slice().buffer)[0];
      if (n !== undefined) {
        this.numbers[id] = n;
        this.byNumber.set(n, id);
      }
    }
    return n;
  }
}

/** What the threads of one run share: the interner and a store per component kind. */
export interface SharedComponentsData {
  readonly interner: SharedInternerData;
  readonly stores: Record<string, SharedStoreData>;
}

export class SharedComponents {
  readonly interner: SharedInterner;
  private readonly stores = new Map<string, SharedStore>();

  /** New ones: the stores are made as a codec asks for them, before any thread attaches. */
  static create(): SharedComponents {
    return new SharedComponents({ interner: SharedInterner.create().data, stores: {} }, true);
  }

  /** The components another thread made (`data`), or new ones (`create`). */
  constructor(
    readonly data: SharedComponentsData,
    private readonly owner = false,
  ) {
    this.interner = new SharedInterner(data.interner);
  }

  /** The store of component kind `name`. */
  store(name: string): SharedStore {
    let s = this.stores.get(name);
    if (s === undefined) {
      let d = this.data.stores[name];
      if (d === undefined) {
        if (!this.owner) throw new Error(`checker error: no shared store ${name}`);
        d = SharedStore.create().data;
        this.data.stores[name] = d;
      }
      s = new SharedStore(d);
      this.stores.set(name, s);
    }
    return s;
  }
}

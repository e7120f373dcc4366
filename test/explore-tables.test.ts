// The explorer's packed tables through their growth: the state store (its table rebuilt
// from the states' bytes as it grows), the segmented arrays that grow without a copy, the
// read trees' interleaved branch table, and the component keys read back into numbers
// without decoding the state.

import { describe, expect, it } from "vitest";
import { CollapsedKernelCodec } from "../checker/explore/kernel-codec";
import { ReadTrees } from "../checker/explore/read-tree";
import { Segments } from "../checker/explore/segments";
import { StateStore } from "../checker/explore/store";
import { machine, reachable } from "./explore-helpers";

/** A key of 1 to 9 bytes that only `i` makes. */
function keyOf(i: number): Uint8Array {
  const out: number[] = [];
  let n = i;
  do {
    out.push(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  for (let k = 0; k < i % 5; k++) out.push(k);
  return Uint8Array.from(out);
}

describe("the explorer's tables", () => {
  it("the state store finds every state after growing many times, and only those", () => {
    const store = new StateStore();
    const n = 100_000; // the table starts at 512 slots: eight doublings
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) if (store.add(keyOf(i)) !== i || !store.added) wrong.push(i);
    for (let i = 0; i < n; i += 7) {
      if (store.add(keyOf(i)) !== i || store.added) wrong.push(i);
      if (Buffer.compare(store.get(i), keyOf(i)) !== 0) wrong.push(i);
    }
    expect(wrong).toEqual([]);
    expect(store.find(keyOf(n))).toBe(-1);
    expect(store.size).toBe(n);
  });

  it("a segmented array gives back every number pushed, across its segments' bounds", () => {
    const a = new Segments();
    const n = 300_000; // segments of 256, 512, ... 256 Ki entries: eleven
    const value = (i: number) => (i === n - 1 ? 0xffffffff : Math.imul(i, 2654435761) >>> 0);
    for (let i = 0; i < n; i++) a.push(value(i));
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) if (a.at(i) !== value(i)) wrong.push(i);
    expect(wrong).toEqual([]);
    expect(a.length).toBe(n);
    expect(a.bytes).toBe(4 * 256 * (2 ** 11 - 1));
  });

  it("the state store gives back each state's exact bytes across arena chunks", () => {
    // Keys of 0 to 3,000 bytes (no length is stored: a state ends where the next begins, or
    // where its chunk's bytes end), over the first chunks' doublings and past a 1 MiB one;
    // and, in a store of its own, a first key longer than the chunk the first would double
    // to (that chunk is made as long as the key).
    const store = new StateStore();
    const bytesOf = (i: number) => {
      const len = i === 0 ? 0 : (i * 7919) % 3001;
      const b = new Uint8Array(len + 4);
      new DataView(b.buffer).setUint32(0, i);
      for (let k = 4; k < b.length; k++) b[k] = (i + k) & 0xff;
      return i === 0 ? new Uint8Array(0) : b;
    };
    const big = new Uint8Array(20_000).fill(7); // above the first chunks' 1 and 2 KiB
    const n = 1_500;
    const wrong: number[] = [];
    for (let i = 0; i < n; i++) if (store.add(bytesOf(i)) !== i) wrong.push(i);
    expect(store.add(big)).toBe(n);
    expect(store.add(Uint8Array.of(1))).toBe(n + 1);
    for (let i = 0; i < n; i++) {
      if (Buffer.compare(store.get(i), bytesOf(i)) !== 0) wrong.push(i);
      if (store.add(bytesOf(i)) !== i || store.added) wrong.push(i);
    }
    expect(wrong).toEqual([]);
    expect(Buffer.compare(store.get(n), big)).toBe(0);
    expect(Array.from(store.get(n + 1))).toEqual([1]);
    expect(store.find(big.subarray(1))).toBe(-1);
    expect(store.bytes).toBeGreaterThan(2 ** 20); // it went past one 1 MiB chunk
    const fresh = new StateStore();
    expect(fresh.add(Uint8Array.of(9))).toBe(0);
    expect(fresh.add(big)).toBe(1);
    expect(fresh.add(Uint8Array.of(8))).toBe(2);
    expect(Array.from(fresh.get(0))).toEqual([9]);
    expect(Buffer.compare(fresh.get(1), big)).toBe(0);
    expect(Array.from(fresh.get(2))).toEqual([8]);
  });

  it("a read tree keeps what each combination of components gave through its growth", () => {
    const trees = new ReadTrees<number>();
    const a = trees.tree();
    const b = trees.tree();
    // Tree a reads position 0, then position 1 when position 0 is even: 5,000 leaves.
    for (let x = 0; x < 100; x++) {
      const order = x % 2 === 0 ? [0, 1] : [0];
      for (let y = 0; y < (x % 2 === 0 ? 100 : 1); y++)
        trees.add(a, order, [x, y], x * 1000 + y, "a");
    }
    trees.add(b, [], [], -1, "b");
    for (let x = 0; x < 100; x++) {
      expect(trees.find(a, [x, 7])).toBe(x % 2 === 0 ? x * 1000 + 7 : x * 1000);
    }
    expect(trees.find(a, [100, 0])).toBeUndefined();
    expect(trees.find(b, [3, 4])).toBe(-1);
    expect(() => trees.add(a, [1], [0, 0], 0, "a")).toThrow(/another order/);
  });

  it("a collapsed key reads back into its component numbers, and halted from them", () => {
    const codec = new CollapsedKernelCodec();
    const states = reachable(machine("sparc64@v6.15", "bench-reference", "full"), 300);
    for (const { state } of states) {
      const ids = [...codec.idsOf(state)];
      const back: number[] = [];
      codec.readIds(codec.key(state).slice(), back);
      expect(back).toEqual(ids);
      expect(codec.halted(back)).toBe(state.halted !== null);
      expect(codec.rebase(back)).toEqual(state);
      expect(codec.idsOf(codec.rebase(back))).toBe(back);
    }
    const first = states[0]?.state;
    if (first === undefined) throw new Error("no state");
    const stopped = { ...first, halted: "BUG_ON" };
    const ids: number[] = [];
    codec.readIds(codec.key(stopped).slice(), ids);
    expect(codec.halted(ids)).toBe(true);
  });
});

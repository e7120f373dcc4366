// What a unit of the transition relation read of its state, at the grain of the collapsed
// key's components (collapse.ts): each CPU, each task, each other top-level field.
// The transition memo (memo.ts) runs a unit once with a ReadSet listening, and its
// transitions are then those of every state whose read components are the same.
//
// Reads are heard in two places: the state a unit is given is a view (stateView) whose
// lists say which elements are read, and the explorer's drafts (lazy-draft.ts) say which
// parts a recipe reaches. A CPU's or a task's `id` names its place in its list and never
// changes, so a predicate that reads only `id` (finding a task by name) reads nothing of
// the elements it passes over. Anything else reached is a read: iteration, `map`, a
// spread. Positions are those of the key: [#cpus, cpus..., #tasks, tasks..., fields...].

import { kernelSchema } from "../../model/kernel/schema";
import type { Kernel } from "../../model/kernel/state";

/** The state's list fields, in declaration order: list number i is LIST_FIELDS[i]. */
const LIST_FIELDS: readonly string[] = Object.entries(kernelSchema.fields)
  .filter(([, k]) => k.kind === "list")
  .map(([name]) => name);
/** The other fields, in declaration order: field number i is OTHER_FIELDS[i]. */
const OTHER_FIELDS: readonly string[] = Object.entries(kernelSchema.fields)
  .filter(([, k]) => k.kind !== "list")
  .map(([name]) => name);
/** Each top-level field in one lookup: a field's number, or -1 - a list's number. */
const PART = new Map<string, number>([
  ...LIST_FIELDS.map((name, i): [string, number] => [name, -1 - i]),
  ...OTHER_FIELDS.map((name, i): [string, number] => [name, i]),
]);

/** Where each component sits in the key's ids, for states with these list lengths. */
export interface Layout {
  /** Position of list i's first element. */
  readonly start: readonly number[];
  readonly length: readonly number[];
  /** Position of field 0. */
  readonly fields: number;
  readonly size: number;
}

/** The layout of a key's ids ([n0, elements..., n1, elements..., fields...]). */
export function layoutOf(ids: readonly number[]): Layout {
  const start: number[] = [];
  const length: number[] = [];
  let at = 0;
  for (let i = 0; i < LIST_FIELDS.length; i++) {
    const n = ids[at] ?? 0;
    start.push(at + 1);
    length.push(n);
    at += 1 + n;
  }
  return { start, length, fields: at, size: at + OTHER_FIELDS.length };
}

/** The positions a unit reached, in the order it first reached them. */
export class ReadSet {
  readonly order: number[] = [];
  private readonly seen: Uint8Array;
  /** Off once the unit has run: views that outlive it (none should) add nothing. */
  active = true;

  constructor(readonly layout: Layout) {
    this.seen = new Uint8Array(layout.size);
  }

  private mark(pos: number): void {
    if (!this.active || this.seen[pos] === 1) return;
    this.seen[pos] = 1;
    this.order.push(pos);
  }

  has(pos: number): boolean {
    return this.seen[pos] === 1;
  }

  field(f: number): void {
    this.mark(this.layout.fields + f);
  }

  element(list: number, i: number): void {
    const n = this.layout.length[list] ?? 0;
    // Past the end is no component: reading it reads the list's length, which is fixed.
    if (i >= 0 && i < n) this.mark((this.layout.start[list] ?? 0) + i);
  }

  all(list: number): void {
    const n = this.layout.length[list] ?? 0;
    for (let i = 0; i < n; i++) this.element(list, i);
  }

  everything(): void {
    for (let l = 0; l < LIST_FIELDS.length; l++) this.all(l);
    for (let f = 0; f < OTHER_FIELDS.length; f++) this.field(f);
  }
}

/** The ReadSet the unit now running reports to (null when none listens: the hot path). */
export const listening: { on: ReadSet | null } = { on: null };

const RAW: unique symbol = Symbol("raw");

/** The object a view stands for (a view's own, or the value itself). */
export function rawOf<T>(v: T): T {
  const raw = (v as { [RAW]?: T } | null | undefined)?.[RAW];
  return raw ?? v;
}

/** Whether a property read of an array is of an element (a numeric key). */
export const isIndex = (p: string | symbol): boolean =>
  typeof p === "string" && p.length > 0 && p.charCodeAt(0) >= 48 && p.charCodeAt(0) <= 57;

/** Element i of list `list`, for a predicate: reading anything but its `id` reads it. */
export function elementForPredicate(x: unknown, list: number, i: number, reads: ReadSet): unknown {
  if (typeof x !== "object" || x === null) return x;
  return new Proxy(x, {
    get(t, p) {
      if (p !== "id") reads.element(list, i);
      return Reflect.get(t, p);
    },
    has(t, p) {
      reads.element(list, i);
      return Reflect.has(t, p);
    },
    ownKeys(t) {
      reads.element(list, i);
      return Reflect.ownKeys(t);
    },
    set() {
      throw new Error("checker error: a predicate wrote the state it reads");
    },
  });
}

export type Pred = (x: unknown, i: number) => unknown;

/** Array methods whose callbacks only read: over predicate views of the elements. */
export function predicateMethods(items: readonly unknown[], list: number, reads: ReadSet) {
  const at = (i: number) => elementForPredicate(items[i], list, i, reads);
  return {
    findIndex(pred: Pred): number {
      for (let i = 0; i < items.length; i++) if (pred(at(i), i)) return i;
      return -1;
    },
    some(pred: Pred): boolean {
      for (let i = 0; i < items.length; i++) if (pred(at(i), i)) return true;
      return false;
    },
    every(pred: Pred): boolean {
      for (let i = 0; i < items.length; i++) if (!pred(at(i), i)) return false;
      return true;
    },
  };
}

/** The array methods a list proxy answers with its own versions (their callbacks only read). */
export interface ListReads {
  readonly find: (pred: Pred) => unknown;
  readonly findIndex: (pred: Pred) => number;
  readonly some: (pred: Pred) => boolean;
  readonly every: (pred: Pred) => boolean;
  readonly indexOf: (x: unknown) => number;
}

/** A list proxy's answer for a property that is not an element: `own`'s method, or the array's. */
export function listGet(
  t: readonly unknown[],
  p: string | symbol,
  receiver: unknown,
  own: ListReads,
): unknown {
  switch (p) {
    case "length":
      return t.length;
    case "find":
      return own.find;
    case "findIndex":
      return own.findIndex;
    case "some":
      return own.some;
    case "every":
      return own.every;
    case "indexOf":
      return own.indexOf;
  }
  return Reflect.get(t, p, receiver);
}

const refuse = () => {
  throw new Error("checker error: a unit wrote the state it was given");
};

function listView(raw: readonly unknown[], list: number, reads: ReadSet): readonly unknown[] {
  const { findIndex, some, every } = predicateMethods(raw, list, reads);
  const find = (pred: Pred) => {
    const i = findIndex(pred);
    if (i < 0) return undefined;
    reads.element(list, i);
    return raw[i];
  };
  const indexOf = (x: unknown) => {
    reads.all(list);
    return raw.indexOf(x);
  };
  const methods: ListReads = { find, findIndex, some, every, indexOf };
  return new Proxy(raw, {
    get(t, p, receiver) {
      if (p === RAW) return t;
      if (isIndex(p)) {
        const i = Number(p as string);
        reads.element(list, i);
        return t[i];
      }
      // Iteration, map, slice, ...: they read through the index reads above.
      return listGet(t, p, receiver, methods);
    },
    has(t, p) {
      reads.all(list);
      return Reflect.has(t, p);
    },
    ownKeys(t) {
      reads.all(list);
      return Reflect.ownKeys(t);
    },
    set: refuse,
    deleteProperty: refuse,
    defineProperty: refuse,
  });
}

/** `s` as a unit sees it: every part it reads is reported to `reads`. */
export function stateView(s: Kernel, reads: ReadSet): Kernel {
  const lists: (readonly unknown[] | undefined)[] = [];
  const view = new Proxy(s, {
    get(t, p, receiver) {
      if (p === RAW) return t;
      if (typeof p === "string") {
        const part = PART.get(p);
        if (part !== undefined && part < 0) {
          const list = -1 - part;
          let v = lists[list];
          if (v === undefined) {
            v = listView(Reflect.get(t, p) as readonly unknown[], list, reads);
            lists[list] = v;
          }
          return v;
        }
        if (part !== undefined) reads.field(part);
      }
      return Reflect.get(t, p, receiver);
    },
    has(t, p) {
      reads.everything();
      return Reflect.has(t, p);
    },
    ownKeys(t) {
      reads.everything();
      return Reflect.ownKeys(t);
    },
    getOwnPropertyDescriptor(t, p) {
      reads.everything();
      return Reflect.getOwnPropertyDescriptor(t, p);
    },
    set: refuse,
    deleteProperty: refuse,
    defineProperty: refuse,
  });
  return view;
}

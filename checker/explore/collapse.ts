// A state key made of component numbers (SPIN's COLLAPSE idea): each element of the state's
// top-level lists (each CPU, each task) and each of its other top-level fields (the PTEs,
// the locks, the hardware, ...) is packed on its own and stored once in a component store
// of its own kind; the state's key is then the short list of their numbers. A reachable
// state space shares components heavily (a task's own state recurs under many states of
// the others), so the visited set holds a few bytes per state, and the transition memo
// (memo.ts) finds a unit's transitions by the few components it reads. Exact: every
// component store is exact, so equal keys mean equal components, which mean equal states.
//
// The key's layout: [#list0, list0's elements..., #list1, ..., field0, field1, ...], lists
// and fields in the declaration's order (model/kernel/state.ts KERNEL_FIELDS).

import type { Kind } from "../../model/kernel/schema";
import { decoder, encoder, equality, type Interner, Reader, Writer } from "./codec";
import { StateStore } from "./store";

type Struct = Extract<Kind, { kind: "struct" }>;

/** Builds a state from its lists and its other fields (each in declaration order). */
type Build = (lists: unknown[][], fields: unknown[]) => Record<string, unknown>;

/** Where components of one kind are stored: store.ts, or shared-store.ts for several threads. */
export interface ComponentStore {
  /** The number of the component with these bytes, stored if it is new. */
  add(key: Uint8Array): number;
  /** The bytes of component `i`. */
  get(i: number): Uint8Array;
  readonly size: number;
  readonly bytes: number;
}

/** One kind of component: a list's elements, or one field's values. */
interface Part {
  readonly name: string;
  readonly encode: ReturnType<typeof encoder>;
  readonly decode: ReturnType<typeof decoder>;
  readonly equal: ReturnType<typeof equality>;
  readonly store: ComponentStore;
  /** Decoded components by number, shared by the states decoded (never written). */
  readonly decoded: unknown[];
}

function part(name: string, k: Kind, store: ComponentStore): Part {
  return { name, encode: encoder(k), decode: decoder(k), equal: equality(k), store, decoded: [] };
}

/** Builders by their code: one function for every codec of the same state shape. */
const BUILDERS = new Map<string, Build>();

/** The state decoded last, with its component numbers: its successors share most of them. */
interface Base {
  readonly state: Readonly<Record<string, unknown>>;
  readonly ids: readonly number[];
}

export class CollapsedCodec {
  private readonly lists: readonly Part[];
  private readonly fields: readonly Part[];
  private readonly names: readonly string[];
  private base: Base | undefined;
  private readonly part = new Writer();
  private readonly out = new Writer();
  private readonly build: Build;

  /** `stores`: where each kind of component is stored (by default a store of this codec's). */
  constructor(
    schema: Struct,
    private readonly interner: Interner,
    stores: (name: string) => ComponentStore = () => new StateStore(),
  ) {
    const lists: Part[] = [];
    const fields: Part[] = [];
    for (const [name, k] of Object.entries(schema.fields)) {
      if (k.kind === "list") lists.push(part(name, k.of, stores(name)));
      else fields.push(part(name, k, stores(name)));
    }
    this.lists = lists;
    this.fields = fields;
    this.names = Object.keys(schema.fields);
    this.build = this.builder();
  }

  /** Bytes the component stores hold. */
  get componentBytes(): number {
    let n = 0;
    for (const p of [...this.lists, ...this.fields]) n += p.store.bytes;
    return n;
  }

  /** The key of `state`: a view of a buffer the next call overwrites. */
  key(state: object): Uint8Array {
    this.ids(state, this.scratch);
    return this.write(this.scratch);
  }

  private readonly scratch: number[] = [];

  /** The component numbers of `state`, into `out` (in the key's layout). */
  ids(state: object, out: number[]): void {
    // The schema says the state is a struct: an object read by field name.
    const v = state as Readonly<Record<string, unknown>>;
    // A component equal to the one at its place in the state decoded last (the state whose
    // successors these usually are) has that one's number: comparing is cheaper than
    // encoding and looking up, and most are the very same object.
    const base = this.base;
    let at = 0;
    for (let li = 0; li < this.lists.length; li++) {
      const l = this.lists[li];
      if (!l) continue;
      const xs = v[l.name];
      if (!Array.isArray(xs)) throw new Error(`checker error: state field ${l.name} is not a list`);
      const was = base?.state[l.name];
      const same = base !== undefined && Array.isArray(was) && was.length === xs.length;
      out[at] = xs.length;
      for (let j = 0; j < xs.length; j++) {
        const x = xs[j];
        const id = same && l.equal(x, was[j]) ? (base.ids[at + 1 + j] ?? -1) : -1;
        out[at + 1 + j] = id >= 0 ? id : this.addElement(li, x);
      }
      at += 1 + xs.length;
    }
    for (let fi = 0; fi < this.fields.length; fi++) {
      const f = this.fields[fi];
      if (!f) continue;
      const x = v[f.name];
      const id = base !== undefined && f.equal(x, base.state[f.name]) ? (base.ids[at] ?? -1) : -1;
      out[at++] = id >= 0 ? id : this.addField(fi, x);
    }
    if (out.length !== at) out.length = at;
  }

  /** The key made of these component numbers. */
  write(ids: ArrayLike<number>): Uint8Array {
    const out = this.out;
    out.reset();
    for (let i = 0; i < ids.length; i++) out.uint(ids[i] ?? 0);
    return out.bytes();
  }

  private add(p: Part | undefined, x: unknown): number {
    if (!p) throw new Error("checker error: no such state part");
    this.part.reset();
    p.encode(x, this.part, this.interner);
    return p.store.add(this.part.bytes());
  }

  private get(p: Part | undefined, id: number): unknown {
    if (!p) throw new Error("checker error: no such state part");
    let x = p.decoded[id];
    if (x === undefined) {
      x = p.decode(new Reader(p.store.get(id)), this.interner);
      p.decoded[id] = x;
    }
    return x;
  }

  /** Stores an element of list field number `li`: its component number. */
  addElement(li: number, x: unknown): number {
    return this.add(this.lists[li], x);
  }

  /** Element component `id` of list field number `li` (shared: never to be written). */
  element(li: number, id: number): unknown {
    return this.get(this.lists[li], id);
  }

  /** Stores a value of the non-list field number `fi`: its component number. */
  addField(fi: number, x: unknown): number {
    return this.add(this.fields[fi], x);
  }

  /** Value component `id` of the non-list field number `fi` (shared: never to be written). */
  field(fi: number, id: number): unknown {
    return this.get(this.fields[fi], id);
  }

  /** The index of list field `name` (for callers that permute elements). */
  listIndex(name: string): number {
    return this.lists.findIndex((l) => l.name === name);
  }

  /** The names of the non-list fields, in the key's order. */
  get fieldNames(): readonly string[] {
    return this.fields.map((f) => f.name);
  }

  /**
   * The component numbers a key is made of (`key[from .. to)`, as `write` made it), into
   * `out`.
   */
  readIds(key: Uint8Array, out: number[], from = 0, to = key.length): void {
    let n = 0;
    let shift = 0;
    let at = 0;
    for (let i = from; i < to; i++) {
      const b = key[i] ?? 0;
      n |= (b & 0x7f) << shift;
      if (b < 0x80) {
        out[at++] = n >>> 0;
        n = 0;
        shift = 0;
      } else shift += 7;
    }
    if (shift !== 0) throw new Error("checker error: a packed state ends early");
    if (out.length !== at) out.length = at;
  }

  decode(key: Uint8Array): Record<string, unknown> {
    const ids: number[] = [];
    this.readIds(key, ids);
    return this.rebase(ids);
  }

  /**
   * The state these component numbers stand for, which becomes the base of the next keys
   * (as a decoded state does): the state the explorer runs steps on. Keeps `ids`.
   */
  rebase(ids: readonly number[]): Record<string, unknown> {
    const out = this.assemble(ids);
    // Remembered as the base of the next keys. Neither it nor its components, which other
    // decoded states share, are ever written: the explorer runs steps on copies.
    this.base = { state: out, ids };
    return out;
  }

  /** Where non-list field `fi` sits in these component numbers. */
  fieldAt(ids: readonly number[], fi: number): number {
    let at = 0;
    for (let li = 0; li < this.lists.length; li++) at += 1 + (ids[at] ?? 0);
    return at + fi;
  }

  /** The index of non-list field `name`. */
  fieldIndex(name: string): number {
    return this.fields.findIndex((f) => f.name === name);
  }

  private readonly listScratch: unknown[][] = [];
  private readonly fieldScratch: unknown[] = [];

  /**
   * The state these component numbers stand for, its components shared with the other
   * states assembled or decoded (never written). Unlike `decode`, it does not become the
   * base of the next keys.
   */
  assemble(ids: readonly number[]): Record<string, unknown> {
    const lists = this.listScratch;
    let at = 0;
    for (let li = 0; li < this.lists.length; li++) {
      const l = this.lists[li];
      const n = ids[at++] ?? 0;
      const xs: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) xs[i] = this.get(l, ids[at++] ?? 0);
      lists[li] = xs;
    }
    const fields = this.fieldScratch;
    for (let fi = 0; fi < this.fields.length; fi++)
      fields[fi] = this.get(this.fields[fi], ids[at++] ?? 0);
    return this.build(lists, fields);
  }

  private builder(): Build {
    // One object literal in the declaration's field order, as the model builds states.
    const listNames = this.lists.map((l) => l.name);
    const fieldNames = this.fields.map((f) => f.name);
    const parts = this.names.map((name) => {
      const li = listNames.indexOf(name);
      const at = li >= 0 ? `lists[${li}]` : `fields[${fieldNames.indexOf(name)}]`;
      return `${JSON.stringify(name)}: ${at}`;
    });
    const body = `return { ${parts.join(", ")} };`;
    let build = BUILDERS.get(body);
    if (build === undefined) {
      build = new Function("lists", "fields", body) as Build;
      BUILDERS.set(body, build);
    }
    return build;
  }

  /** The component numbers of `state` (the decoded base's own when it is that state). */
  idsOf(state: object): readonly number[] {
    if (this.base !== undefined && this.base.state === state) return this.base.ids;
    const ids: number[] = [];
    this.ids(state, ids);
    return ids;
  }
}

// A state key made of component numbers (SPIN's COLLAPSE idea): each element of the state's
// top-level lists (each CPU, each task) and the rest of the state (globals) is packed on
// its own and stored once in a component store of its own kind; the state's key is then
// the short list of their numbers. A reachable state space shares components heavily
// (a task's own state recurs under many states of the others), so the visited set holds a
// few bytes per state. Exact: every component store is exact, so equal keys mean equal
// components, which mean equal states.

import type { Kind } from "../../model/kernel/schema";
import { decoder, encoder, equality, type Interner, Reader, Writer } from "./codec";
import { StateStore } from "./store";

type Struct = Extract<Kind, { kind: "struct" }>;

interface ListPart {
  readonly name: string;
  readonly encode: ReturnType<typeof encoder>;
  readonly decode: ReturnType<typeof decoder>;
  readonly equal: ReturnType<typeof equality>;
  readonly store: StateStore;
  /** Decoded components by number, shared by the states decoded (never written). */
  readonly decoded: unknown[];
}

/** The state decoded last, with its component numbers: its successors share most of them. */
interface Base {
  readonly state: Readonly<Record<string, unknown>>;
  readonly ids: readonly number[];
}

export class CollapsedCodec {
  private readonly lists: readonly ListPart[];
  private readonly names: readonly string[];
  private readonly restEncode: ReturnType<typeof encoder>;
  private readonly restDecode: ReturnType<typeof decoder>;
  private readonly restEqual: ReturnType<typeof equality>;
  private base: Base | undefined;
  private readonly restDecoded: Record<string, unknown>[] = [];
  private readonly restStore = new StateStore();
  private readonly part = new Writer();
  private readonly out = new Writer();

  constructor(
    schema: Struct,
    private readonly interner: Interner,
  ) {
    const lists: ListPart[] = [];
    const rest: Record<string, Kind> = {};
    for (const [name, k] of Object.entries(schema.fields)) {
      if (k.kind === "list") {
        lists.push({
          name,
          encode: encoder(k.of),
          decode: decoder(k.of),
          equal: equality(k.of),
          store: new StateStore(),
          decoded: [],
        });
      } else {
        rest[name] = k;
      }
    }
    this.lists = lists;
    this.names = Object.keys(schema.fields);
    const restKind: Kind = { kind: "struct", fields: rest };
    this.restEncode = encoder(restKind);
    this.restDecode = decoder(restKind);
    this.restEqual = equality(restKind);
  }

  /** Bytes the component stores hold. */
  get componentBytes(): number {
    return this.lists.reduce((n, l) => n + l.store.bytes, this.restStore.bytes);
  }

  /** The key of `state`: a view of a buffer the next call overwrites. */
  key(state: object): Uint8Array {
    this.ids(state, this.scratch);
    return this.write(this.scratch);
  }

  private readonly scratch: number[] = [];

  /**
   * The component numbers of `state`, into `out`: for each list field its length and its
   * elements' numbers, then the number of the rest.
   */
  ids(state: object, out: number[]): void {
    // The schema says the state is a struct: an object read by field name.
    const v = state as Readonly<Record<string, unknown>>;
    out.length = 0;
    // A component equal to the one at its place in the state decoded last (the state whose
    // successors these usually are) has that one's number: comparing is cheaper than
    // encoding and looking up.
    const base = this.base;
    let at = 0;
    for (let li = 0; li < this.lists.length; li++) {
      const l = this.lists[li];
      if (!l) continue;
      const xs = v[l.name];
      if (!Array.isArray(xs)) throw new Error(`checker error: state field ${l.name} is not a list`);
      const was = base?.state[l.name];
      const same = base !== undefined && Array.isArray(was) && was.length === xs.length;
      out.push(xs.length);
      for (let j = 0; j < xs.length; j++) {
        const x = xs[j];
        const id = same && l.equal(x, was[j]) ? (base.ids[at + 1 + j] ?? -1) : -1;
        out.push(id >= 0 ? id : this.addElement(li, x));
      }
      at += 1 + xs.length;
    }
    const restId = base !== undefined && this.restEqual(v, base.state) ? (base.ids[at] ?? -1) : -1;
    out.push(restId >= 0 ? restId : this.addRest(v));
  }

  /** The key made of these component numbers. */
  write(ids: readonly number[]): Uint8Array {
    const out = this.out;
    out.reset();
    for (const id of ids) out.uint(id);
    return out.bytes();
  }

  /** Stores an element of list field number `li`: its component number. */
  addElement(li: number, x: unknown): number {
    const l = this.lists[li];
    if (!l) throw new Error(`checker error: no list field ${li}`);
    this.part.reset();
    l.encode(x, this.part, this.interner);
    return l.store.add(this.part.bytes());
  }

  element(li: number, id: number): unknown {
    const l = this.lists[li];
    if (!l) throw new Error(`checker error: no list field ${li}`);
    return l.decode(new Reader(l.store.get(id)), this.interner);
  }

  /** Stores the fields that are not lists (an object with at least those): its number. */
  addRest(v: object): number {
    this.part.reset();
    this.restEncode(v, this.part, this.interner);
    return this.restStore.add(this.part.bytes());
  }

  rest(id: number): Record<string, unknown> {
    const rest = this.restDecode(new Reader(this.restStore.get(id)), this.interner);
    if (typeof rest !== "object" || rest === null) throw new Error("checker error: bad state");
    // The rest decodes to the struct of the non-list fields.
    return rest as Record<string, unknown>;
  }

  /** The index of list field `name` (for callers that permute elements). */
  listIndex(name: string): number {
    return this.lists.findIndex((l) => l.name === name);
  }

  decode(key: Uint8Array): Record<string, unknown> {
    const r = new Reader(key);
    const ids: number[] = [];
    const lists: Record<string, unknown[]> = {};
    for (const l of this.lists) {
      const n = r.uint();
      ids.push(n);
      const xs: unknown[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const id = r.uint();
        ids.push(id);
        let x = l.decoded[id];
        if (x === undefined) {
          x = l.decode(new Reader(l.store.get(id)), this.interner);
          l.decoded[id] = x;
        }
        xs[i] = x;
      }
      lists[l.name] = xs;
    }
    const restId = r.uint();
    ids.push(restId);
    let fields = this.restDecoded[restId];
    if (fields === undefined) {
      fields = this.rest(restId);
      this.restDecoded[restId] = fields;
    }
    // In the declaration's field order, as the model builds states.
    const out: Record<string, unknown> = {};
    for (const name of this.names) out[name] = lists[name] ?? fields[name];
    // Remembered as the base of the next keys. Neither it nor its components, which other
    // decoded states share, are ever written: the explorer runs steps on copies.
    this.base = { state: out, ids };
    return out;
  }
}

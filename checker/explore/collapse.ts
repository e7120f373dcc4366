// A state key made of component numbers (SPIN's COLLAPSE idea): each element of the state's
// top-level lists (each CPU, each task) and the rest of the state (globals) is packed on
// its own and stored once in a component store of its own kind; the state's key is then
// the short list of their numbers. A reachable state space shares components heavily
// (a task's own state recurs under many states of the others), so the visited set holds a
// few bytes per state. Exact: every component store is exact, so equal keys mean equal
// components, which mean equal states.

import type { Kind } from "../../model/kernel/schema";
import { decoder, encoder, type Interner, Reader, Writer } from "./codec";
import { StateStore } from "./store";

type Struct = Extract<Kind, { kind: "struct" }>;

interface ListPart {
  readonly name: string;
  readonly encode: ReturnType<typeof encoder>;
  readonly decode: ReturnType<typeof decoder>;
  readonly store: StateStore;
}

export class CollapsedCodec {
  private readonly lists: readonly ListPart[];
  private readonly names: readonly string[];
  private readonly restEncode: ReturnType<typeof encoder>;
  private readonly restDecode: ReturnType<typeof decoder>;
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
        lists.push({ name, encode: encoder(k.of), decode: decoder(k.of), store: new StateStore() });
      } else {
        rest[name] = k;
      }
    }
    this.lists = lists;
    this.names = Object.keys(schema.fields);
    const restKind: Kind = { kind: "struct", fields: rest };
    this.restEncode = encoder(restKind);
    this.restDecode = decoder(restKind);
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
    for (let li = 0; li < this.lists.length; li++) {
      const l = this.lists[li];
      if (!l) continue;
      const xs = v[l.name];
      if (!Array.isArray(xs)) throw new Error(`checker error: state field ${l.name} is not a list`);
      out.push(xs.length);
      for (const x of xs) out.push(this.addElement(li, x));
    }
    out.push(this.addRest(v));
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
    return l.store.add(this.part.bytes()).index;
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
    return this.restStore.add(this.part.bytes()).index;
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
    const lists: Record<string, unknown[]> = {};
    for (const l of this.lists) {
      const n = r.uint();
      const xs: unknown[] = new Array(n);
      for (let i = 0; i < n; i++)
        xs[i] = l.decode(new Reader(l.store.get(r.uint())), this.interner);
      lists[l.name] = xs;
    }
    const rest = this.restDecode(new Reader(this.restStore.get(r.uint())), this.interner);
    if (typeof rest !== "object" || rest === null) throw new Error("checker error: bad state");
    const fields = rest as Record<string, unknown>;
    // In the declaration's field order, as the model builds states.
    const out: Record<string, unknown> = {};
    for (const name of this.names) out[name] = lists[name] ?? fields[name];
    return out;
  }
}

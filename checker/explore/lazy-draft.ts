// The explorer's drafts: a step's recipe runs on a draft of the state in which each CPU,
// each task and each other top-level field (the PTEs, the locks, ...) is deep-copied the
// first time the recipe reaches it, and what it never reaches stays shared with the base
// state. The successor is then a plain state that shares those parts with its base, so the
// key (collapse.ts) finds them unchanged by identity instead of comparing or re-encoding
// them. Same result as a deep copy of the whole state (the model contract test runs steps
// on immer drafts, whose results these must equal: test/explore-codec.test.ts), and the
// base is never written.
//
// A list (`d.cpus`, `d.tasks`) is a proxy over a shallow copy of the base list: reading an
// element copies it into the list. `find`, `findIndex`, `some`, `every` and `indexOf`
// look at the elements without copying them (their callbacks only read, as the model's
// do: a predicate over tasks or CPUs) and copy only the element `find` returns. The other
// top-level fields are getters that copy on first read. Layout from the schema's one
// declaration (model/kernel/schema.ts), like the codec's.

import type { Draft } from "immer";
import type { Kind } from "../../model/kernel/schema";
import { kernelSchema } from "../../model/kernel/schema";
import type { Kernel } from "../../model/kernel/state";
import type { Produce } from "../../model/machine/immer";
import { type Copy, copier } from "./codec";
import {
  isIndex,
  type ListReads,
  listening,
  listGet,
  type Pred,
  predicateMethods,
  rawOf,
} from "./reads";

type Struct = Extract<Kind, { kind: "struct" }>;

/** A list field's draft: the proxy the recipe sees over the list being built. */
class LazyList {
  readonly items: unknown[];
  /** Which elements are the draft's own (copied, or assigned by the recipe). */
  private readonly own: boolean[];
  /** Whether the recipe reached the list at all (if not, the base list is kept). */
  touched = false;
  readonly proxy: unknown[];

  constructor(
    private readonly base: readonly unknown[],
    private readonly copy: Copy,
    /** Its number among the state's lists (what a listening ReadSet is told). */
    private readonly list: number,
    /** A list the recipe assigned: its elements are the recipe's own already. */
    assigned = false,
  ) {
    this.items = base.slice();
    this.own = new Array<boolean>(base.length).fill(assigned);
    this.touched = assigned;
    const self = this;
    // While a unit's reads are heard, a predicate sees the elements through views that
    // report what it reads (reads.ts); otherwise the elements themselves.
    const items = this.items;
    const plain = {
      findIndex: (pred: Pred) => items.findIndex((x, i) => pred(x, i)),
      some: (pred: Pred) => items.some((x, i) => pred(x, i)),
      every: (pred: Pred) => items.every((x, i) => pred(x, i)),
    };
    const heard = () =>
      listening.on === null ? plain : predicateMethods(items, list, listening.on);
    const findIndex = (pred: Pred) => heard().findIndex(pred);
    const some = (pred: Pred) => heard().some(pred);
    const every = (pred: Pred) => heard().every(pred);
    const find = (pred: Pred) => {
      const i = findIndex(pred);
      return i < 0 ? undefined : self.element(i);
    };
    const indexOf = (x: unknown) => {
      listening.on?.all(list);
      return self.items.indexOf(x);
    };
    const methods: ListReads = { find, findIndex, some, every, indexOf };
    this.proxy = new Proxy(this.items, {
      get(target, p, receiver) {
        if (isIndex(p)) return self.element(Number(p as string));
        // Anything else (iteration, map, push, ...) goes through the index reads and
        // writes above and below: conservative, every element it reads is copied.
        return listGet(target, p, receiver, methods);
      },
      set(target, p, v) {
        self.touched = true;
        if (isIndex(p)) {
          self.own[Number(p as string)] = true;
          listening.on?.element(list, Number(p as string));
        } else listening.on?.all(list);
        return Reflect.set(target, p, v);
      },
      deleteProperty(target, p) {
        self.touched = true;
        listening.on?.all(list);
        return Reflect.deleteProperty(target, p);
      },
    });
  }

  element(i: number): unknown {
    if (i >= this.items.length) return undefined;
    this.touched = true;
    if (this.own[i] !== true) {
      listening.on?.element(this.list, i);
      const x = this.items[i];
      this.items[i] = x === undefined ? x : this.copy(x);
      this.own[i] = true;
    }
    return this.items[i];
  }

  /** The list the successor holds: the base one when the recipe never reached it. */
  result(): readonly unknown[] {
    return this.touched || this.items.length !== this.base.length ? this.items : this.base;
  }
}

/**
 * Compiles the draft of a struct: list fields become LazyLists (made when first read),
 * the others getters that copy on first read and setters that take the recipe's value.
 */
function draftMaker(schema: Struct): { make: (base: object) => DraftState } {
  const fields = Object.entries(schema.fields);
  const copies: Copy[] = fields.map(([, k]) => (k.kind === "list" ? copier(k.of) : copier(k)));
  const lines: string[] = [];
  const finish: string[] = [];
  // While a unit's reads are heard (L.on), reaching a field that is not a list reaches
  // that field (a component of its own); assigning a whole list reaches all its elements.
  let lists = 0;
  let others = 0;
  fields.forEach(([name, k], i) => {
    const n = JSON.stringify(name);
    const slot = `this.v${i}`;
    const has = `this.h${i}`;
    if (k.kind === "list") {
      const list = lists++;
      lines.push(
        `get ${n}() { if (!${has}) { ${slot} = new LazyList(this.base[${n}], copies[${i}], ${list}); ${has} = true; } return ${slot}.proxy; }`,
      );
      lines.push(
        `set ${n}(v) { if (L.on !== null) L.on.all(${list}); ${slot} = new LazyList(v, copies[${i}], ${list}, true); ${has} = true; }`,
      );
      finish.push(`${n}: ${has} ? ${slot}.result() : b[${n}]`);
    } else {
      const f = others++;
      lines.push(
        `get ${n}() { if (!${has}) { if (L.on !== null) L.on.field(${f}); ${slot} = copies[${i}](this.base[${n}]); ${has} = true; } return ${slot}; }`,
      );
      lines.push(
        `set ${n}(v) { if (L.on !== null) L.on.field(${f}); ${slot} = v; ${has} = true; }`,
      );
      finish.push(`${n}: ${has} ? ${slot} : b[${n}]`);
    }
  });
  const init = fields.map((_, i) => `this.h${i} = false; this.v${i} = undefined;`).join(" ");
  const body = `return class Draft {
    constructor(base) { this.base = base; ${init} }
    ${lines.join("\n")}
    result() { const b = this.base; return { ${finish.join(", ")} }; }
  };`;
  const Draft = new Function("LazyList", "copies", "L", body)(LazyList, copies, listening) as new (
    base: object,
  ) => DraftState;
  return { make: (base) => new Draft(base) };
}

interface DraftState {
  result(): object;
}

const kernelDrafts = draftMaker(kernelSchema);

/** Runs `recipe` on a lazily copied draft of `base`; the result shares what it never reached. */
export const lazyProduce: Produce = (base, recipe) => {
  // A unit whose reads are heard passes its state view (reads.ts): the draft reports them.
  const d = kernelDrafts.make(listening.on === null ? base : rawOf(base));
  // The draft has the Kernel's fields as accessors over copies: a Draft<Kernel> to the recipe.
  recipe(d as unknown as Draft<Kernel>);
  // The result has exactly the schema's fields, each a copy or the base's own: a Kernel.
  return d.result() as Kernel;
};

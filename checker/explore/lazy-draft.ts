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
    /** A list the recipe assigned: its elements are the recipe's own already. */
    assigned = false,
  ) {
    this.items = base.slice();
    this.own = new Array<boolean>(base.length).fill(assigned);
    this.touched = assigned;
    const self = this;
    const find = (pred: (x: unknown, i: number) => unknown) => {
      for (let i = 0; i < self.items.length; i++)
        if (pred(self.items[i], i)) return self.element(i);
      return undefined;
    };
    const findIndex = (pred: (x: unknown, i: number) => unknown) =>
      self.items.findIndex((x, i) => pred(x, i));
    const some = (pred: (x: unknown, i: number) => unknown) =>
      self.items.some((x, i) => pred(x, i));
    const every = (pred: (x: unknown, i: number) => unknown) =>
      self.items.every((x, i) => pred(x, i));
    const indexOf = (x: unknown) => self.items.indexOf(x);
    this.proxy = new Proxy(this.items, {
      get(target, p, receiver) {
        if (typeof p === "string") {
          const c = p.charCodeAt(0);
          if (c >= 48 && c <= 57) return self.element(Number(p));
          switch (p) {
            case "length":
              return target.length;
            case "find":
              return find;
            case "findIndex":
              return findIndex;
            case "some":
              return some;
            case "every":
              return every;
            case "indexOf":
              return indexOf;
          }
        }
        // Anything else (iteration, map, push, ...) goes through the index reads and
        // writes above and below: conservative, every element it reads is copied.
        return Reflect.get(target, p, receiver);
      },
      set(target, p, v) {
        self.touched = true;
        if (typeof p === "string") {
          const c = p.charCodeAt(0);
          if (c >= 48 && c <= 57) self.own[Number(p)] = true;
        }
        return Reflect.set(target, p, v);
      },
      deleteProperty(target, p) {
        self.touched = true;
        return Reflect.deleteProperty(target, p);
      },
    });
  }

  element(i: number): unknown {
    if (i >= this.items.length) return undefined;
    this.touched = true;
    if (this.own[i] !== true) {
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
  fields.forEach(([name, k], i) => {
    const n = JSON.stringify(name);
    const slot = `this.v${i}`;
    const has = `this.h${i}`;
    if (k.kind === "list") {
      lines.push(
        `get ${n}() { if (!${has}) { ${slot} = new LazyList(this.base[${n}], copies[${i}]); ${has} = true; } return ${slot}.proxy; }`,
      );
      lines.push(`set ${n}(v) { ${slot} = new LazyList(v, copies[${i}], true); ${has} = true; }`);
      finish.push(`${n}: ${has} ? ${slot}.result() : b[${n}]`);
    } else {
      lines.push(
        `get ${n}() { if (!${has}) { ${slot} = copies[${i}](this.base[${n}]); ${has} = true; } return ${slot}; }`,
      );
      lines.push(`set ${n}(v) { ${slot} = v; ${has} = true; }`);
      finish.push(`${n}: ${has} ? ${slot} : b[${n}]`);
    }
  });
  const init = fields.map((_, i) => `this.h${i} = false; this.v${i} = undefined;`).join(" ");
  const body = `return class Draft {
    constructor(base) { this.base = base; ${init} }
    ${lines.join("\n")}
    result() { const b = this.base; return { ${finish.join(", ")} }; }
  };`;
  const Draft = new Function("LazyList", "copies", body)(LazyList, copies) as new (
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
  const d = kernelDrafts.make(base);
  // The draft has the Kernel's fields as accessors over copies: a Draft<Kernel> to the recipe.
  recipe(d as unknown as Draft<Kernel>);
  // The result has exactly the schema's fields, each a copy or the base's own: a Kernel.
  return d.result() as Kernel;
};

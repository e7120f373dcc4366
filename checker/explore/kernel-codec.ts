// The kernel state's packed key, decoder and deep copy, derived from its one declaration
// (model/kernel/schema.ts) by checker/explore/codec.ts. One interner per codec: a run's
// keys are comparable with each other; `canonical` (encode.ts) keeps one for the process.
// The explorer's keys are collapsed (collapse.ts): CPUs, tasks and globals stored once each
// as components, the state as their numbers.

import type { Draft } from "immer";
import { kernelSchema } from "../../model/kernel/schema";
import type { Kernel } from "../../model/kernel/state";
import { copier, decoder, encoder, Interner, Reader, Writer } from "./codec";
import { CollapsedCodec } from "./collapse";
import type { SharedComponents } from "./shared-store";

const encodeKernel = encoder(kernelSchema);
const decodeKernel = decoder(kernelSchema);
const copyKernel = copier(kernelSchema);

/** Packed keys of whole states, comparable within one codec (traces, tests). */
export class KernelCodec {
  readonly interner = new Interner();
  private readonly w = new Writer();

  /** The packed key of `s`: a view of a buffer the next call overwrites. */
  key(s: Kernel): Uint8Array {
    this.w.reset();
    encodeKernel(s, this.w, this.interner);
    return this.w.bytes();
  }

  decode(key: Uint8Array): Kernel {
    // The decoder builds exactly the shape the schema declares, which is the Kernel type.
    return decodeKernel(new Reader(key), this.interner) as Kernel;
  }
}

/** A private deep copy of `s`, to run a step's recipe on in place of an immer draft. */
export function mutableCopy(s: Kernel): Draft<Kernel> {
  // The copier rebuilds exactly the shape the schema declares, with nothing frozen.
  return copyKernel(s) as Draft<Kernel>;
}

/**
 * What the explorer asks of its keys: a state's key and back, and the component numbers a
 * key is made of (collapse.ts), which the transition memo (memo.ts) works in.
 */
export interface ComponentKeys {
  key(s: Kernel): Uint8Array;
  decode(key: Uint8Array): Kernel;
  /** The component numbers of `s`, into `out` (components new to the stores are added). */
  ids(s: Kernel, out: number[]): void;
  /** The component numbers of `s` (the last decoded state's own when it is that one). */
  idsOf(s: Kernel): readonly number[];
  /** The state made of these components. */
  assemble(ids: readonly number[]): Kernel;
  /** The component numbers a key (`bytes[from .. to)`) is made of, into `out`. */
  readIds(bytes: Uint8Array, out: number[], from?: number, to?: number): void;
  /**
   * The state made of these components, to run steps on: as a decoded state, the base the
   * next `ids` compare components with (so it keeps `ids`, which must not change).
   */
  rebase(ids: readonly number[]): Kernel;
  /** Whether the state made of these components has halted (`Kernel.halted`). */
  halted(ids: readonly number[]): boolean;
  /** The key of the state made of these components: a view the next call overwrites. */
  keyOfIds(ids: readonly number[]): Uint8Array;
}

/** The explorer's keys: a few bytes a state, its components in stores of their own. */
export class CollapsedKernelCodec implements ComponentKeys {
  protected readonly c: CollapsedCodec;

  /** `shared`: components numbered alike in every thread that has them (shared-store.ts). */
  constructor(shared?: SharedComponents) {
    this.c =
      shared === undefined
        ? new CollapsedCodec(kernelSchema, new Interner())
        : new CollapsedCodec(kernelSchema, shared.interner, (name) => shared.store(name));
    this.haltedField = this.c.fieldIndex("halted");
    this.running = this.c.addField(this.haltedField, null);
  }

  get componentBytes(): number {
    return this.c.componentBytes;
  }

  key(s: Kernel): Uint8Array {
    return this.c.key(s);
  }

  decode(key: Uint8Array): Kernel {
    // The components decode to exactly the shapes the schema declares: a Kernel.
    return this.c.decode(key) as unknown as Kernel;
  }

  ids(s: Kernel, out: number[]): void {
    this.c.ids(s, out);
  }

  idsOf(s: Kernel): readonly number[] {
    return this.c.idsOf(s);
  }

  assemble(ids: readonly number[]): Kernel {
    // Components of the schema's shapes, in its field order: a Kernel.
    return this.c.assemble(ids) as unknown as Kernel;
  }

  keyOfIds(ids: readonly number[]): Uint8Array {
    return this.c.write(ids);
  }

  readIds(bytes: Uint8Array, out: number[], from?: number, to?: number): void {
    this.c.readIds(bytes, out, from, to);
  }

  rebase(ids: readonly number[]): Kernel {
    // As assemble: a Kernel.
    return this.c.rebase(ids) as unknown as Kernel;
  }

  private readonly haltedField: number;
  /** The component of `halted: null` (components are exact: any other one has halted). */
  private readonly running: number;

  halted(ids: readonly number[]): boolean {
    return ids[this.c.fieldAt(ids, this.haltedField)] !== this.running;
  }
}

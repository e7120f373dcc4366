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

/** The explorer's keys: a few bytes a state, its components in stores of their own. */
export class CollapsedKernelCodec {
  private readonly c = new CollapsedCodec(kernelSchema, new Interner());

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
}

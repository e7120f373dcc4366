// Canonical encoding of a state as a string, for comparing states outside a run (traces,
// tests): the packed key of kernel-codec.ts, derived from the state's one declaration, with
// one interner for the whole process so that any two keys it makes are comparable.

import type { Kernel } from "../../model/kernel/state";
import { KernelCodec } from "./kernel-codec";

const processCodec = new KernelCodec();

export function canonical(s: Kernel): string {
  return Buffer.from(processCodec.key(s)).toString("latin1");
}

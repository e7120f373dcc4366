// A kernel state as ITF (Apalache ADR-015, https://apalache-mc.org/docs/adr/015adr-trace.html,
// with the variants Quint's quint/src/itf.ts writes): integers as {"#bigint"}, maps as
// {"#map": [[k, v], ...]}, sets as {"#set"}, records as objects, lists as arrays, absent
// values as the variant {"tag": "None", "value": {"#tup": []}}. The encoding follows the
// state's one declaration (model/kernel/state.ts, as state-fields.ts reads it), so decoding gives back the same state (the round
// trip is a property test). The model keeps `hw.stale` and `hw.unsynced` sorted, so a set
// decodes to its sorted list; `cpu.batch` and `cpu.queued` are ordered (lists).

import type { Kernel } from "../../model/kernel/state";
import { type Itf, ItfShapeError } from "./itf-value";
import { decode, encode, KERNEL, STATE_VARS } from "./state-fields";

export { type Itf, ItfShapeError, STATE_VARS };

export function stateToItf(s: Kernel): Record<(typeof STATE_VARS)[number], Itf> {
  return encode(KERNEL, s) as Record<(typeof STATE_VARS)[number], Itf>;
}

/** A kernel state from its ITF form; throws ItfShapeError where it does not fit the table. */
export function stateFromItf(x: unknown, path: string): Kernel {
  // The Kernel type is computed from the declaration (model/kernel/kind.ts `TypeOfKind`), and decode
  // checked every field against it: the value is a Kernel.
  return decode(KERNEL, x, path) as Kernel;
}

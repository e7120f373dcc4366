// The kernel model as a system the explorer walks (bfs.ts): a machine's transitions, judged
// by a spec's monitor, keyed by the packed encoding of the state. In the hot loop the
// steps' recipes run on lazily copied drafts instead of immer drafts (lazy-draft.ts): the
// recipe mutates copies of the parts it reaches, and the successor shares the rest with
// the state it came from, which is never written. Events carry only the context fields
// the spec's checks read (the monitor's `listens` says which). Keys are of orbit
// representatives (symmetric-codec.ts) where the machine and the spec are symmetric under
// relabelling CPUs or tasks (symmetry.ts), unless the caller turns symmetry off.

import type { Kernel } from "../../model/kernel/state";
import { initialState, type Machine } from "../../model/machine/machine";
import type { Action } from "../../model/machine/transitions";
import { allDone, successors } from "../../model/machine/transitions";
import type { Monitor, Violation } from "../rules/monitor";
import type { System } from "./bfs";
import { CollapsedKernelCodec } from "./kernel-codec";
import { lazyProduce } from "./lazy-draft";
import { SymmetricKernelCodec } from "./symmetric-codec";
import { type Symmetry, type SymmetryOver, symmetryOf } from "./symmetry";

export interface KernelSystemOptions {
  /**
   * Reduce by symmetry where the machine and spec allow it (symmetry.ts): over CPUs and
   * tasks (true, the default), only the kinds listed, or not at all (false).
   */
  readonly symmetry?: boolean | readonly SymmetryOver[];
  /** Told of every transition's action as it is explored (coverage of the model's steps). */
  readonly onAction?: (a: Action) => void;
}

export interface KernelSystem extends System<Kernel, Violation> {
  /** The symmetry the keys reduce by (`ok: false`: none, and why); absent when turned off. */
  readonly symmetry: Symmetry | undefined;
}

export function kernelSystem(
  m: Machine,
  mon: Monitor,
  opts: KernelSystemOptions = {},
): KernelSystem {
  const asked = opts.symmetry ?? true;
  const sym =
    asked === false
      ? undefined
      : symmetryOf(m, mon.spec, asked === true ? ["cpus", "tasks"] : asked);
  const codec = sym?.ok === true ? new SymmetricKernelCodec(sym.group) : new CollapsedKernelCodec();
  return {
    symmetry: sym,
    reduced: sym?.ok === true,
    initial: initialState(m),
    successors: (s) =>
      successors(m, s, mon.listens, lazyProduce).map((t) => {
        opts.onAction?.(t.action);
        return {
          next: t.next,
          violations: t.events.length > 0 ? mon.transition(t.events, t.next) : [],
        };
      }),
    stateViolations: (s) => mon.state(s),
    key: (s) => codec.key(s),
    decode: (k) => codec.decode(k),
    done: (s) => s.halted !== null || allDone(s),
    ruleOf: (v) => v.rule.id,
    // Distinct violations of one rule: another check, or another message (event, context).
    signatureOf: (v) => `${v.check}\u0000${v.message}`,
  };
}

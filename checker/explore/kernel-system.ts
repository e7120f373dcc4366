// The kernel model as a system the explorer walks (bfs.ts): a machine's transitions, judged
// by a spec's monitor, keyed by the packed encoding of the state. In the hot loop the
// steps' recipes run on lazily copied drafts instead of immer drafts (lazy-draft.ts): the
// recipe mutates copies of the parts it reaches, and the successor shares the rest with
// the state it came from, which is never written. Events carry only the context fields
// the spec's checks read (the monitor's `listens` says which).

import type { Kernel } from "../../model/kernel/state";
import { initialState, type Machine } from "../../model/machine/machine";
import type { Action } from "../../model/machine/transitions";
import { allDone, successors } from "../../model/machine/transitions";
import type { Monitor, Violation } from "../rules/monitor";
import type { System } from "./bfs";
import { CollapsedKernelCodec } from "./kernel-codec";
import { lazyProduce } from "./lazy-draft";
import { cpuSymmetry, SymmetricKernelCodec } from "./symmetry";

export interface KernelSystemOptions {
  /** Reduce by CPU symmetry where the machine and spec allow it (symmetry.ts). */
  readonly symmetry?: boolean;
  /** Told of every transition's action as it is explored (coverage of the model's steps). */
  readonly onAction?: (a: Action) => void;
}

export function kernelSystem(
  m: Machine,
  mon: Monitor,
  opts: KernelSystemOptions = {},
): System<Kernel, Violation> {
  const sym = opts.symmetry === true ? cpuSymmetry(m, mon.spec) : undefined;
  const codec = sym?.ok === true ? new SymmetricKernelCodec(sym.group) : new CollapsedKernelCodec();
  return {
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

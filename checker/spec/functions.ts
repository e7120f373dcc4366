// Which kernel functions the loaded models define, so that a spec's `fn` filter naming none
// of them (a typo, or a function no model has) is reported: such a check never fires, and a
// rule that never fires passes without checking anything.

import { architectures } from "../../model/arch/index";
import { genericLazyProcs, genericPteProcs } from "../../model/kernel/primitives";
import type { Proc } from "../../model/kernel/program";
import { extraScenarios, scenarios } from "../../model/scenarios/index";
import type { Spec } from "./types";

export interface UnknownFunction {
  readonly rule: string;
  /** JSON pointer of the filter's entry. */
  readonly where: string;
  readonly fn: string;
}

/**
 * Every procedure name and step function of the generic kernel code every model links
 * (model/kernel/primitives.ts), of every architecture model and of every scenario.
 */
export function modelFunctions(): ReadonlySet<string> {
  const names = new Set<string>();
  const add = (procs: readonly Proc[]) => {
    for (const p of procs) {
      names.add(p.name);
      for (const op of p.ops) if (op.op === "step") names.add(op.fn);
    }
  };
  add(genericLazyProcs);
  add(genericPteProcs);
  for (const a of architectures) add(a.procs);
  for (const s of [...scenarios, ...extraScenarios]) {
    add(s.procs);
    add(s.genericProcs ?? []);
  }
  return names;
}

/** The `fn` filter entries of `spec` that name no function in `known`. */
export function unknownFunctions(spec: Spec, known: ReadonlySet<string>): UnknownFunction[] {
  const out: UnknownFunction[] = [];
  spec.rules.forEach((rule, i) => {
    rule.checks.forEach((c, j) => {
      (c.on.fn ?? []).forEach((fn, k) => {
        if (!known.has(fn))
          out.push({ rule: rule.id, where: `/rules/${i}/checks/${j}/on/fn/${k}`, fn });
      });
    });
  });
  return out;
}

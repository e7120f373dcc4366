// Command-line flags resolved once into fully-defaulted, typed options. Pure: the spec
// files are read by the caller and handed in.

import { cellExisted } from "../../model/arch/existed";
import { architectures, findArch } from "../../model/arch/index";
import type { ArchModel } from "../../model/arch/types";
import type { PreemptionModel } from "../../model/kernel/state";
import { incompatibility } from "../../model/scenarios/api";
import { findScenario, scenarios } from "../../model/scenarios/index";
import type { Scenario } from "../../model/scenarios/types";
import { fail, ok, type Result } from "../errors";
import type { Cell, NotBuilt } from "../run";
import type { Spec } from "../spec/types";

export const PREEMPTION_MODELS: readonly PreemptionModel[] = ["none", "full", "rt"];

export interface RawRunFlags {
  readonly arch?: readonly string[];
  readonly scenario?: readonly string[];
  readonly preemption?: string;
  readonly maxStates?: string;
  readonly timeout?: string;
  /** --symmetry: true, --no-symmetry: false, neither: undefined (on). */
  readonly symmetry?: boolean;
  /** --no-memo: false; otherwise undefined (on). */
  readonly memo?: boolean;
  readonly tracesPerRule?: string;
  readonly coverage?: boolean;
  /** Run combinations no kernel had, as labelled what-ifs, instead of reporting them n/a. */
  readonly anyEra?: boolean;
}

export interface RunOptions {
  readonly cells: readonly Cell[];
  /** Combinations selected that no kernel had (without --any-era): `n/a`, not run. */
  readonly notBuilt: readonly NotBuilt[];
  readonly maxStates: number;
  readonly timeoutSeconds: number;
  /** Reduce by symmetry where a cell allows it (checker/explore/symmetry.ts): on unless --no-symmetry. */
  readonly symmetry: boolean;
  /** Find each unit's transitions in the transition memo (checker/explore/memo.ts): on unless --no-memo. */
  readonly memo: boolean;
  /** Shortest traces kept per rule, each ending in a distinct violation. */
  readonly tracesPerRule: number;
  /** List the model steps no explored path reached. */
  readonly coverage: boolean;
}

export const DEFAULT_MAX_STATES = 5_000_000;
export const DEFAULT_TIMEOUT_SECONDS = 600;

function positive(flag: string, raw: string | undefined, dflt: number): Result<number> {
  if (raw === undefined) return ok(dflt);
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    return fail({
      code: "bad-usage",
      message: `${flag} expects a positive whole number, got "${raw}"`,
    });
  }
  return ok(n);
}

/** `available`: the models to pick from (the registered ones, or those derived from --kernel). */
export function resolveRun(
  spec: Spec,
  flags: RawRunFlags,
  available: readonly ArchModel[] = architectures,
): Result<RunOptions> {
  const archs: ArchModel[] = [];
  // A repeated id runs once.
  for (const id of new Set(flags.arch ?? [])) {
    const a = available === architectures ? findArch(id) : available.find((x) => x.id === id);
    if (!a) {
      return fail({
        code: "unknown-arch",
        message: `unknown architecture model "${id}"; expected one of: ${available.map((x) => x.id).join(", ")}`,
      });
    }
    archs.push(a);
  }
  const scens: Scenario[] = [];
  for (const id of new Set(flags.scenario ?? [])) {
    const s = findScenario(id);
    if (!s) {
      return fail({
        code: "unknown-scenario",
        message: `unknown scenario "${id}"; expected one of: ${scenarios.map((x) => x.id).join(", ")}`,
      });
    }
    scens.push(s);
  }
  let preemption: PreemptionModel | undefined;
  if (flags.preemption !== undefined) {
    if (!(PREEMPTION_MODELS as readonly string[]).includes(flags.preemption)) {
      return fail({
        code: "unknown-preemption",
        message: `unknown preemption model "${flags.preemption}"; expected one of: ${PREEMPTION_MODELS.join(", ")}`,
      });
    }
    preemption = flags.preemption as PreemptionModel;
  }
  const maxStates = positive("--max-states", flags.maxStates, DEFAULT_MAX_STATES);
  if (!maxStates.ok) return maxStates;
  const timeout = positive("--timeout", flags.timeout, DEFAULT_TIMEOUT_SECONDS);
  if (!timeout.ok) return timeout;
  const tracesPerRule = positive("--traces-per-rule", flags.tracesPerRule, 1);
  if (!tracesPerRule.ok) return tracesPerRule;
  const cells: Cell[] = [];
  const notBuilt: NotBuilt[] = [];
  for (const arch of archs.length > 0 ? archs : available) {
    for (const scenario of scens.length > 0 ? scens : scenarios) {
      // A pair the user named is refused in words; pairs from the defaults are left out.
      const why = incompatibility(arch, scenario);
      if (why !== undefined) {
        if (archs.length > 0 && scens.length > 0)
          return fail({ code: "incompatible-api", message: why });
        continue;
      }
      const models = preemption !== undefined ? [preemption] : scenario.preemption;
      for (const p of models) {
        const e = cellExisted(arch, scenario, p);
        if (e.existed) cells.push({ spec, arch, scenario, preemption: p });
        else if (flags.anyEra === true)
          cells.push({ spec, arch, scenario, preemption: p, whatIf: e.why });
        else notBuilt.push({ spec, arch, scenario, preemption: p, why: e.why });
      }
    }
  }
  const first = notBuilt[0];
  if (cells.length === 0 && first !== undefined) {
    return fail({
      code: "not-built",
      message: `no kernel had ${first.arch.id} with ${first.scenario.id} under preemption=${first.preemption}: ${first.why}; --any-era runs it anyway, as a what-if`,
    });
  }
  return ok({
    cells,
    notBuilt,
    maxStates: maxStates.value,
    timeoutSeconds: timeout.value,
    symmetry: flags.symmetry !== false,
    memo: flags.memo !== false,
    tracesPerRule: tracesPerRule.value,
    coverage: flags.coverage === true,
  });
}

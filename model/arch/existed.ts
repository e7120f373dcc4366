// Which kernels a cell describes: an architecture model's era, the preemption models its
// kernels could be configured with, and the kernels in which a scenario's callers existed.
// A cell (model, scenario, preemption) that shares no mainline kernel among the three, or
// whose scenario follows another architecture's code path, describes no kernel: `n/a`.
// Pure: no I/O; the CLI decides what to do with an `n/a` (skip it, refuse it, or run it as
// a labelled what-if with --any-era).

import type { PreemptionModel } from "../kernel/state";
import { apiOfScenario } from "../scenarios/api";
import type { Scenario } from "../scenarios/types";
import type { ArchModel, Existed, KernelRange } from "./types";

/** `v6.16-rc1` -> [6, 16, 0, 1]; a release sorts after its release candidates. */
function tagKey(tag: string): readonly number[] {
  const m = /^v(\d+)\.(\d+)(?:\.(\d+))?(?:-rc(\d+))?$/.exec(tag);
  if (!m) throw new Error(`model error: "${tag}" is not a kernel tag (vX.Y, vX.Y.Z or vX.Y-rcN)`);
  const rc = m[4] === undefined ? Number.POSITIVE_INFINITY : Number(m[4]);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), rc];
}

export function compareTags(a: string, b: string): number {
  const ka = tagKey(a);
  const kb = tagKey(b);
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i] ?? 0;
    const y = kb[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareTags(a, b) >= 0 ? a : b;
}

function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareTags(a, b) <= 0 ? a : b;
}

/** The kernels in all of `ranges`, or undefined when they share none. */
export function intersect(ranges: readonly KernelRange[]): KernelRange | undefined {
  let since: string | undefined;
  let until: string | undefined;
  for (const r of ranges) {
    since = later(since, r.since);
    until = earlier(until, r.until);
  }
  if (since !== undefined && until !== undefined && compareTags(since, until) >= 0)
    return undefined;
  return {
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}

export function rangeText(r: KernelRange): string {
  if (r.since === undefined && r.until === undefined) return "every kernel";
  if (r.until === undefined) return `${r.since} on`;
  if (r.since === undefined) return `before ${r.until}`;
  return `${r.since} to before ${r.until}`;
}

/** Whether some mainline kernel is what a cell describes; when none is, why not. */
export type Existence =
  | { readonly existed: true; readonly kernels: KernelRange }
  | { readonly existed: false; readonly why: string };

/**
 * The kernels whose core mm calls the lazy MMU API a scenario's callers use: the arch hooks
 * directly up to v6.18, lazy_mmu_mode_enable() and friends from v7.0 (the series that added
 * them converted every caller).
 */
function apiRange(scenario: Scenario): Existed {
  return apiOfScenario(scenario) === "arch-hooks"
    ? {
        until: "v7.0",
        why: "from v7.0 core mm calls lazy_mmu_mode_enable() and friends, not the arch hooks (0a096ab7a3a6..5ab246749569)",
      }
    : {
        since: "v7.0",
        why: "lazy_mmu_mode_enable() and friends are v7.0's (0a096ab7a3a6, 5ab246749569)",
      };
}

export function cellExisted(
  arch: ArchModel,
  scenario: Scenario,
  preemption: PreemptionModel,
): Existence {
  const s = scenario.existed;
  if (s?.archs !== undefined && !s.archs.includes(arch.arch)) {
    return {
      existed: false,
      why: `${scenario.id} follows the code path of ${s.archs.join(", ")} (${s.why}); ${arch.id} is ${arch.arch}`,
    };
  }
  // A model loaded from a JavaScript file (--load) that declares no kernels is a design,
  // not a kernel that was or was not built: it is always run.
  const declared = arch as Partial<Pick<ArchModel, "ran" | "builds">>;
  if (declared.ran === undefined || declared.builds === undefined)
    return { existed: true, kernels: {} };
  const b = arch.builds[preemption];
  if (!b.can) {
    return {
      existed: false,
      why: `no ${arch.arch} kernel could be built with preemption=${preemption}: ${b.why}`,
    };
  }
  const api = apiRange(scenario);
  for (const ran of arch.ran) {
    const k = intersect([ran, b, api, ...(s === undefined ? [] : [s])]);
    if (k !== undefined) return { existed: true, kernels: k };
  }
  const parts = [
    `${arch.id} follows ${arch.ran.map((r) => `${rangeText(r)} (${r.why})`).join(" and ")}`,
    ...(b.since === undefined && b.until === undefined
      ? []
      : [`preemption=${preemption} exists ${rangeText(b)} (${b.why})`]),
    `${scenario.id}'s API is called ${rangeText(api)} (${api.why})`,
    ...(s === undefined ? [] : [`${scenario.id}'s callers exist ${rangeText(s)} (${s.why})`]),
  ];
  return { existed: false, why: `no kernel is all of these: ${parts.join("; ")}` };
}

// Which architecture models a scenario can run on, by the lazy MMU API each is written for.
// v6.18-era hooks can be driven by v7.0 callers through the v7.0 generic layer (what the
// series did to every architecture before converting it); v7.0 hooks cannot be driven by
// callers that call them directly, since they read the per-task counts that only
// lazy_mmu_mode_enable() & co. keep.

import type { Api, ArchModel } from "../arch/types";
import type { Scenario } from "./types";

export function apiOfArch(a: ArchModel): Api {
  return a.api ?? "arch-hooks";
}

export function apiOfScenario(s: Scenario): Api {
  return s.api ?? "arch-hooks";
}

/** Why `arch` cannot run `scenario`, in words; undefined when it can. */
export function incompatibility(arch: ArchModel, scenario: Scenario): string | undefined {
  if (apiOfArch(arch) === "lazy-mmu-mode" && apiOfScenario(scenario) === "arch-hooks") {
    return `${arch.id} is reached only through the v7.0 API (lazy_mmu_mode_enable() and friends keep the per-task counts its hooks read), but scenario ${scenario.id} calls arch_enter/leave_lazy_mmu_mode() directly, as callers did up to v6.18; pick a scenario on the v7.0 API (lazymmu list shows each scenario's API)`;
  }
  return undefined;
}

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
  if (arch.runsUnder !== undefined) {
    const api = apiOfScenario(scenario);
    if (arch.runsUnder.apis.includes(api)) return undefined;
    return `${arch.id} runs only under the ${arch.runsUnder.apis.join(" or ")} API (${arch.runsUnder.why}), but scenario ${scenario.id} is written for the ${api} API`;
  }
  const api = apiOfScenario(scenario);
  if (api !== "arch-hooks" && api !== "lazy-mmu-mode") {
    return `scenario ${scenario.id} is written for the ${api} API, which only a model that declares it in runsUnder takes, and ${arch.id} does not`;
  }
  if (apiOfArch(arch) === "lazy-mmu-mode" && api === "arch-hooks") {
    return `${arch.id} is reached only through the v7.0 API (lazy_mmu_mode_enable() and friends keep the per-task counts its hooks read), but scenario ${scenario.id} calls arch_enter/leave_lazy_mmu_mode() directly, as callers did up to v6.18; pick a scenario on the v7.0 API (lazymmu list shows each scenario's API)`;
  }
  return undefined;
}

// The registry of caller scenarios: the built-in ones below, then any a file loaded with
// `--load` adds (checker/load), which join the default matrix. Each runs on two CPUs unless
// it says otherwise. A theme file exports its scenarios; adding one is an import and an
// entry below.

import { type Origin, Registry } from "../registry";
import { benchReference, benchReference3cpu } from "./bench";
import { callers2Scenarios } from "./callers-2";
import { hugePageScenarios } from "./huge-pages";
import { kfenceIrqApplyToPageRange, kfenceIrqInRegion } from "./interrupts";
import { irqsOffScenarios } from "./irqs-off";
import {
  applyToPteRangeInitMm,
  applyToPteRangeUserMm,
  changePteRangeScenario,
  kmapLocalInRegion,
  movePtesScenario,
  remapPteRangeSetPtes,
  remapPteRangeSetPtesBcc6,
  secondTaskSameCpu,
  zapPteRangeScenario,
} from "./memory";
import {
  pagemapScanKmapHighInWideRegion,
  pagemapScanKmapInWideRegion,
  pagemapScanPmdEntryNarrow,
  pagemapScanPmdEntryWide,
} from "./pagemap";
import { powerpcArm64Scenarios } from "./powerpc-arm64";
import { sameProgramScenarios } from "./same-program";
import { softirqScenarios } from "./softirq";
import { threeCpuScenarios } from "./three-cpus";
import { tlbScenarios } from "./tlb";
import type { Scenario } from "./types";
import { movePresentPtesScenario } from "./userfaultfd";
import { v7ExtraScenarios, v7Scenarios } from "./v7";
import { vmapPteRangeScenario, vunmapPteRangeScenario } from "./vmalloc";
import { xenScenarios } from "./xen";

export const scenarioRegistry = new Registry<Scenario>([
  applyToPteRangeInitMm,
  applyToPteRangeUserMm,
  zapPteRangeScenario,
  remapPteRangeSetPtes,
  remapPteRangeSetPtesBcc6,
  changePteRangeScenario,
  movePtesScenario,
  secondTaskSameCpu,
  kmapLocalInRegion,
  pagemapScanPmdEntryWide,
  pagemapScanPmdEntryNarrow,
  pagemapScanKmapInWideRegion,
  pagemapScanKmapHighInWideRegion,
  vmapPteRangeScenario,
  vunmapPteRangeScenario,
  kfenceIrqInRegion,
  kfenceIrqApplyToPageRange,
  ...powerpcArm64Scenarios,
  ...xenScenarios,
  ...v7Scenarios,
  ...softirqScenarios,
  ...callers2Scenarios,
  ...hugePageScenarios,
  movePresentPtesScenario,
  ...tlbScenarios,
]);

/**
 * Scenarios that exist but are not part of the default matrix: the bench's, the v7.0 extras,
 * the irqs-off mutation targets, the three-CPU variants (each costs several times its
 * two-CPU original and, on the built-in models, finds nothing it does not: run them with
 * `--scenario ID` when a change could need a third CPU), and the tasks running the same
 * caller that measure symmetry reduction over tasks.
 */
export const extraScenarioRegistry = new Registry<Scenario>([
  benchReference,
  benchReference3cpu,
  ...v7ExtraScenarios,
  ...irqsOffScenarios,
  ...threeCpuScenarios,
  ...sameProgramScenarios,
]);

/** The default matrix's scenarios (a live view: loaded ones appear here). */
export const scenarios: readonly Scenario[] = scenarioRegistry.all;
export const extraScenarios: readonly Scenario[] = extraScenarioRegistry.all;

export function findScenario(id: string): Scenario | undefined {
  return scenarioRegistry.find(id) ?? extraScenarioRegistry.find(id);
}

/** Where a scenario came from: undefined for a built-in one. */
export function scenarioOrigin(id: string): Origin | undefined {
  return scenarioRegistry.originOf(id) ?? extraScenarioRegistry.originOf(id);
}

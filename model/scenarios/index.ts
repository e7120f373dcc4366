// The registry of caller scenarios. Each runs on two CPUs unless it says otherwise. A
// theme file exports its scenarios; adding one is an import and an entry below.

import { benchReference } from "./bench";
import { callers2Scenarios } from "./callers-2";
import { kfenceIrqApplyToPageRange, kfenceIrqInRegion } from "./interrupts";
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
import { softirqScenarios } from "./softirq";
import type { Scenario } from "./types";
import { v7ExtraScenarios, v7Scenarios } from "./v7";
import { vmapPteRangeScenario, vunmapPteRangeScenario } from "./vmalloc";
import { xenScenarios } from "./xen";

export const scenarios: readonly Scenario[] = [
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
];

/** Scenarios that exist but are not part of the default matrix. */
export const extraScenarios: readonly Scenario[] = [benchReference, ...v7ExtraScenarios];

export function findScenario(id: string): Scenario | undefined {
  return [...scenarios, ...extraScenarios].find((s) => s.id === id);
}

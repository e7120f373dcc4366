// The derived-model half of `npm run bench`: the same reference configuration, with the
// sparc64 model read from our v6.15..v6.18 fixture tree (test/fixtures/kernels/sparc64-v6.15)
// instead of the hand-written sparc64@v6.15, so the two states/s figures sit side by side.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../checker/cli/package-root";
import { runCell } from "../checker/run";
import { parseSpec } from "../checker/spec/parse";
import { findScenario } from "../model/scenarios/index";
import { sparc64Source } from "../model/source/bindings/sparc64";
import { deriveModel } from "../model/source/derive";
import { loadCParser } from "../model/source/parser";

const TREE = "test/fixtures/kernels/sparc64-v6.15";
const SPEC = "specs/lazy-mmu-v6.15.json";

export async function benchDerived(): Promise<string[]> {
  const dir = join(PACKAGE_ROOT, TREE);
  const parser = await loadCParser();
  const derived = deriveModel(
    {
      name: "sparc64-v6.15",
      read: (f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : undefined),
    },
    parser,
    sparc64Source,
  );
  const scenario = findScenario("bench-reference");
  const spec = parseSpec(readFileSync(join(PACKAGE_ROOT, SPEC), "utf8"), SPEC);
  if (!derived.ok || !scenario || !spec.ok) throw new Error("derived bench configuration missing");
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const r = runCell(
    { spec: spec.value, arch: derived.value.model, scenario, preemption: "full" },
    { maxStates: 50_000_000, timeoutMs: 3_600_000, now: () => performance.now() },
  );
  const seconds = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return [
    `derived: ${derived.value.model.id} (read from ${TREE}) on the same configuration`,
    `verdict:          ${r.verdict}`,
    `distinct states:  ${r.stats.states}`,
    `seconds:          ${seconds.toFixed(2)}`,
    `cpu seconds:      ${cpuSeconds.toFixed(2)}`,
    `states/second:    ${Math.round(r.stats.states / seconds)} (wall), ${Math.round(r.stats.states / cpuSeconds)} (CPU)`,
  ];
}

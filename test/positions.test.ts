// Every step of every built-in model and scenario says where it is in the kernel as
// `file:line` (issue 8, section 4), in a kernel version the model or scenario names once
// (`linesAt`). A position that could not be read at a named version stays `file (function)`
// and is listed, with the reason, in test/positions-unverified.json: an unlisted position
// without a line fails here, and so does a listed one that no step uses any more.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { architectures } from "../model/arch/index";
import { genericLazyProcs, genericPteProcs } from "../model/kernel/primitives";
import type { Proc } from "../model/kernel/program";
import { extraScenarios, scenarios } from "../model/scenarios/index";

/** `file:line`, or several joined by ", " for a step that spans two files. */
const FILE_LINE = /^[^\s():,]+:\d+(, [^\s():,]+:\d+)*$/;

/** Distinct positions, each with who uses it (`arch:ID`, `scenario:ID`, `kernel`). */
function positions(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (at: string, who: string) => {
    const users = out.get(at) ?? new Set<string>();
    users.add(who);
    out.set(at, users);
  };
  const steps = (who: string, procs: readonly Proc[]) => {
    for (const p of procs) for (const op of p.ops) if (op.op === "step") add(op.at, who);
  };
  for (const a of architectures) {
    steps(`arch:${a.id}`, a.procs);
    for (const s of a.contextSwitch) add(s.at, `arch:${a.id}`);
  }
  steps("kernel", [...genericLazyProcs, ...genericPteProcs]);
  for (const s of [...scenarios, ...extraScenarios]) {
    steps(`scenario:${s.id}`, [...s.procs, ...(s.genericProcs ?? [])]);
  }
  return out;
}

const unverified: Record<string, string> = JSON.parse(
  readFileSync(join(__dirname, "positions-unverified.json"), "utf8"),
);

describe("kernel source positions", () => {
  const all = positions();

  it("tells a file:line position from a function-only one", () => {
    expect(FILE_LINE.test("arch/sparc/mm/tlb.c:57")).toBe(true);
    expect(
      FILE_LINE.test("arch/x86/xen/mmu_pv.c:2126, arch/x86/include/asm/xen/hypervisor.h:93"),
    ).toBe(true);
    expect(FILE_LINE.test("mm/memory.c (pte_offset_map_lock)")).toBe(false);
    expect(FILE_LINE.test("include/linux/pgtable.h")).toBe(false);
    expect(FILE_LINE.test("arch/sparc/mm/tlb.c:57 (arch_enter_lazy_mmu_mode)")).toBe(false);
  });

  it("every position is file:line, or is listed as unverified with its reason", () => {
    const missing = [...all.keys()].filter(
      (at) => !FILE_LINE.test(at) && unverified[at] === undefined,
    );
    expect(missing.map((at) => `${at}  (${[...(all.get(at) ?? [])].join(", ")})`)).toEqual([]);
  });

  it("lists only positions some step still has, none with a line, each with a reason", () => {
    for (const [at, why] of Object.entries(unverified)) {
      expect(all.has(at), `listed but unused: ${at}`).toBe(true);
      expect(FILE_LINE.test(at), `listed but has a line: ${at}`).toBe(false);
      expect(why.trim().length, `no reason for ${at}`).toBeGreaterThan(20);
    }
  });

  it("a model or scenario that cites lines names the kernel version they are from", () => {
    const cites = (procs: readonly Proc[]) =>
      procs.some((p) => p.ops.some((op) => op.op === "step" && FILE_LINE.test(op.at)));
    const unnamed = [
      ...architectures
        .filter((a) => cites(a.procs) || a.contextSwitch.some((s) => FILE_LINE.test(s.at)))
        .filter((a) => (a.linesAt ?? "").trim() === "")
        .map((a) => `arch:${a.id}`),
      ...[...scenarios, ...extraScenarios]
        .filter((s) => cites([...s.procs, ...(s.genericProcs ?? [])]))
        .filter((s) => (s.linesAt ?? "").trim() === "")
        .map((s) => `scenario:${s.id}`),
    ];
    expect(unnamed).toEqual([]);
  });
});

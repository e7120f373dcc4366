// Who fired a debug check: each bug event carries the kernel function and file whose code
// fired it, and whether that code is the caller's (an assertion in core mm) or the
// implementation's; the bundled no-kernel-bug rules count only the implementation's.

import { describe, expect, it } from "vitest";
import { codeOf, fileOf } from "../model/machine/observe";
import { run } from "./helpers";

describe("the code a check fired in", () => {
  it("reads the file off a step's position, with or without a line", () => {
    expect(fileOf("mm/vmalloc.c:480")).toBe("mm/vmalloc.c");
    expect(fileOf("mm/vmalloc.c (vmap_pte_range)")).toBe("mm/vmalloc.c");
    expect(fileOf("arch/sparc/mm/tlb.c:55")).toBe("arch/sparc/mm/tlb.c");
  });

  it("a WARN_ON in core mm is the caller's; the same in arch code, or a debug check, is not", () => {
    expect(codeOf("WARN_ON", "mm/vmalloc.c (vmap_pte_range)")).toBe("caller");
    expect(codeOf("BUG_ON", "fs/proc/task_mmu.c:2540")).toBe("caller");
    expect(codeOf("BUG_ON", "arch/x86/xen/mmu_pv.c (xen_leave_lazy_mmu)")).toBe("implementation");
    expect(codeOf("VM_WARN_ON", "mm/tests/lazy_mmu_mode_kunit.c (lazy_mmu_mode_active)")).toBe(
      "implementation",
    );
    expect(codeOf("sleep-in-atomic", "fs/proc/task_mmu.c (pte_offset_map_lock)")).toBe(
      "implementation",
    );
  });

  it("a violation of no-kernel-bug names the function and file that fired it", () => {
    const r = run("sparc64@v6.5", "apply-to-pte-range-init-mm", "full");
    const v = r.violations.find((x) => x.rule === "no-kernel-bug");
    expect(v?.message).toContain("fired in arch_enter_lazy_mmu_mode, arch/sparc/mm/tlb.c");
  });
});

// Which cells describe a kernel that existed (model/arch/existed.ts): tag order, range
// intersection, and the n/a reasons of the default matrix's cells, from the models' and
// scenarios' own declarations.

import { describe, expect, it } from "vitest";
import { cellExisted, compareTags, intersect } from "../model/arch/existed";
import { architectures, findArch } from "../model/arch/index";
import { findScenario, scenarios } from "../model/scenarios/index";

function cell(arch: string, scenario: string, p: "none" | "full" | "rt") {
  const a = findArch(arch);
  const s = findScenario(scenario);
  if (!a || !s) throw new Error(`no ${arch} or ${scenario}`);
  return cellExisted(a, s, p);
}

describe("kernel tags", () => {
  it("orders releases after their release candidates, and by number, not text", () => {
    expect(compareTags("v6.16-rc1", "v6.16")).toBeLessThan(0);
    expect(compareTags("v6.9", "v6.10")).toBeLessThan(0);
    expect(compareTags("v7.0", "v7.0")).toBe(0);
    expect(compareTags("v7.1-rc4", "v7.0")).toBeGreaterThan(0);
    expect(compareTags("v2.6.19", "v6.0")).toBeLessThan(0);
  });

  it("a span that ends where another begins shares no kernel with it", () => {
    expect(intersect([{ until: "v7.0" }, { since: "v7.0" }])).toBeUndefined();
    expect(intersect([{ since: "v6.6", until: "v6.15" }, { since: "v6.12" }])).toEqual({
      since: "v6.12",
      until: "v6.15",
    });
  });

  it("refuses a malformed tag as a model error", () => {
    expect(() => compareTags("6.6", "v6.6")).toThrow(/not a kernel tag/);
  });
});

describe("n/a cells", () => {
  it("no sparc64 or powerpc kernel is PREEMPT_RT", () => {
    for (const a of ["sparc64@v6.14", "sparc64@v7.0", "powerpc-hash@47b8def9358c"]) {
      const e = cell(a, "zap-pte-range", "rt");
      expect(e.existed).toBe(false);
      if (!e.existed) expect(e.why).toMatch(/ARCH_SUPPORTS_RT/);
    }
  });

  it("powerpc's reason says how far the trees read reach (past its last modelled era, v7.0)", () => {
    const e = cell("powerpc-hash@v7.0", "v7-zap-nested-debug-pagealloc", "rt");
    expect(e.existed).toBe(false);
    if (!e.existed) expect(e.why).toMatch(/ARCH_SUPPORTS_RT.*up to v7\.1-rc4/);
  });

  it("PREEMPT_RT x86 exists from v6.12 only: v6.6..v6.14 Xen PV overlaps it, v6.5 does not", () => {
    expect(cell("x86-xen-pv@49147beb0ccb", "apply-to-pte-range-user", "rt")).toEqual({
      existed: true,
      kernels: { since: "v6.12", until: "v6.15" },
    });
    expect(cell("x86-xen-pv@v6.5", "zap-pte-range", "rt").existed).toBe(false);
    expect(cell("x86-xen-pv@v6.5", "zap-pte-range", "full").existed).toBe(true);
  });

  it("a caller that came after the model's era, or left before it, is n/a", () => {
    expect(cell("sparc64@v6.14", "vmap-pte-range", "full").existed).toBe(false);
    expect(cell("sparc64@v6.15", "vmap-pte-range", "full").existed).toBe(true);
    expect(cell("sparc64@v6.15", "pagemap-scan-pmd-entry-wide", "full").existed).toBe(false);
    expect(cell("sparc64@v6.14", "pagemap-scan-pmd-entry-wide", "full").existed).toBe(true);
    expect(cell("arm64@1ef3095b1405", "v7-vmalloc", "full").existed).toBe(false);
  });

  it("a scenario that follows another architecture's path is n/a elsewhere", () => {
    const e = cell("x86-xen-pv@v6.15", "kfence-irq-apply-to-page-range", "full");
    expect(e.existed).toBe(false);
    if (!e.existed) expect(e.why).toMatch(/arm64/);
    expect(cell("arm64@1ef3095b1405", "kfence-irq-apply-to-page-range", "full").existed).toBe(true);
  });

  it("every model and scenario declares spans made of kernel tags", () => {
    for (const a of architectures) {
      expect(a.ran.length).toBeGreaterThan(0);
      for (const s of scenarios)
        for (const p of ["none", "full", "rt"] as const) cellExisted(a, s, p);
    }
  });
});

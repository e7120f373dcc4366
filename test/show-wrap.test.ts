// `show`'s wrapping (checker/report/wrap.ts): at token boundaries, never inside an
// identifier, a field such as `tb->active` or a path that fits on a line of its own;
// measured in display columns; every line within the width, and nothing lost or reordered.

import fc from "fast-check";
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { wrap } from "../checker/report/wrap";

describe("wrap", () => {
  it("moves a token that does not fit to the next line whole", () => {
    expect(wrap("if (tb->active) flush", 14)).toEqual(["if", "  (tb->active)", "  flush"]);
    expect(wrap("xyz arch_enter_lazy_mmu_mode() y", 28)).toEqual([
      "xyz",
      "  arch_enter_lazy_mmu_mode()",
      "  y",
    ]);
    expect(wrap("at arch/sparc/mm/tlb.c:55 now", 24)).toEqual([
      "at",
      "  arch/sparc/mm/tlb.c:55",
      "  now",
    ]);
  });

  it("splits a token wider than a line at a seam, not inside a name", () => {
    expect(wrap("set_thread_flag(TIF_LAZY_MMU_PENDING);", 30)).toEqual([
      "set_thread_flag(",
      "  TIF_LAZY_MMU_PENDING);",
    ]);
    expect(wrap("call f(addr=kernel:8,value=5)", 16)).toEqual([
      "call",
      "  f(addr=",
      "  kernel:8,",
      "  value=5)",
    ]);
  });

  it("splits a path wider than a line between its components", () => {
    expect(wrap("arch/powerpc/include/asm/book3s/64/tlbflush-hash.h:30", 24)).toEqual([
      "arch/powerpc/include/",
      "  asm/book3s/64/",
      "  tlbflush-hash.h:30",
    ]);
  });

  it("measures display columns: a wide character takes two", () => {
    const lines = wrap("漢字漢字 漢字漢字 ab", 10);
    expect(lines).toEqual(["漢字漢字", "  漢字漢字", "  ab"]);
    for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(10);
  });

  it("keeps a line's leading spaces and indents what continues it", () => {
    expect(wrap("  PTEs: pte[user:0] memory holds 1", 20)).toEqual([
      "  PTEs: pte[user:0]",
      "    memory holds 1",
    ]);
  });

  const token = fc.stringMatching(/^[a-z_>()/.:,=\-漢]{1,40}$/);
  it("fits every line in the width and loses nothing (property)", () => {
    fc.assert(
      fc.property(
        fc.array(token, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 8, max: 60 }),
        (tokens, width) => {
          const text = tokens.join(" ");
          const lines = wrap(text, width, 2);
          for (const l of lines) expect(stringWidth(l)).toBeLessThanOrEqual(width);
          const again = lines.map((l, i) => (i === 0 ? l : l.slice(2))).join("");
          expect(again.replaceAll(" ", "")).toBe(text.replaceAll(" ", ""));
          // A token that fits a continuation line on its own is never cut.
          for (const t of tokens) {
            if (stringWidth(t) <= width - 2) expect(lines.some((l) => l.includes(t))).toBe(true);
          }
        },
      ),
    );
  });
});

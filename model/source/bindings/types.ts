// What a binding is: a kernel primitive or a hardware operation that the C front end does
// not read from source but knows the meaning of, in the model's terms. Everything else is
// read from the tree. A binding receives its arguments unevaluated (some name a per-CPU
// variable or a barrier domain rather than a value) and returns the evaluator of the call.
import type { Proc } from "../../kernel/program";

import type { Eval, PteStore, Run } from "../memory";
import type { Node } from "../parser";
import type { Config } from "../preprocess";

/** An lvalue: where an assignment goes. */
export type Place = { readonly local: string } | { readonly mem: string };

export type PlaceEval = (r: Run) => Place;

export interface Arg {
  readonly node: Node;
  value(): Eval;
  place(): PlaceEval;
}

export interface Binding {
  readonly name: string;
  /** One line: what it does in the model (listed by `extract`). */
  readonly does: string;
  /** `fn`: the C function the use is in (kernel messages name it). */
  readonly use: (args: readonly Arg[], at: string, fn: string) => Eval;
  /** An identity wrapper (pte_val(), __pte(), likely()): also an lvalue of its argument. */
  readonly transparent?: boolean;
}

export interface Constant {
  readonly value: Eval;
  readonly does: string;
}

/** How the front end reads one architecture's lazy MMU code from a tree. */
export interface ArchSource {
  /** The model's architecture name: `sparc64`, `arm64`. */
  readonly arch: string;
  /** Its directory under arch/. */
  readonly srcarch: string;
  /** Files read first, in order (includes are followed from them). */
  readonly roots: readonly string[];
  /** Files read after the roots when the tree has them (sparc64's arch/sparc/mm/hugetlbpage.c). */
  readonly optionalRoots?: readonly string[];
  /**
   * The generic headers of the lazy MMU path whose includes are followed, besides the
   * architecture's own files under arch/ and include/asm-generic/ (a full checkout's other
   * headers are not read).
   */
  readonly headers: readonly string[];
  /** What the compiler predefines for this target (`__sparc__`, `__arch64__`). */
  readonly predefined: readonly string[];
  /** The default configuration; `--config` entries override it. */
  readonly config: Config;
  readonly bindings: readonly Binding[];
  readonly constants: Readonly<Record<string, Constant>>;
  /** `*ptep = pte`: the store and what the MMU then holds. */
  readonly pteStore: PteStore;
  readonly pteStoreDoes: string;
  /** Context-switch functions whose lazy-MMU effects run inside the switch (arm64 __switch_to). */
  readonly switchHooks: readonly string[];
  readonly departures: readonly string[];
  /**
   * Procedures the scenarios call that the lazy MMU path of the tree does not reach, taken
   * from the built-in model of the architecture (a TLB flush: arm64's flush_tlb_range()).
   * Each is named in the model's departures.
   */
  readonly builtInProcs?: readonly Proc[];
}

/**
 * The generic headers both architectures' lazy MMU code is read from: the hooks' defaults,
 * set_ptes() and set_pte_at(), v7.0's lazy_mmu_mode_*() (pgtable.h),
 * is_lazy_mmu_mode_active() (sched.h), `struct lazy_mmu_state` (mm_types_task.h: its u8
 * counts wrap) and the way sched.h reaches the architecture's TIF_* flag numbers
 * (thread_info.h includes <asm/thread_info.h>).
 */
export const LAZY_MMU_HEADERS: readonly string[] = [
  "include/linux/pgtable.h",
  "include/linux/sched.h",
  "include/linux/mm_types_task.h",
  "include/linux/thread_info.h",
];

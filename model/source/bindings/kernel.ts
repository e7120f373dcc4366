// Kernel primitives every architecture's code calls, bound to the model's meaning of them:
// preemption and interrupt state, per-CPU access, debug checks, thread flags, identity
// wrappers. Sources: include/linux/preempt.h, include/linux/percpu-defs.h,
// include/asm-generic/bug.h, include/linux/thread_info.h, include/linux/compiler.h.

import type { Draft } from "immer";
import {
  addPreemptCount,
  bug,
  cpuOf,
  currentTask,
  inInterrupt,
  pinnedToCpu,
  preemptCount,
} from "../../kernel/context";
import { preemptDecrement } from "../../kernel/primitives";
import type { BugCheck, StepEnv } from "../../kernel/program";
import type { Kernel, Val } from "../../kernel/state";
import { type Eval, perCpuPointer, type Run, taskPointer, truthy } from "../memory";
import { kids } from "../parser";
import type { Arg, Binding, Constant } from "./types";

/** The per-CPU variable a use names: `&tlb_batch` or `tlb_batch`. */
function perCpuName(a: Arg | undefined, fn: string, at: string): string {
  const n = a?.node;
  const id = n?.type === "pointer_expression" ? kids(n)[0] : n;
  if (id?.type !== "identifier") {
    throw new Error(`${at}: ${fn}() expects a per-CPU variable, got ${n?.text ?? "nothing"}`);
  }
  return id.text;
}

function debugPreemptCheck(r: Run, fn: string): void {
  // CONFIG_DEBUG_PREEMPT (which needs PREEMPTION: not under `none`), lib/smp_processor_id.c.
  if (r.env.preemption !== "none" && !pinnedToCpu(r.d, r.env)) {
    bug(
      r.env,
      "smp_processor_id-preemptible",
      `BUG: using smp_processor_id() in preemptible [00000000] code: ${fn}`,
    );
  }
}

const none: Eval = () => 0;

/** `current`: the task this CPU runs (an interrupt handler's is the task it interrupted). */
const current: Eval = (r) => {
  const t = currentTask(r.d, r.env);
  return taskPointer(t ? t.id : `idle@cpu${cpuOf(r.d, r.env).id}`);
};

function check(name: string, kind: BugCheck): Binding {
  return {
    name,
    does: `${kind}: reports the check when its condition holds${kind === "BUG_ON" ? " and stops the machine" : ""}`,
    use: (args, at) => {
      const cond = args[0]?.value() ?? none;
      return (r) => {
        const v = cond(r);
        if (truthy(v)) {
          const msg =
            kind === "BUG_ON"
              ? `kernel BUG at ${at}`
              : `WARNING: ${name}(${args[0]?.node.text ?? ""}) at ${at}`;
          bug(r.env, kind, msg);
        }
        return truthy(v) ? 1 : 0;
      };
    },
  };
}

function transparent(name: string, does: string): Binding {
  return { name, does, transparent: true, use: (args) => args[0]?.value() ?? none };
}

/** The word of thread flags `current` has (the idle task's is a per-CPU scalar). */
function flagsSlot(d: Draft<Kernel>, env: StepEnv): [Record<string, Val>, string] {
  const t = currentTask(d, env);
  if (t) return [t.flags as Record<string, Val>, "thread_info.flags"];
  return [cpuOf(d, env).arch as Record<string, Val>, "idle.thread_info.flags"];
}

function readFlags(r: Run): bigint {
  const [o, k] = flagsSlot(r.d, r.env);
  return BigInt(Number(o[k] ?? 0));
}

function writeFlags(r: Run, v: bigint): void {
  const [o, k] = flagsSlot(r.d, r.env);
  if (v === 0n) delete o[k];
  else o[k] = Number(v);
}

function flagOp(
  name: string,
  does: string,
  op: (flags: bigint, bit: bigint) => { next: bigint; result: boolean },
): Binding {
  return {
    name,
    does,
    use: (args) => {
      const n = args[0]?.value() ?? none;
      return (r) => {
        const bit = 1n << BigInt(Number(n(r)));
        const flags = readFlags(r);
        const { next, result } = op(flags, bit);
        if (next !== flags) writeFlags(r, next);
        return result ? 1 : 0;
      };
    },
  };
}

export const kernelBindings: readonly Binding[] = [
  {
    name: "preempt_disable",
    does: "preempt_count += 1",
    use: () => (r) => {
      addPreemptCount(r.d, r.env, 1);
      return 0;
    },
  },
  {
    name: "preempt_enable",
    does: "preempt_count -= 1 (an underflow is reported); the engine preempts where the count is 0",
    use: () => (r) => {
      preemptDecrement(r.d, r.env);
      return 0;
    },
  },
  {
    name: "this_cpu_ptr",
    does: "a pointer to this CPU's copy of the variable (CONFIG_DEBUG_PREEMPT checks the caller cannot migrate)",
    use: (args, at, fn) => {
      const v = perCpuName(args[0], "this_cpu_ptr", at);
      return (r) => {
        debugPreemptCheck(r, fn);
        return perCpuPointer(r.env.cpu, v);
      };
    },
  },
  {
    name: "get_cpu_var",
    does: "preempt_disable(), then this CPU's copy of the variable",
    use: (args, at) => {
      const v = perCpuName(args[0], "get_cpu_var", at);
      return (r) => {
        addPreemptCount(r.d, r.env, 1);
        return perCpuPointer(r.env.cpu, v);
      };
    },
  },
  {
    name: "put_cpu_var",
    does: "preempt_enable()",
    use: () => (r) => {
      preemptDecrement(r.d, r.env);
      return 0;
    },
  },
  {
    name: "smp_processor_id",
    does: "this CPU's number (CONFIG_DEBUG_PREEMPT checks the caller cannot migrate)",
    use: (_args, _at, fn) => (r) => {
      debugPreemptCheck(r, fn);
      return r.env.cpu;
    },
  },
  {
    name: "in_interrupt",
    does: "true in an interrupt handler, while serving softirqs and with bottom halves off",
    use: () => (r) => (inInterrupt(r.d, r.env) ? 1 : 0),
  },
  {
    name: "preemptible",
    does: "preempt_count is 0 and interrupts are on",
    use: () => (r) => (preemptCount(r.d, r.env) === 0 && cpuOf(r.d, r.env).irqsEnabled ? 1 : 0),
  },
  check("BUG_ON", "BUG_ON"),
  check("WARN_ON", "WARN_ON"),
  check("WARN_ON_ONCE", "WARN_ON"),
  check("VM_WARN_ON", "VM_WARN_ON"),
  check("VM_WARN_ON_ONCE", "VM_WARN_ON"),
  transparent("likely", "its argument (a branch hint)"),
  transparent("unlikely", "its argument (a branch hint)"),
  transparent("pte_val", "the PTE's value (the model's PTE values are page numbers, 0 = none)"),
  transparent("__pte", "the PTE with that value"),
  transparent("pmd_val", "the PMD's value (model values as for PTEs, 0 = none)"),
  transparent("__pmd", "the PMD with that value"),
  transparent("pud_val", "the PUD's value (model values as for PTEs, 0 = none)"),
  transparent("__pud", "the PUD with that value"),
  transparent("pmd_pte", "the PMD as a PTE (the same model value)"),
  transparent("__pgprot", "the protection bits with that value"),
  transparent("pgprot_val", "the protection bits' value"),
  transparent("pte_pmd", "the PTE as a PMD (the same model value)"),
  // include/uapi/linux/const.h pastes the type suffix on (`X##Y`): the constant itself.
  transparent("_AC", "its first argument: the constant without its type suffix"),
  {
    name: "BIT",
    does: "1 << n",
    use: (args) => {
      const n = args[0]?.value() ?? none;
      return (r) => Number(1n << BigInt(Number(n(r))));
    },
  },
  {
    name: "read_thread_flags",
    does: "current's thread flags word",
    use: () => (r) => Number(readFlags(r)),
  },
  flagOp("test_thread_flag", "is the flag set in current's thread flags", (f, b) => ({
    next: f,
    result: (f & b) !== 0n,
  })),
  flagOp("set_thread_flag", "sets the flag in current's thread flags", (f, b) => ({
    next: f | b,
    result: false,
  })),
  flagOp("clear_thread_flag", "clears the flag in current's thread flags", (f, b) => ({
    next: f & ~b,
    result: false,
  })),
  flagOp("test_and_clear_thread_flag", "clears the flag, returns whether it was set", (f, b) => ({
    next: f & ~b,
    result: (f & b) !== 0n,
  })),
  {
    name: "get_current",
    does: "current: the task this CPU runs",
    use: () => current,
  },
  ...[
    "page_table_check_ptes_set",
    "page_table_check_pmds_set",
    "page_table_check_puds_set",
    "page_table_check_pte_clear",
    "page_table_check_pmd_clear",
    "page_table_check_pud_clear",
  ].map(
    (name): Binding => ({
      name,
      does: "nothing (CONFIG_PAGE_TABLE_CHECK is off)",
      use: () => none,
    }),
  ),
  {
    // include/linux/mm.h (not read): `{ .vm_mm = (mm), .vm_flags = (flags) }`, the vma a
    // flush_tlb_range() is given for a whole mm. Its fields are not modelled.
    name: "TLB_FLUSH_VMA",
    does: "a vm_area_struct on the stack for the mm (its fields are not modelled)",
    use: () => none,
  },
  {
    name: "pte_advance_pfn",
    does: "the PTE nr pages on (model PTE values are page numbers)",
    use: (args) => {
      const pte = args[0]?.value() ?? none;
      const nr = args[1]?.value() ?? none;
      return (r) => Number(pte(r)) + Number(nr(r));
    },
  },
];

export const kernelConstants: Readonly<Record<string, Constant>> = {
  init_mm: { value: () => "mm:kernel", does: "the kernel's mm (`&init_mm` is mm:kernel)" },
  NULL: { value: () => 0, does: "0" },
  current: {
    value: current,
    does: "the task this CPU runs (its fields are the task's state: `current->lazy_mmu_state`)",
  },
  U8_MAX: { value: () => 255, does: "255 (include/linux/limits.h: (u8)~0U)" },
  true: { value: () => 1, does: "1" },
  false: { value: () => 0, does: "0" },
};

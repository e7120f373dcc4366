// Where C values live in the model's state. A pointer is a string naming a place:
//  - `pcpu:<cpu>:<var>` a per-CPU variable (this_cpu_ptr, get_cpu_var), with `.field` and
//    `.<index>` appended for members and array elements: kept in `cpus[cpu].arch` under
//    `<var>.<field>`; static per-CPU storage starts zeroed, so an absent key reads 0 and a
//    0 written is deleted (one state, not two);
//  - `task:<id>` a task_struct (`current`, v7.0's `&current->lazy_mmu_state`), members
//    appended as for per-CPU objects: kept in the task's `flags` under `<field>.<field>`
//    (`lazy_mmu_state.enable_count`, where the engine's v7.0 layer keeps it too); an absent
//    key reads 0 and a 0 written is deleted;
//  - `pte:<addr>` a PTE (`ptep`): its value is the model's `pte[addr]`, and a store to it is
//    the architecture's binding (what the MMU then holds);
//  - `mm:user`, `mm:kernel` an mm (`&init_mm` is `mm:kernel`). Its own fields are not
//    modelled (sparc64's `mm->context.hugetlb_pte_count`, TSB sizing): a store to one is
//    dropped and a load reads 0.
// Model addresses (`user:0`) are the `vaddr`/`addr` values.

import type { Draft } from "immer";
import { cpuOf } from "../kernel/context";
import type { StepEnv } from "../kernel/program";
import { type Addr, type Kernel, mmOf, type Val } from "../kernel/state";

export interface Run {
  readonly d: Draft<Kernel>;
  readonly env: StepEnv;
}

export type Eval = (r: Run) => Val;

/** What a store to a PTE does to memory and to what the MMU holds (per architecture). */
export type PteStore = (r: Run, addr: Addr, old: number, value: number) => void;

export function perCpuPointer(cpu: number, name: string): string {
  return `pcpu:${cpu}:${name}`;
}

export function ptePointer(addr: Addr): string {
  return `pte:${addr}`;
}

export function mmPointer(addr: Addr): string {
  return `mm:${mmOf(addr)}`;
}

export function taskPointer(id: string): string {
  return `task:${id}`;
}

/**
 * `v` with the CPU and the task a pointer names renamed (`pcpu:<cpu>:...`, `task:<id>...`,
 * an idle task's `task:idle@cpu<cpu>...`); any other value as it is. Symmetry reduction
 * (checker/explore/symmetry.ts) renames CPUs and tasks in every value a state holds, and a
 * derived model's locals and per-CPU variables may hold pointers.
 */
export function relabelPointer(
  v: Val,
  cpu: (c: number) => number,
  task: (id: string) => string,
): Val {
  if (typeof v !== "string") return v;
  if (v.startsWith("pcpu:")) {
    const rest = v.slice("pcpu:".length);
    const colon = rest.indexOf(":");
    return perCpuPointer(cpu(Number(rest.slice(0, colon))), rest.slice(colon + 1));
  }
  if (!v.startsWith("task:")) return v;
  const rest = v.slice("task:".length);
  const dot = rest.indexOf(".");
  const id = dot < 0 ? rest : rest.slice(0, dot);
  const idle = /^idle@cpu(\d+)$/.exec(id);
  const to = idle ? `idle@cpu${cpu(Number(idle[1]))}` : task(id);
  return taskPointer(dot < 0 ? to : `${to}${rest.slice(dot)}`);
}

export function member(ptr: Val, name: string | number): string {
  if (
    typeof ptr !== "string" ||
    !(ptr.startsWith("pcpu:") || ptr.startsWith("task:") || ptr.startsWith("mm:"))
  ) {
    throw new Error(
      `model error: member ${name} of ${String(ptr)}, which is not a per-CPU object, a task or an mm`,
    );
  }
  return `${ptr}.${name}`;
}

/** The element `i` places after the array element `ptr` points at (`&b->vaddrs[0]` + i). */
export function element(ptr: Val, i: number): string {
  const s = String(ptr);
  const dot = s.lastIndexOf(".");
  const base = Number(s.slice(dot + 1));
  if (dot < 0 || !Number.isInteger(base))
    throw new Error(`model error: ${s} is not an array element`);
  return `${s.slice(0, dot)}.${base + i}`;
}

function perCpuSlot(r: Run, ptr: string): [Record<string, Val>, string] {
  const rest = ptr.slice("pcpu:".length);
  const colon = rest.indexOf(":");
  const cpu = Number(rest.slice(0, colon));
  const c = r.d.cpus[cpu];
  if (!c) throw new Error(`model error: no CPU ${cpu}`);
  return [c.arch as Record<string, Val>, rest.slice(colon + 1)];
}

/**
 * `task:<id>.<path>`: the task's flags object and the key `<path>`. An idle CPU's task
 * (`task:idle@cpuN`) has no state in the model: it reads as zeroes and cannot be written.
 */
function taskSlot(r: Run, ptr: string, writing: boolean): [Record<string, Val>, string] {
  const rest = ptr.slice("task:".length);
  const dot = rest.indexOf(".");
  const id = dot < 0 ? rest : rest.slice(0, dot);
  const t = r.d.tasks.find((x) => x.id === id);
  if (dot < 0 || (!t && writing)) throw new Error(`model error: cannot reach ${ptr}`);
  return [t ? (t.flags as Record<string, Val>) : {}, rest.slice(dot + 1)];
}

function slotOf(r: Run, p: string, writing: boolean): [Record<string, Val>, string] | undefined {
  if (p.startsWith("pcpu:")) return perCpuSlot(r, p);
  if (p.startsWith("task:")) return taskSlot(r, p, writing);
  return undefined;
}

export function load(r: Run, ptr: Val): Val {
  const p = String(ptr);
  const slot = slotOf(r, p, false);
  if (slot) {
    const [o, k] = slot;
    return o[k] ?? 0;
  }
  if (p.startsWith("pte:")) return r.d.pte[p.slice(4)] ?? 0;
  if (p.startsWith("mm:") && p.includes(".")) return 0;
  throw new Error(`model error: cannot read through ${p}`);
}

export function store(r: Run, ptr: Val, v: Val, pteStore: PteStore): void {
  const p = String(ptr);
  const slot = slotOf(r, p, true);
  if (slot) {
    const [o, k] = slot;
    if (v === 0 || v === false) {
      if (k in o) delete o[k];
    } else if (o[k] !== v) o[k] = v;
    return;
  }
  if (p.startsWith("pte:")) {
    const addr = p.slice(4);
    pteStore(r, addr, Number(r.d.pte[addr] ?? 0), Number(v));
    return;
  }
  if (p.startsWith("mm:") && p.includes(".")) return;
  throw new Error(`model error: cannot write through ${p}`);
}

/** The CPU a per-CPU access lands on: the one this step runs on. */
export function thisCpu(r: Run): number {
  return cpuOf(r.d, r.env).id;
}

export function truthy(v: Val): boolean {
  return v !== 0 && v !== false && v !== "";
}

// The state of a small machine running the Linux kernel: CPUs, tasks, interrupt handlers,
// page tables and what the MMU hardware sees. Plain immutable data (immer produces every
// successor), so that a state can be encoded, compared and replayed.
//
// Declared once, field by field: each entry of CPU_FIELDS, TASK_FIELDS, HW_FIELDS and
// KERNEL_FIELDS says how the field is stored (its kind, model/kernel/kind.ts: the
// TypeScript types below are computed from it, the packed layout and the ITF codec compiled
// from it), its value in the initial state, the facts the renderers show of it and, if rules
// read it, its place in the rules' state view (model/kernel/fields.ts derives each). Adding
// a field is adding one entry here; the kernel code that writes it is a model step.

import {
  type FactOut,
  factsOf,
  fieldsOf,
  initOf,
  kindOfTable,
  type TypeOfTable,
  viewerOf,
} from "./fields";
import {
  absentOr,
  bool,
  int,
  list,
  oneOf,
  optional,
  record,
  set,
  str,
  struct,
  type TypeOfKind,
  type Val,
  val,
} from "./kind";

export type { Val };

/** A PTE's address, as `<mm>:<index>`: `user:0` or `kernel:1` (`init_mm`). */
export type Addr = string;

/** 0 is `pte_none`; any other number is a present PTE pointing at that page. */
export type PteVal = number;

export type PreemptionModel = "none" | "full" | "rt";

/**
 * One activation record: which procedure, where in it, its arguments and locals; `result`
 * is the caller's local that receives this call's return value (absent: none).
 */
const FRAME = struct({
  proc: str,
  pc: int,
  args: record(val),
  locals: record(val),
  result: absentOr(str),
});
export type Frame = TypeOfKind<typeof FRAME>;

/**
 * What the checker observes of one context, independent of the architecture: the lazy MMU
 * calls it made and the PTE changes it made inside its regions. Rules read this.
 * `lazyDepth`: arch_enter_lazy_mmu_mode() calls not yet matched by a leave; `regions`: one
 * entry per open region (innermost last), the addresses written since its enter; `wrote`:
 * the value this context last wrote to each address while in a region.
 */
const GHOST = struct({ lazyDepth: int, regions: list(list(str)), wrote: record(int) });
export type Ghost = TypeOfKind<typeof GHOST>;

export const emptyGhost: Ghost = { lazyDepth: 0, regions: [], wrote: {} };

/** An interrupt handler's own state: its source, stack, preempt count and ghost. */
const IRQ_FRAME = struct({ source: str, stack: list(FRAME), preemptCount: int, ghost: GHOST });
export type IrqFrame = TypeOfKind<typeof IRQ_FRAME>;

/**
 * An interrupt handler running on a CPU, above whatever task that CPU was running.
 * `interrupted`: the softirq this hardirq landed on (softirqs run with interrupts enabled,
 * so a hardirq can nest over one; kernel/softirq.c handle_softirqs()): it resumes when this
 * returns. One level only: a hardirq never lands on a hardirq, a softirq only on a task, so
 * the interrupted one interrupted nothing (and the state schema stays finite).
 */
const IRQ = struct({ ...IRQ_FRAME.fields, interrupted: optional(IRQ_FRAME) });
export type IrqContext = TypeOfKind<typeof IRQ>;

/**
 * One entry of a hypervisor multicall buffer (Xen PV), issued in order: an mmu_update of
 * the PTE at `addr` to `value`, or (`op: "tlb-flush"`) an MMUEXT TLB-flush op for `addr`
 * (MMUEXT_INVLPG_*, MMUEXT_TLB_FLUSH_*), queued beside the updates.
 */
const QUEUED = struct({ addr: str, value: int, op: absentOr(oneOf("tlb-flush")) });
export type QueuedUpdate = TypeOfKind<typeof QUEUED>;

/**
 * How the renderers treat the facts of one part of the state. `said`: a step's own line
 * already says its changes (where a context is, which interrupt fired, the PTE it set), so
 * the lanes do not repeat them. `initially`, in the first row of `show` and `html`: `no`
 * (where contexts are is said by the row's `runs`; the rest is noise), `nonzero` (a
 * counter), `off` (said only when not "on"); absent: whenever it has a value. `text: false`:
 * the `.txt` trace's initial state leaves it out (the interrupt bookkeeping).
 */
export interface FactDisplay {
  readonly said?: true;
  readonly initially?: "no" | "nonzero" | "off";
  readonly text?: false;
}

/**
 * Which part of the state a fact shows, in the order the renderers list them, with how they
 * treat it. Fixed fields are named as shown; `arch` and `flag` are the architecture's
 * per-CPU and per-task state, `pte` and `set to` the PTE values in memory and asked for,
 * `held by` a lock, `fired` an interrupt source's count.
 */
export const FACT_FIELDS = {
  current: { initially: "no" },
  irqs: { initially: "off", text: false },
  "in interrupt": { said: true, initially: "no" },
  arch: {},
  batch: {},
  queued: {},
  status: { initially: "no" },
  at: { said: true, initially: "no" },
  preempt_count: { initially: "nonzero" },
  migration_disabled: { initially: "nonzero" },
  flag: {},
  "lazy regions": { initially: "nonzero" },
  pte: { said: true },
  "set to": { said: true, initially: "no" },
  shared: {},
  "stale translations": {},
  "walker barriers owed": {},
  "stale TLB entries": {},
  "TLB flush overtook an update": {},
  "held by": {},
  fired: { said: true, initially: "no", text: false },
  halted: { initially: "no" },
} as const satisfies Readonly<Record<string, FactDisplay>>;
export type FactField = keyof typeof FACT_FIELDS;

/** Each fact field's place in FACT_FIELDS: the order an owner's facts are listed in. */
export const FACT_RANK: ReadonlyMap<FactField, number> = new Map(
  (Object.keys(FACT_FIELDS) as FactField[]).map((f, i) => [f, i]),
);

/** How the renderers treat facts of `field`. */
export const factDisplay = (field: FactField): FactDisplay => FACT_FIELDS[field];

/** What the machine boots with: its CPUs, tasks, interrupt sources, PTEs, shared variables. */
export interface Boot {
  readonly cpus: readonly CpuBoot[];
  readonly tasks: readonly TaskBoot[];
  readonly irqs: readonly string[];
  readonly ptes: Readonly<Record<Addr, PteVal>>;
  readonly shared: Readonly<Record<string, Val>>;
}

export interface CpuBoot {
  readonly id: number;
  /** The task it runs first, if any. */
  readonly current: string | null;
  readonly arch: Readonly<Record<string, Val>>;
}

export interface TaskBoot {
  readonly id: string;
  readonly entry: string;
  readonly cpu: number;
  /** Whether it is its CPU's first task (running), or waits on its runqueue. */
  readonly running: boolean;
  readonly flags: Readonly<Record<string, Val>>;
  /** Whether it starts inside a lazy MMU region its caller opened. */
  readonly inRegion: boolean;
}

const shown = (v: Val | null | undefined): string =>
  v === null || v === undefined ? "-" : String(v);

const listed = (items: readonly string[]): string =>
  items.length === 0 ? "[]" : `[${items.join(", ")}]`;

const fact = (field: FactField, name: string, value: string): readonly FactOut<FactField>[] => [
  { field, name, value },
];

const listFact = (field: FactField, name: string, items: readonly string[]) => [
  { field, name, value: listed(items), items },
];

/** Each key of a keyed record as its own fact: `name(key) = value`. */
const each =
  <V>(field: FactField, name: (k: string) => string, value: (v: V) => string) =>
  (r: Readonly<Record<string, V>>): readonly FactOut<FactField>[] =>
    Object.entries(r).map(([k, v]) => ({ field, name: name(k), value: value(v) }));

const cpuField = fieldsOf<CpuBoot, FactField>();

export const CPU_FIELDS = {
  // The lane or the owner's name says it.
  id: cpuField(int, { init: (b) => b.id, facts: "hidden", rules: true }),
  current: cpuField(optional(str), {
    init: (b) => b.current,
    facts: (v) => fact("current", "current", shown(v)),
    rules: true,
  }),
  irqsEnabled: cpuField(bool, {
    init: () => true,
    facts: (v) => fact("irqs", "irqs", v ? "on" : "off"),
    rules: true,
  }),
  irq: cpuField(optional(IRQ), {
    init: () => null,
    facts: (v, s) =>
      fact("in interrupt", "in interrupt", v === null ? "-" : `${v.source}: ${s.where(v.stack)}`),
  }),
  /** Per-CPU architecture state: batches, lazy modes, multicall buffers. */
  arch: cpuField(record(val), {
    init: (b) => ({ ...b.arch }),
    facts: each<Val>("arch", (k) => k, shown),
    rules: true,
  }),
  /** Updates queued for the hypervisor and not yet issued (Xen PV multicall buffer). */
  queued: cpuField(list(QUEUED), {
    init: () => [],
    facts: (v) =>
      listFact(
        "queued",
        "queued",
        v.map((u) => (u.op === "tlb-flush" ? `flush ${u.addr}` : `${u.addr}=${u.value}`)),
      ),
  }),
  /** Addresses whose TLB/TSB/hash invalidation this CPU's batch holds (sparc64, powerpc). */
  batch: cpuField(list(str), { init: () => [], facts: (v) => listFact("batch", "batch", v) }),
};
export type Cpu = TypeOfTable<typeof CPU_FIELDS>;

const taskField = fieldsOf<TaskBoot, FactField>();

export const TASK_FIELDS = {
  // The owner's name.
  id: taskField(str, { init: (b) => b.id, facts: "hidden", rules: true }),
  stack: taskField(list(FRAME), {
    init: (b) => [{ proc: b.entry, pc: 0, args: {}, locals: {} }],
    facts: (v, s) => fact("at", "at", s.where(v)),
  }),
  status: taskField(oneOf("running", "runnable", "sleeping", "done"), {
    init: (b) => (b.running ? "running" : "runnable"),
    facts: (v, s) => fact("status", "status", `${v} on CPU${String(s.owner.cpu)}`),
    rules: true,
  }),
  /** The CPU it runs on, or last ran on (and whose runqueue it is on when runnable). */
  cpu: taskField(int, { init: (b) => b.cpu, facts: "hidden", rules: true }), // said by status
  preemptCount: taskField(int, {
    init: () => 0,
    facts: (v) => fact("preempt_count", "preempt_count", String(v)),
    rules: true,
  }),
  migrationDisabled: taskField(int, {
    init: () => 0,
    facts: (v) => fact("migration_disabled", "migration_disabled", String(v)),
  }),
  /**
   * True right after a step that may sleep: under `none` only here may it be switched out.
   * The scheduler's bookkeeping: the next switch-out says it.
   */
  atSleepPoint: taskField(bool, { init: () => false, facts: "hidden" }),
  /** Thread-info flags (TIF_*, _TLF_*) and other per-task architecture state. */
  flags: taskField(record(val), {
    init: (b) => ({ ...b.flags }),
    facts: each<Val>("flag", (k) => k, shown),
    rules: true,
  }),
  ghost: taskField(GHOST, {
    init: (b) => (b.inRegion ? { lazyDepth: 1, regions: [[]], wrote: {} } : emptyGhost),
    facts: (v) => fact("lazy regions", "lazy regions", String(v.lazyDepth)),
    rules: { name: "lazyDepth", type: "number", get: (v) => v.lazyDepth },
  }),
};
export type Task = TypeOfTable<typeof TASK_FIELDS>;
export type TaskStatus = Task["status"];

const hwField = fieldsOf<Boot, FactField>();

/**
 * What the MMU sees, beyond the PTE values in memory. A PTE change is *in effect* when
 * memory holds the value last asked for, no CPU may hold a translation older than it,
 * and no barrier the walker needs to see it is still owed.
 */
export const HW_FIELDS = {
  /** Addresses whose old translation some CPU may still hold (TLB, TSB or hash entry). */
  stale: hwField(set, {
    init: () => [],
    facts: (v) => listFact("stale translations", "stale translations", v),
  }),
  /** `${cpu}:${addr}`: a store on that CPU that the walker may not see until a barrier. */
  unsynced: hwField(set, {
    init: () => [],
    facts: (v) => listFact("walker barriers owed", "walker barriers owed", v),
  }),
  /**
   * Addresses whose old translation a CPU's TLB may still hold after a PTE change that the
   * architecture does not invalidate itself (x86, arm64, the generic model): the caller
   * owes the TLB flush (flush_tlb_*(), the mmu_gather flush). sparc64 and powerpc hash
   * invalidate as part of the PTE change (their batch: `stale`), so this stays empty there.
   * Shown once used, so that a trace of an architecture that never caches reads as before.
   */
  tlb: hwField(set, {
    init: () => [],
    facts: (v) => (v.length > 0 ? listFact("stale TLB entries", "stale TLB entries", v) : []),
    old: [],
  }),
  /**
   * Addresses whose TLB flush took effect while a PTE update of them made before it was
   * still deferred (queued for the hypervisor, or a store the walker did not yet see): the
   * flush overtook the update, so the old translation can be cached again after it.
   */
  overtaken: hwField(set, {
    init: () => [],
    facts: (v) =>
      v.length > 0
        ? listFact("TLB flush overtook an update", "TLB flush overtook an update", v)
        : [],
    old: [],
  }),
};
export type Hardware = TypeOfTable<typeof HW_FIELDS>;
const HW = kindOfTable(HW_FIELDS);

const kernelField = fieldsOf<Boot, FactField>();

const cpuView = viewerOf(CPU_FIELDS);
const taskView = viewerOf(TASK_FIELDS);

export const KERNEL_FIELDS = {
  // Each CPU and each task is an owner of its own (CPU_FIELDS, TASK_FIELDS).
  cpus: kernelField(list(kindOfTable(CPU_FIELDS)), {
    init: (b) => b.cpus.map((c) => initOf(CPU_FIELDS, c)),
    facts: "hidden",
    rules: {
      type: { list: { fields: cpuView.fields } },
      get: (v) => v.map((c) => cpuView.view(c)),
    },
  }),
  tasks: kernelField(list(kindOfTable(TASK_FIELDS)), {
    init: (b) => b.tasks.map((t) => initOf(TASK_FIELDS, t)),
    facts: "hidden",
    rules: {
      type: { list: { fields: taskView.fields } },
      get: (v) => v.map((t) => taskView.view(t)),
    },
  }),
  /** How many times each interrupt source has fired. */
  irqFired: kernelField(record(int), {
    init: (b) => Object.fromEntries(b.irqs.map((i) => [i, 0])),
    facts: each<number>("fired", (i) => `irq ${i} fired`, String),
  }),
  /** Page-table locks held: owner task id (a free lock is absent). */
  locks: kernelField(record(optional(str)), {
    init: () => ({}),
    facts: each<string | null>("held by", (l) => `${l} held by`, shown),
  }),
  /** PTE values in memory. */
  pte: kernelField(record(int), {
    init: (b) => ({ ...b.ptes }),
    facts: each<number>("pte", (a) => `pte[${a}]`, String),
  }),
  /** The value the latest PTE change asked for at each address (checker's bookkeeping). */
  intended: kernelField(record(int), {
    init: (b) => ({ ...b.ptes }),
    facts: each<number>("set to", (a) => `pte[${a}] set to`, String),
  }),
  /**
   * Named shared (global) kernel variables a scenario declares: a flag another CPU sets, a
   * counter callers share. Steps read and write them as `d.shared[name]`.
   */
  shared: kernelField(record(val), {
    init: (b) => ({ ...b.shared }),
    facts: each<Val>("shared", (k) => k, shown),
    old: {},
  }),
  hw: kernelField(HW, {
    init: (b) => initOf(HW_FIELDS, b),
    facts: (v, s) => factsOf(HW_FIELDS, v, s.where, FACT_RANK),
    // `state.tlb.stale`: old translations the caller's TLB flush owes (x86, arm64, generic);
    // `state.tlb.overtaken`: addresses whose flush took effect before an earlier, still
    // deferred update of them (model/kernel/hardware.ts).
    // Address sets only, whatever CPU cached them (the model does not tell CPUs' TLBs apart)
    // and whatever task changed them.
    rules: {
      name: "tlb",
      type: { fields: { stale: { list: "string" }, overtaken: { list: "string" } } },
      get: (v) => ({ stale: v.tlb, overtaken: v.overtaken }),
      cpuFree: true,
      taskFree: true,
    },
  }),
  /** Set when a BUG_ON fired: the machine has stopped. */
  halted: kernelField(optional(str), {
    init: () => null,
    facts: (v) => fact("halted", "halted", shown(v)),
  }),
};
export type Kernel = TypeOfTable<typeof KERNEL_FIELDS>;

/** The machine's initial state: each field's `init`. */
export function initialKernel(boot: Boot): Kernel {
  return initOf(KERNEL_FIELDS, boot);
}

export function mmOf(addr: Addr): "user" | "kernel" {
  return addr.startsWith("kernel:") ? "kernel" : "user";
}

// What went wrong, in words, from a trace alone: the rule and its text, the violation the
// monitor reported and its notes, then what the last state says about each PTE involved
// (memory, the value asked for, a translation some CPU may still hold and since when,
// the CPU whose batch or hypervisor queue holds the flush or the update, a walker barrier
// owed), who is still in lazy MMU mode, every kernel debug check that fired (BUG_ON,
// WARN_ON, DEBUG_PREEMPT, might_sleep) with where and why, and for a deadlock who is stuck.

import { unsyncedEntry } from "../../model/kernel/hardware";
import type { Kernel } from "../../model/kernel/state";
import type { EventMeta, StepMeta } from "../trace/document";
import type { LoadedTrace } from "../trace/read";

export interface Story {
  readonly headline: string;
  readonly rule: string;
  readonly happened: readonly string[];
  readonly ptes: readonly string[];
  readonly lazy: readonly string[];
  readonly checks: readonly string[];
  readonly stuck: readonly string[];
}

const WHY: Record<string, string> = {
  "smp_processor_id-preemptible":
    "this_cpu_ptr()/smp_processor_id() ran with preemption and migration enabled: the task can be moved to another CPU and go on using the first CPU's data",
  "sleep-in-atomic":
    "a function that may sleep ran with preemption or interrupts disabled (might_sleep)",
  "preempt-count-underflow": "preempt_enable() without a matching preempt_disable()",
  "bad-unlock": "a lock was released by a context that does not hold it",
  BUG_ON: "the condition the BUG_ON asserts against was true; the kernel stops here",
  WARN_ON: "the condition the WARN_ON asserts against was true",
  VM_WARN_ON: "the condition the VM_WARN_ON asserts against was true (CONFIG_DEBUG_VM)",
};

function where(m: StepMeta): string {
  const what = [m.fn, m.label].filter((x) => x !== undefined).join(": ");
  return `${what}${m.at === undefined ? "" : ` [${m.at}]`}`;
}

type Bug = Extract<EventMeta, { kind: "bug" }>;

function checkLine(b: Bug, m: StepMeta): string {
  const why = WHY[b.check] ?? `the ${b.check} check fired`;
  const halted = b.fatal ? " The machine halted." : "";
  return `step ${m.index}, ${b.context.id} on CPU${b.context.cpu}, in ${where(m)}: ${b.message}. Why: ${why}.${halted}`;
}

/** The last step at which `addr` became stale, and the PTE value before it. */
function staleSince(trace: LoadedTrace, addr: string): { step: StepMeta; old: number } | undefined {
  const steps = trace.steps;
  for (let i = steps.length - 1; i > 0; i--) {
    const now = steps[i];
    const before = steps[i - 1];
    if (!now || !before) continue;
    if (now.state.hw.stale.includes(addr) && !before.state.hw.stale.includes(addr))
      return { step: now.meta, old: before.state.pte[addr] ?? 0 };
  }
  return undefined;
}

/** The last step that asked for the value `addr` holds in `intended` at the end. */
function askedAt(trace: LoadedTrace, addr: string): StepMeta | undefined {
  const steps = trace.steps;
  for (let i = steps.length - 1; i > 0; i--) {
    const now = steps[i];
    const before = steps[i - 1];
    if (now && before && now.state.intended[addr] !== before.state.intended[addr]) return now.meta;
  }
  return undefined;
}

function who(m: StepMeta): string {
  return `${m.context?.id ?? "?"}${m.cpu === undefined ? "" : ` on CPU${m.cpu}`}`;
}

function ptesInvolved(trace: LoadedTrace, last: Kernel): string[] {
  const named = new Set<string>();
  for (const a of trace.meta.addrs) named.add(a);
  for (const a of last.hw.stale) named.add(a);
  for (const k of last.hw.unsynced) named.add(unsyncedEntry(k).addr);
  for (const c of last.cpus) for (const u of c.queued) named.add(u.addr);
  for (const [a, v] of Object.entries(last.intended)) if ((last.pte[a] ?? 0) !== v) named.add(a);
  return [...named].sort();
}

function pteLine(trace: LoadedTrace, last: Kernel, addr: string): string {
  const mem = last.pte[addr] ?? 0;
  const asked = last.intended[addr] ?? 0;
  const parts: string[] = [`pte[${addr}]: memory holds ${mem}`];
  if (asked !== mem) {
    const at = askedAt(trace, addr);
    parts.push(
      `but ${asked} was asked for${at === undefined ? "" : ` at step ${at.index} by ${who(at)}`} and is not in memory yet`,
    );
  }
  for (const c of last.cpus) {
    const q = c.queued.filter((u) => u.addr === addr);
    if (q.length > 0)
      parts.push(
        `CPU${c.id} has queued ${q.map((u) => `${addr} = ${u.value}`).join(", ")} for the hypervisor, not yet issued`,
      );
  }
  if (last.hw.stale.includes(addr)) {
    const since = staleSince(trace, addr);
    const batched = last.cpus.filter((c) => c.batch.includes(addr)).map((c) => `CPU${c.id}`);
    parts.push(
      `a CPU may still translate ${addr} through the old PTE${since === undefined ? "" : ` (value ${since.old}, changed at step ${since.step.index} by ${who(since.step)})`}: its TLB/TSB flush has not run`,
    );
    if (batched.length > 0)
      parts.push(
        `the flush waits in ${batched.join(" and ")}'s batch, until that CPU leaves or flushes lazy MMU mode`,
      );
  }
  const owed = last.hw.unsynced
    .map(unsyncedEntry)
    .filter((u) => u.addr === addr)
    .map((u) => u.cpu);
  if (owed.length > 0)
    parts.push(
      `the store on CPU${owed.join(", CPU")} is not yet visible to the page-table walker (a barrier is owed)`,
    );
  if (parts.length === 1) parts.push("in effect");
  return parts.join("; ");
}

function lazyLines(last: Kernel): string[] {
  const out: string[] = [];
  for (const t of last.tasks) {
    if (t.ghost.lazyDepth > 0)
      out.push(
        `${t.id} is in lazy MMU mode (${t.ghost.lazyDepth} region(s) open), ${t.status} on CPU${t.cpu}, preempt_count ${t.preemptCount}`,
      );
  }
  for (const c of last.cpus) {
    if (c.irq !== null && c.irq.ghost.lazyDepth > 0)
      out.push(`interrupt ${c.irq.source} on CPU${c.id} is in lazy MMU mode`);
  }
  return out;
}

function stuckLines(last: Kernel): string[] {
  const out: string[] = [];
  for (const t of last.tasks) {
    if (t.status === "done") continue;
    const at = t.stack.map((f) => f.proc).join(" > ");
    out.push(`${t.id}: ${t.status} on CPU${t.cpu}, in ${at || "(no frame)"}`);
  }
  for (const [l, o] of Object.entries(last.locks)) if (o !== null) out.push(`${l} held by ${o}`);
  return out;
}

export function story(trace: LoadedTrace): Story {
  const { meta } = trace;
  const lastStep = trace.steps[trace.steps.length - 1];
  if (!lastStep) throw new Error("checker error: a loaded trace without states");
  const last = lastStep.state;
  const n = lastStep.meta.index;
  const whose =
    meta.obligation === "caller"
      ? "an obligation of the callers"
      : meta.obligation === "implementation"
        ? "an obligation of the architecture's implementation"
        : "a property of the model";
  const checks = trace.steps.flatMap((s) =>
    s.meta.events.flatMap((e) => (e.kind === "bug" ? [checkLine(e, s.meta)] : [])),
  );
  return {
    headline: `${meta.rule} is violated at step ${n} (${whose})`,
    rule: meta.text,
    happened: [meta.violation, ...meta.notes],
    ptes: ptesInvolved(trace, last).map((a) => pteLine(trace, last, a)),
    lazy: lazyLines(last),
    checks,
    stuck: meta.rule === "deadlock" ? stuckLines(last) : [],
  };
}

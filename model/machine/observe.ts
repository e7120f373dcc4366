// What the checker observes as the machine runs: calls and returns of kernel functions,
// PTE reads, debug checks firing, contexts finishing; each with a view of the context
// that did it. It also keeps each context's ghost: its open lazy MMU regions and the PTE
// changes made in them. Nothing here depends on an architecture. The event kinds and
// their fields are declared in model/kernel/events.ts.

import type { Draft } from "immer";
import { contextOf, findContext, softirqCount } from "../kernel/context";
import { ENTER, FLUSH, LEAVE } from "../kernel/hooks";
import { ENABLE_COUNT, PAUSE_COUNT } from "../kernel/lazy-mmu-mode";
import { PTE_CLEARERS, PTE_WRITERS } from "../kernel/primitives";
import type { BugCheck, ContextRef } from "../kernel/program";
import { type Addr, type Ghost, type Kernel, mmOf, type PteVal, type Val } from "../kernel/state";
import type { CONTEXT_FIELDS, EVENT_FIELDS, EventKind, FieldsOf } from "./vocabulary";

export { ENTER, FLUSH, LEAVE };

/** A context as rules see it at the moment of an event (declared in vocabulary.ts). */
export type ContextView = FieldsOf<typeof CONTEXT_FIELDS>;

type EventOf<K extends EventKind> = { readonly kind: K; readonly ctx: ContextView } & FieldsOf<
  (typeof EVENT_FIELDS)[K]
>;

/** An event the checker observes; its kinds and fields are declared in model/kernel/events.ts. */
export type Observation = { [K in EventKind]: EventOf<K> }[EventKind];

/**
 * Which fields of an event's context view a consumer reads: all of them, or these (the
 * others are left out of the view: the explorer builds only what the spec's checks read).
 */
export type ViewFields = "all" | readonly (keyof ContextView)[];

/**
 * Which events a consumer wants recorded, and which context fields it reads of them
 * (false: not recorded; the ghost is kept up to date regardless).
 */
export type Listen = (kind: Observation["kind"], fn?: string) => ViewFields | false;

export const listenAll: Listen = () => "all";

export function contextId(ref: ContextRef): string {
  return ref.kind === "task" ? ref.id : `${ref.source}@cpu${ref.cpu}`;
}

// The ghost looked up last, by draft and context: a step's calls and returns ask for the
// same context's ghost in the same draft several times, and each lookup searches the
// tasks. Nothing replaces a ghost object inside one draft (a handler that returns or
// arrives replaces the CPU's irq, but it is another context then: another `ref`).
let lastDraft: unknown;
let lastRef: ContextRef | undefined;
let lastGhost: Draft<Ghost> | undefined;

function ghostOf(d: Draft<Kernel>, ref: ContextRef): Draft<Ghost> {
  if (d === lastDraft && ref === lastRef && lastGhost !== undefined) return lastGhost;
  const g = findGhost(d, ref);
  lastDraft = d;
  lastRef = ref;
  lastGhost = g;
  return g;
}

function findGhost(d: Draft<Kernel>, ref: ContextRef): Draft<Ghost> {
  return contextOf(d, ref).ghost;
}

/** What the fields of a view are computed from. */
interface Seen {
  readonly d: Draft<Kernel>;
  readonly ref: ContextRef;
  readonly cpu: number;
  readonly g: Draft<Ghost>;
}

const taskOf = (v: Seen) =>
  v.ref.kind === "task" ? v.d.tasks.find((x) => x.id === (v.ref as { id: string }).id) : undefined;

/** `current`'s flags: the task itself, or the task an interrupt handler interrupted. */
function currentFlags(v: Seen): Readonly<Record<string, Val>> {
  const { d, ref } = v;
  const currentId = ref.kind === "task" ? ref.id : (d.cpus[ref.cpu]?.current ?? null);
  return d.tasks.find((x) => x.id === currentId)?.flags ?? {};
}

function locksHeld(v: Seen): string[] {
  const { d, ref } = v;
  if (ref.kind !== "task") return [];
  return Object.keys(d.locks)
    .filter((l) => d.locks[l] === ref.id)
    .sort();
}

/**
 * in_interrupt(): an interrupt handler, or a task with bottom halves disabled or serving
 * softirqs (include/linux/preempt.h irq_count()).
 */
function inInterrupt(v: Seen): boolean {
  const task = taskOf(v);
  return v.ref.kind === "irq" || (task !== undefined && softirqCount(task) > 0);
}

const enableCount = (v: Seen) => Number(currentFlags(v)[ENABLE_COUNT] ?? 0);
const pauseCount = (v: Seen) => Number(currentFlags(v)[PAUSE_COUNT] ?? 0);

/** Each field of a context view, as computed at the moment of the event. */
const VIEW: { readonly [K in keyof ContextView]: (v: Seen) => ContextView[K] } = {
  id: (v) => contextId(v.ref),
  kind: (v) => v.ref.kind,
  cpu: (v) => v.cpu,
  inInterrupt,
  preemptCount: (v) => findContext(v.d, v.ref)?.preemptCount ?? 0,
  lazyDepth: (v) => v.g.lazyDepth,
  regionWrites: (v) => [...(v.g.regions[v.g.regions.length - 1] ?? [])],
  outerRegionWrites: (v) => [...(v.g.regions[0] ?? [])],
  wrote: (v) => ({ ...v.g.wrote }),
  locksHeld,
  ptlHeld: (v) =>
    [
      ...new Set(
        locksHeld(v)
          .filter((l) => l.startsWith("ptl:"))
          .map((l) => l.slice(4).split("#")[0] ?? ""),
      ),
    ].sort(),
  regionMms: (v) =>
    [...new Set((v.g.regions[v.g.regions.length - 1] ?? []).map((a) => mmOf(a)))].sort(),
  enableCount,
  pauseCount,
  lazyActive: (v) => !inInterrupt(v) && enableCount(v) > 0 && pauseCount(v) === 0,
};

const ALL_FIELDS = Object.keys(VIEW) as (keyof ContextView)[];

/** The view of `ref` now: every field, or only those asked for. */
export function viewOf(
  d: Draft<Kernel>,
  ref: ContextRef,
  cpu: number,
  fields: ViewFields = "all",
): ContextView {
  const v: Seen = { d, ref, cpu, g: ghostOf(d, ref) };
  const out: Record<string, unknown> = {};
  for (const f of fields === "all" ? ALL_FIELDS : fields) out[f] = VIEW[f](v);
  // Every field asked for is there; a consumer that asked for some reads only those.
  return out as ContextView;
}

/** A procedure is entered: record it, then update the ghost (rules see the state before). */
export function observeCall(
  d: Draft<Kernel>,
  ref: ContextRef,
  cpu: number,
  fn: string,
  args: Readonly<Record<string, Val>>,
  out: Observation[],
  listen: Listen,
): void {
  const fields = listen("call", fn);
  if (fields !== false)
    out.push({ kind: "call", fn, args: { ...args }, ctx: viewOf(d, ref, cpu, fields) });
  const g = ghostOf(d, ref);
  if (fn === ENTER) {
    g.lazyDepth += 1;
    g.regions.push([]);
  } else if (PTE_WRITERS.has(fn)) {
    const addr = String(args.addr);
    const value = PTE_CLEARERS.has(fn) ? 0 : Number(args.value ?? 0);
    (d.intended as Record<Addr, PteVal>)[addr] = value;
    if (g.lazyDepth > 0) {
      for (const r of g.regions) if (!r.includes(addr)) r.push(addr);
      g.wrote[addr] = value;
    }
  }
}

/** A procedure returns: record it (rules see the region it closes), then update the ghost. */
export function observeReturn(
  d: Draft<Kernel>,
  ref: ContextRef,
  cpu: number,
  fn: string,
  args: Readonly<Record<string, Val>>,
  out: Observation[],
  listen: Listen,
): void {
  const fields = listen("return", fn);
  if (fields !== false) {
    out.push({ kind: "return", fn, args: { ...args }, ctx: viewOf(d, ref, cpu, fields) });
  }
  if (fn !== LEAVE) return;
  const g = ghostOf(d, ref);
  if (g.lazyDepth === 0) return;
  g.lazyDepth -= 1;
  g.regions.pop();
  if (g.lazyDepth === 0) g.wrote = {};
}

/** A step that may sleep is about to run (rules see the context before it). */
export function observeMightSleep(
  d: Draft<Kernel>,
  ref: ContextRef,
  cpu: number,
  fn: string,
  label: string,
  out: Observation[],
  fields: ViewFields = "all",
): void {
  out.push({ kind: "might-sleep", fn, label, ctx: viewOf(d, ref, cpu, fields) });
}

/** Where a check fired: the kernel function, and the step's `at` (`file:line` or `file (fn)`). */
export interface CodeAt {
  readonly fn: string;
  readonly at: string;
}

export type BugCode = "caller" | "implementation";

/** The file of a step's `at`: `mm/vmalloc.c:480` and `mm/vmalloc.c (vmap_pte_range)` -> `mm/vmalloc.c`. */
export function fileOf(at: string): string {
  return at.split(/[ :,]/)[0] ?? at;
}

/**
 * Whose code fired a check. A BUG_ON/WARN_ON/VM_WARN_ON written in core-mm caller code
 * (mm/, fs/; not mm/tests/, whose KUnit expectations judge the implementation) is the
 * caller's: vmalloc's WARN_ONs are not the architecture's bug. Everything else is the
 * implementation's: its own assertions (arch/, the generic layer), and the debug checks
 * (smp_processor_id() in preemptible code, might_sleep, preempt count, unlock), which catch
 * a state the v6.15 contract says the implementation must be robust to.
 */
export function codeOf(check: BugCheck, at: string): BugCode {
  const assertion = check === "BUG_ON" || check === "WARN_ON" || check === "VM_WARN_ON";
  const file = fileOf(at);
  const core = (file.startsWith("mm/") && !file.startsWith("mm/tests/")) || file.startsWith("fs/");
  return assertion && core ? "caller" : "implementation";
}

export function observeBug(
  d: Draft<Kernel>,
  ref: ContextRef,
  cpu: number,
  check: BugCheck,
  message: string,
  fatal: boolean,
  origin: CodeAt,
  out: Observation[],
  fields: ViewFields = "all",
): void {
  out.push({
    kind: "bug",
    check,
    message,
    fatal,
    fn: origin.fn,
    file: fileOf(origin.at),
    code: codeOf(check, origin.at),
    ctx: viewOf(d, ref, cpu, fields),
  });
}

// The Informal Trace Format (Apalache ADR-015, https://apalache-mc.org/docs/adr/015adr-trace.html,
// with the variants Quint's quint/src/itf.ts writes): integers as {"#bigint"}, maps as
// {"#map": [[k, v], ...]}, sets as {"#set"}, records as objects, lists as arrays, absent
// values as the variant {"tag": "None", "value": {"#tup": []}}. Encoding follows the shape
// of a kernel state field by field, so decoding gives back the same state (the round trip
// is a property test). The model keeps `hw.stale` and `hw.unsynced` sorted, so a set
// decodes to its sorted list; `cpu.batch` and `cpu.queued` are ordered (lists).

import type {
  Cpu,
  Frame,
  Ghost,
  IrqContext,
  IrqFrame,
  Kernel,
  Task,
  Val,
} from "../../model/kernel/state";

export type Itf =
  | string
  | boolean
  | { readonly "#bigint": string }
  | { readonly "#map": readonly (readonly [Itf, Itf])[] }
  | { readonly "#set": readonly Itf[] }
  | { readonly "#tup": readonly Itf[] }
  | { readonly tag: string; readonly value: Itf }
  | readonly Itf[]
  | { readonly [field: string]: Itf };

export const STATE_VARS = [
  "cpus",
  "tasks",
  "irqFired",
  "locks",
  "pte",
  "intended",
  "hw",
  "halted",
] as const;

const int = (n: number): Itf => ({ "#bigint": String(n) });
const none: Itf = { tag: "None", value: { "#tup": [] } };
const some = (v: Itf): Itf => ({ tag: "Some", value: v });
const opt = <T>(v: T | null, f: (x: T) => Itf): Itf => (v === null ? none : some(f(v)));
const val = (v: Val): Itf => (typeof v === "number" ? int(v) : v);
const map = <T>(r: Readonly<Record<string, T>>, f: (x: T) => Itf): Itf => ({
  "#map": Object.keys(r)
    .sort()
    .map((k) => [k, f(r[k] as T)] as const),
});
const set = (xs: readonly string[]): Itf => ({ "#set": [...xs].sort() });

const frame = (f: Frame): Itf => ({
  proc: f.proc,
  pc: int(f.pc),
  args: map(f.args, val),
  locals: map(f.locals, val),
  // Written only when set, so that traces of models without return values keep their form.
  ...(typeof f.result === "string" ? { result: f.result } : {}),
});
const ghost = (g: Ghost): Itf => ({
  lazyDepth: int(g.lazyDepth),
  regions: g.regions.map((r) => [...r]),
  wrote: map(g.wrote, int),
});
const irqFrame = (i: IrqFrame): Itf => ({
  source: i.source,
  stack: i.stack.map(frame),
  preemptCount: int(i.preemptCount),
  ghost: ghost(i.ghost),
});
const irq = (i: IrqContext): Itf => ({
  source: i.source,
  stack: i.stack.map(frame),
  preemptCount: int(i.preemptCount),
  ghost: ghost(i.ghost),
  interrupted: opt(i.interrupted, irqFrame),
});
const cpu = (c: Cpu): Itf => ({
  id: int(c.id),
  current: opt(c.current, (x) => x),
  irqsEnabled: c.irqsEnabled,
  irq: opt(c.irq, irq),
  arch: map(c.arch, val),
  queued: c.queued.map((u) => ({ addr: u.addr, value: int(u.value) })),
  batch: [...c.batch],
});
const task = (t: Task): Itf => ({
  id: t.id,
  stack: t.stack.map(frame),
  status: t.status,
  cpu: int(t.cpu),
  preemptCount: int(t.preemptCount),
  migrationDisabled: int(t.migrationDisabled),
  atSleepPoint: t.atSleepPoint,
  flags: map(t.flags, val),
  ghost: ghost(t.ghost),
});

export function stateToItf(s: Kernel): Record<(typeof STATE_VARS)[number], Itf> {
  return {
    cpus: s.cpus.map(cpu),
    tasks: s.tasks.map(task),
    irqFired: map(s.irqFired, int),
    locks: map(s.locks, (o) => opt(o, (x) => x)),
    pte: map(s.pte, int),
    intended: map(s.intended, int),
    hw: { stale: set(s.hw.stale), unsynced: set(s.hw.unsynced) },
    halted: opt(s.halted, (x) => x),
  };
}

// Decoding. A value that does not have the expected shape throws ItfShapeError with the
// path where it broke; the CLI turns that into a bad-trace error.

export class ItfShapeError extends Error {
  constructor(
    readonly path: string,
    expected: string,
  ) {
    super(`expected ${expected}`);
  }
}

type Dec<T> = (x: unknown, path: string) => T;

const obj = (x: unknown, path: string): Record<string, unknown> => {
  if (x === null || typeof x !== "object" || Array.isArray(x))
    throw new ItfShapeError(path, "an object");
  return x as Record<string, unknown>;
};
const field = <T>(x: unknown, path: string, name: string, d: Dec<T>): T =>
  d(obj(x, path)[name], `${path}/${name}`);
// ADR-015 lets a writer put an integer in [-(2^53)+1, 2^53-1] as a plain JSON number: read
// those too, though lazymmu always writes {"#bigint"}.
const dInt: Dec<number> = (x, path) => {
  if (typeof x === "number" && Number.isSafeInteger(x)) return x;
  if (x === null || typeof x !== "object" || Array.isArray(x))
    throw new ItfShapeError(path, 'an integer {"#bigint": "..."}');
  const s = (x as Record<string, unknown>)["#bigint"];
  if (typeof s !== "string" || !/^-?\d+$/.test(s))
    throw new ItfShapeError(path, 'an integer {"#bigint": "..."}');
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new ItfShapeError(path, "an integer the model can hold");
  return n;
};
const dStr: Dec<string> = (x, path) => {
  if (typeof x !== "string") throw new ItfShapeError(path, "a string");
  return x;
};
const dBool: Dec<boolean> = (x, path) => {
  if (typeof x !== "boolean") throw new ItfShapeError(path, "a boolean");
  return x;
};
const dVal: Dec<Val> = (x, path) =>
  typeof x === "string" || typeof x === "boolean" ? x : dInt(x, path);
const dList =
  <T>(d: Dec<T>): Dec<T[]> =>
  (x, path) => {
    if (!Array.isArray(x)) throw new ItfShapeError(path, "a list");
    return x.map((y, i) => d(y, `${path}/${i}`));
  };
const dMap =
  <T>(d: Dec<T>): Dec<Record<string, T>> =>
  (x, path) => {
    const entries = obj(x, path)["#map"];
    if (!Array.isArray(entries)) throw new ItfShapeError(path, 'a map {"#map": [[k, v], ...]}');
    const seen = new Set<string>();
    const out = entries.map((e: unknown, i): [string, T] => {
      if (!Array.isArray(e) || e.length !== 2)
        throw new ItfShapeError(`${path}/#map/${i}`, "a [key, value] pair");
      const k = dStr(e[0], `${path}/#map/${i}/0`);
      if (seen.has(k))
        throw new ItfShapeError(`${path}/#map/${i}/0`, `a key not already in the map ("${k}" is)`);
      seen.add(k);
      return [k, d(e[1], `${path}/#map/${i}/1`)];
    });
    // fromEntries, not assignment: a key such as "__proto__" stays an own property.
    return Object.fromEntries(out);
  };
const dSet: Dec<string[]> = (x, path) => {
  const xs = obj(x, path)["#set"];
  if (!Array.isArray(xs)) throw new ItfShapeError(path, 'a set {"#set": [...]}');
  const out = xs.map((y, i) => dStr(y, `${path}/#set/${i}`));
  out.forEach((y, i) => {
    if (out.indexOf(y) !== i)
      throw new ItfShapeError(`${path}/#set/${i}`, `an element not already in the set ("${y}" is)`);
  });
  return out.sort();
};
const dOpt =
  <T>(d: Dec<T>): Dec<T | null> =>
  (x, path) => {
    const o = obj(x, path);
    if (o.tag === "None") return null;
    if (o.tag === "Some") return d(o.value, `${path}/value`);
    throw new ItfShapeError(path, 'an option {"tag": "None" | "Some", "value": ...}');
  };
const dFrame: Dec<Frame> = (x, p) => ({
  proc: field(x, p, "proc", dStr),
  pc: field(x, p, "pc", dInt),
  args: field(x, p, "args", dMap(dVal)),
  locals: field(x, p, "locals", dMap(dVal)),
  ...(obj(x, p).result === undefined ? {} : { result: field(x, p, "result", dStr) }),
});
const dGhost: Dec<Ghost> = (x, p) => ({
  lazyDepth: field(x, p, "lazyDepth", dInt),
  regions: field(x, p, "regions", dList(dList(dStr))),
  wrote: field(x, p, "wrote", dMap(dInt)),
});
const dIrqFrame: Dec<IrqFrame> = (x, p) => ({
  source: field(x, p, "source", dStr),
  stack: field(x, p, "stack", dList(dFrame)),
  preemptCount: field(x, p, "preemptCount", dInt),
  ghost: field(x, p, "ghost", dGhost),
});
const dIrq: Dec<IrqContext> = (x, p) => ({
  ...dIrqFrame(x, p),
  // Absent in traces written before softirqs were modelled: nothing interrupted.
  interrupted:
    obj(x, p).interrupted === undefined ? null : field(x, p, "interrupted", dOpt(dIrqFrame)),
});
const dCpu: Dec<Cpu> = (x, p) => ({
  id: field(x, p, "id", dInt),
  current: field(x, p, "current", dOpt(dStr)),
  irqsEnabled: field(x, p, "irqsEnabled", dBool),
  irq: field(x, p, "irq", dOpt(dIrq)),
  arch: field(x, p, "arch", dMap(dVal)),
  queued: field(
    x,
    p,
    "queued",
    dList((u, q) => ({ addr: field(u, q, "addr", dStr), value: field(u, q, "value", dInt) })),
  ),
  batch: field(x, p, "batch", dList(dStr)),
});
const STATUSES = new Set(["running", "runnable", "sleeping", "done"]);
const dTask: Dec<Task> = (x, p) => {
  const status = field(x, p, "status", dStr);
  if (!STATUSES.has(status))
    throw new ItfShapeError(`${p}/status`, "running, runnable, sleeping or done");
  return {
    id: field(x, p, "id", dStr),
    stack: field(x, p, "stack", dList(dFrame)),
    status: status as Task["status"],
    cpu: field(x, p, "cpu", dInt),
    preemptCount: field(x, p, "preemptCount", dInt),
    migrationDisabled: field(x, p, "migrationDisabled", dInt),
    atSleepPoint: field(x, p, "atSleepPoint", dBool),
    flags: field(x, p, "flags", dMap(dVal)),
    ghost: field(x, p, "ghost", dGhost),
  };
};

export function stateFromItf(x: unknown, path: string): Kernel {
  return {
    cpus: field(x, path, "cpus", dList(dCpu)),
    tasks: field(x, path, "tasks", dList(dTask)),
    irqFired: field(x, path, "irqFired", dMap(dInt)),
    locks: field(x, path, "locks", dMap(dOpt(dStr))),
    pte: field(x, path, "pte", dMap(dInt)),
    intended: field(x, path, "intended", dMap(dInt)),
    hw: {
      stale: field(obj(x, path).hw, `${path}/hw`, "stale", dSet),
      unsynced: field(obj(x, path).hw, `${path}/hw`, "unsynced", dSet),
    },
    halted: field(x, path, "halted", dOpt(dStr)),
  };
}

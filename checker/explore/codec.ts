// The packed encoding of a state, derived from a declaration of its fields (model/kernel/
// schema.ts): each value is written as variable-length integers into a byte buffer, strings
// as small interned numbers, records with their keys sorted. The encoding is
// self-delimiting and canonical, so two states are equal exactly when their bytes are (the
// store compares bytes in full: no hash collision can merge two states). The same
// declaration gives the decoder and a deep copy (the explorer's scratch state).
//
// The three are compiled from the declaration into straight-line JavaScript (as ajv and
// fast-json-stringify do): a walk that interprets the declaration at every field costs
// several times more, and these run for every transition explored.

import type { Kind } from "../../model/kernel/schema";

/** Strings seen so far, numbered in order of first use (one table per run or process). */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly strings: string[] = [];
  private readonly numberIds = new Map<number, number>();
  readonly numbers: number[] = [];

  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, i);
    }
    return i;
  }

  /** A number that does not fit the inline form (a fraction, a large magnitude). */
  numberId(n: number): number {
    let i = this.numberIds.get(n);
    if (i === undefined) {
      i = this.numbers.length;
      this.numbers.push(n);
      this.numberIds.set(n, i);
    }
    return i;
  }

  /** The string numbered `id`. */
  string(id: number): string | undefined {
    return this.strings[id];
  }

  /** The number numbered `id`. */
  number(id: number): number | undefined {
    return this.numbers[id];
  }
}

/** A growable byte buffer written as unsigned LEB128 integers (7 bits a byte). */
export class Writer {
  buf = new Uint8Array(1024);
  len = 0;
  /** Views of the buffer's first n bytes, by n: `bytes()` makes each once per buffer. */
  private views: Uint8Array[] = [];

  reset(): void {
    this.len = 0;
  }

  uint(n: number): void {
    if (this.len + 5 > this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
      this.views = [];
    }
    while (n >= 0x80) {
      this.buf[this.len++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buf[this.len++] = n;
  }

  /** The bytes written: a view that the next write changes (copy it to keep it). */
  bytes(): Uint8Array {
    let v = this.views[this.len];
    if (v === undefined) {
      v = this.buf.subarray(0, this.len);
      this.views[this.len] = v;
    }
    return v;
  }
}

export class Reader {
  pos = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly end = buf.length,
  ) {}

  uint(): number {
    let n = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new Error("checker error: a packed state ends early");
      const b = this.buf[this.pos++] ?? 0;
      n |= (b & 0x7f) << shift;
      if (b < 0x80) return n >>> 0;
      shift += 7;
    }
  }
}

// A scalar as one integer: the low two bits say which kind. Small whole numbers are inline
// (zigzag, so small negative ones stay short); other numbers go through the interner.
const TAG_INT = 0;
const TAG_BOOL = 1;
const TAG_STRING = 2;
const TAG_NUMBER = 3;
const INLINE = 2 ** 27;

export function writeScalar(v: number | string | boolean, w: Writer, t: Interner): void {
  if (typeof v === "number") {
    if (Number.isInteger(v) && v > -INLINE && v < INLINE && !Object.is(v, -0)) {
      w.uint((v >= 0 ? v * 2 : -v * 2 - 1) * 4 + TAG_INT);
    } else {
      w.uint(t.numberId(v) * 4 + TAG_NUMBER);
    }
  } else if (typeof v === "string") {
    w.uint(t.id(v) * 4 + TAG_STRING);
  } else {
    w.uint((v ? 1 : 0) * 4 + TAG_BOOL);
  }
}

export function readScalar(r: Reader, t: Interner): number | string | boolean {
  const code = r.uint();
  const tag = code & 3;
  const n = (code - tag) / 4;
  switch (tag) {
    case TAG_INT:
      return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
    case TAG_BOOL:
      return n === 1;
    case TAG_STRING:
      return stringAt(t, n);
    default: {
      const x = t.number(n);
      if (x === undefined) throw new Error(`checker error: no interned number ${n}`);
      return x;
    }
  }
}

export function stringAt(t: Interner, id: number): string {
  const s = t.string(id);
  if (s === undefined) throw new Error(`checker error: no interned string ${id}`);
  return s;
}

/** Writes `v` (a value of the declared shape) into `w`. */
export type Encode = (v: unknown, w: Writer, t: Interner) => void;
/** Reads a value of the declared shape back from `r`. */
export type Decode = (r: Reader, t: Interner) => unknown;
/** A deep copy that shares nothing mutable with its original. */
export type Copy = (v: unknown) => unknown;
/** Whether two values of the declared shape are equal (as their encodings would be). */
export type Equal = (a: unknown, b: unknown) => boolean;

/** Generates statements, naming its temporaries uniquely. */
class Gen {
  private n = 0;
  /** Arrays made once for the whole compiled function (one per place that needs one). */
  readonly scratch: string[] = [];
  fresh(base: string): string {
    return `${base}${this.n++}`;
  }
  /** An array the code at one place reuses: that place never runs inside itself. */
  scratchArray(): string {
    const name = this.fresh("scratch");
    this.scratch.push(name);
    return name;
  }
}

const prop = (obj: string, name: string) => `${obj}[${JSON.stringify(name)}]`;

function fieldKinds(k: Extract<Kind, { kind: "struct" }>): [string, Kind][] {
  return Object.entries(k.fields);
}

function encodeCode(k: Kind, v: string, g: Gen): string {
  switch (k.kind) {
    case "int":
    case "val":
      return `S(${v}, w, t);`;
    case "bool":
      return `w.uint(${v} === true ? 1 : 0);`;
    case "string":
      return `w.uint(t.id(${v}));`;
    case "optional": {
      const o = g.fresh("o");
      return `{ const ${o} = ${v}; if (${o} === null || ${o} === undefined) w.uint(0); else { w.uint(1); ${encodeCode(k.of, o, g)} } }`;
    }
    case "list": {
      const l = g.fresh("l");
      const i = g.fresh("i");
      return `{ const ${l} = ${v}; w.uint(${l}.length); for (let ${i} = 0; ${i} < ${l}.length; ${i}++) { ${encodeCode(k.of, `${l}[${i}]`, g)} } }`;
    }
    case "record": {
      const r = g.fresh("r");
      const ids = g.scratchArray();
      const key = g.fresh("k");
      const i = g.fresh("i");
      return `{ const ${r} = ${v}; if (${ids}.length !== 0) ${ids}.length = 0; for (const ${key} in ${r}) ${ids}.push(t.id(${key}));
        if (${ids}.length > 1) ${ids}.sort(byNumber); w.uint(${ids}.length);
        for (let ${i} = 0; ${i} < ${ids}.length; ${i}++) { w.uint(${ids}[${i}]); ${encodeCode(k.of, `${r}[t.strings[${ids}[${i}]]]`, g)} } }`;
    }
    case "struct": {
      const o = g.fresh("s");
      const parts = fieldKinds(k).map(([name, f]) => encodeCode(f, prop(o, name), g));
      return `{ const ${o} = ${v}; ${parts.join("\n")} }`;
    }
  }
}

function decodeCode(k: Kind, target: string, g: Gen): string {
  switch (k.kind) {
    case "int":
    case "val":
      return `${target} = RS(r, t);`;
    case "bool":
      return `${target} = r.uint() === 1;`;
    case "string":
      return `${target} = SA(t, r.uint());`;
    case "optional":
      return `if (r.uint() === 0) ${target} = ${none(k)}; else { ${decodeCode(k.of, target, g)} }`;
    case "list": {
      const n = g.fresh("n");
      const a = g.fresh("a");
      const i = g.fresh("i");
      const e = g.fresh("e");
      return `{ const ${n} = r.uint(); const ${a} = [];
        for (let ${i} = 0; ${i} < ${n}; ${i}++) { let ${e}; ${decodeCode(k.of, e, g)} ${a}.push(${e}); } ${target} = ${a}; }`;
    }
    case "record": {
      const n = g.fresh("n");
      const o = g.fresh("o");
      const i = g.fresh("i");
      const key = g.fresh("k");
      const e = g.fresh("e");
      return `{ const ${n} = r.uint(); const ${o} = {};
        for (let ${i} = 0; ${i} < ${n}; ${i}++) { const ${key} = SA(t, r.uint()); let ${e}; ${decodeCode(k.of, e, g)} ${o}[${key}] = ${e}; } ${target} = ${o}; }`;
    }
    case "struct": {
      const fields = fieldKinds(k).map(([name, f]) => ({ name, f, tmp: g.fresh("f") }));
      const reads = fields.map(({ f, tmp }) => `let ${tmp}; ${decodeCode(f, tmp, g)}`);
      const literal = fields.map(({ name, tmp }) => `${JSON.stringify(name)}: ${tmp}`).join(", ");
      return `{ ${reads.join("\n")} ${target} = { ${literal} }; }`;
    }
  }
}

/** The value an optional field has when it has none: null, or undefined for `x?: T`. */
function none(k: Extract<Kind, { kind: "optional" }>): string {
  return k.absent === true ? "undefined" : "null";
}

/** A kind whose values are immutable scalars (an optional scalar included). */
function isScalar(k: Kind): boolean {
  return k.kind === "optional"
    ? isScalar(k.of)
    : k.kind !== "list" && k.kind !== "record" && k.kind !== "struct";
}

function copyCode(k: Kind, v: string, target: string, g: Gen): string {
  switch (k.kind) {
    case "int":
    case "val":
    case "bool":
    case "string":
      return `${target} = ${v};`;
    case "optional": {
      const o = g.fresh("o");
      return `{ const ${o} = ${v}; if (${o} === null || ${o} === undefined) ${target} = ${none(k)}; else { ${copyCode(k.of, o, target, g)} } }`;
    }
    case "list": {
      // Scalars are immutable: a list or record of them is copied in one go.
      if (isScalar(k.of)) return `${target} = ${v}.slice();`;
      const l = g.fresh("l");
      const a = g.fresh("a");
      const i = g.fresh("i");
      const e = g.fresh("e");
      return `{ const ${l} = ${v}; const ${a} = [];
        for (let ${i} = 0; ${i} < ${l}.length; ${i}++) { let ${e}; ${copyCode(k.of, `${l}[${i}]`, e, g)} ${a}.push(${e}); } ${target} = ${a}; }`;
    }
    case "record": {
      if (isScalar(k.of)) return `${target} = { ...${v} };`;
      const r = g.fresh("r");
      const o = g.fresh("o");
      const key = g.fresh("k");
      const e = g.fresh("e");
      return `{ const ${r} = ${v}; const ${o} = {};
        for (const ${key} in ${r}) { let ${e}; ${copyCode(k.of, `${r}[${key}]`, e, g)} ${o}[${key}] = ${e}; } ${target} = ${o}; }`;
    }
    case "struct": {
      const o = g.fresh("s");
      const fields = fieldKinds(k).map(([name, f]) => ({ name, f, tmp: g.fresh("f") }));
      const reads = fields.map(
        ({ name, f, tmp }) => `let ${tmp}; ${copyCode(f, prop(o, name), tmp, g)}`,
      );
      const literal = fields.map(({ name, tmp }) => `${JSON.stringify(name)}: ${tmp}`).join(", ");
      return `{ const ${o} = ${v}; ${reads.join("\n")} ${target} = { ${literal} }; }`;
    }
  }
}

/** Statements that return false from the enclosing function unless `a` equals `b`. */
function equalCode(k: Kind, a: string, b: string, g: Gen): string {
  switch (k.kind) {
    case "int":
    case "val":
    case "bool":
    case "string":
      return `if (${a} !== ${b}) return false;`;
    case "optional": {
      const x = g.fresh("x");
      const y = g.fresh("y");
      return `{ const ${x} = ${a} ?? null; const ${y} = ${b} ?? null;
        if (${x} === null || ${y} === null) { if (${x} !== ${y}) return false; } else { ${equalCode(k.of, x, y, g)} } }`;
    }
    case "list": {
      const x = g.fresh("x");
      const y = g.fresh("y");
      const i = g.fresh("i");
      return `{ const ${x} = ${a}; const ${y} = ${b}; if (${x} !== ${y}) { if (${x}.length !== ${y}.length) return false;
        for (let ${i} = 0; ${i} < ${x}.length; ${i}++) { ${equalCode(k.of, `${x}[${i}]`, `${y}[${i}]`, g)} } } }`;
    }
    case "record": {
      const x = g.fresh("x");
      const y = g.fresh("y");
      const n = g.fresh("n");
      const key = g.fresh("k");
      return `{ const ${x} = ${a}; const ${y} = ${b}; if (${x} !== ${y}) { let ${n} = 0;
        for (const ${key} in ${x}) { if (!(${key} in ${y})) return false; ${n}++; ${equalCode(k.of, `${x}[${key}]`, `${y}[${key}]`, g)} }
        for (const ${key} in ${y}) ${n}--; if (${n} !== 0) return false; } }`;
    }
    case "struct": {
      const x = g.fresh("x");
      const y = g.fresh("y");
      const parts = fieldKinds(k).map(([name, f]) => equalCode(f, prop(x, name), prop(y, name), g));
      return `{ const ${x} = ${a}; const ${y} = ${b}; if (${x} !== ${y}) { ${parts.join("\n")} } }`;
    }
  }
}

const byNumber = (a: number, b: number) => a - b;

// Compiled once per declared kind (the state's kinds are module constants): every codec of
// a process shares the same functions, which the engine then optimizes once, not once per
// matrix cell.
function once<F>(make: (k: Kind) => F): (k: Kind) => F {
  const made = new WeakMap<Kind, F>();
  return (k) => {
    let f = made.get(k);
    if (f === undefined) {
      f = make(k);
      made.set(k, f);
    }
    return f;
  };
}

export const encoder = once(compileEncoder);
export const decoder = once(compileDecoder);
export const copier = once(compileCopier);
export const equality = once(compileEquality);

function compileEncoder(k: Kind): Encode {
  const g = new Gen();
  const body = encodeCode(k, "v", g);
  const scratch = g.scratch.map((name) => `const ${name} = [];`).join(" ");
  const make = new Function(
    "S",
    "byNumber",
    `${scratch} return function encode(v, w, t) { ${body} };`,
  );
  return make(writeScalar, byNumber);
}

function compileDecoder(k: Kind): Decode {
  const body = decodeCode(k, "out", new Gen());
  const make = new Function(
    "RS",
    "SA",
    `return function decode(r, t) { let out; ${body} return out; };`,
  );
  return make(readScalar, stringAt);
}

function compileCopier(k: Kind): Copy {
  const body = copyCode(k, "v", "out", new Gen());
  const make = new Function(`return function copy(v) { let out; ${body} return out; };`);
  return make();
}

function compileEquality(k: Kind): Equal {
  const body = equalCode(k, "a", "b", new Gen());
  const make = new Function(`return function equal(a, b) { ${body} return true; };`);
  return make();
}

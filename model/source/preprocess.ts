// The preprocessor subset, over the syntax tree: #include of the tree's own headers,
// object-like and function-like #define/#undef, and #if/#ifdef/#ifndef/#elif/#else with
// defined() and IS_ENABLED() against a Kconfig configuration. Files are walked in include
// order as cpp would, so `#ifndef set_ptes` sees the architecture's `#define set_ptes` when
// the architecture header was included first. The result is the unit the compiler reads:
// the function definitions and macros that survive the configuration, by name.
//
// An include the tree does not have is skipped and listed (a partial tree still works), and
// so is one the architecture does not follow (a full kernel checkout: only the headers of
// the lazy MMU path are read, not the thousands the real includes reach). A condition
// that cannot be evaluated takes neither branch; the names defined under it are remembered,
// and using one is an error naming the #if's file:line (a header's #if far from the lazy
// MMU path does not stop the run).

import { type CParser, field, kids, type Node } from "./parser";
import { fail, type KernelTree, SourceFailure } from "./tree";

/** Kconfig values: `y`, `m`, `n`, a number or a string. */
export type Config = Readonly<Record<string, string>>;

export interface Macro {
  readonly name: string;
  /** Parameter names of a function-like macro; undefined for an object-like one. */
  readonly params?: readonly string[];
  readonly body: string;
  readonly file: string;
  readonly line: number;
}

export interface FnDef {
  readonly name: string;
  readonly node: Node;
  readonly file: string;
  readonly line: number;
  readonly params: readonly string[];
}

export interface Unit {
  readonly functions: ReadonlyMap<string, FnDef>;
  readonly macros: ReadonlyMap<string, Macro>;
  /** Files read, in include order. */
  readonly files: readonly string[];
  /** `#include`s the tree does not hold (not followed). */
  readonly skipped: readonly string[];
  /** `#include`s the tree holds but the architecture does not follow (off the lazy MMU path). */
  readonly unfollowed: readonly string[];
  /** Bit widths of the unsigned fixed-width struct fields read, by field name (`enable_count`: 8). */
  readonly fieldWidths: ReadonlyMap<string, number>;
  /** Names defined only under an #if that could not be evaluated: where, and why. */
  readonly undecided: ReadonlyMap<string, string>;
}

export interface IncludePaths {
  /** The architecture's directory under arch/ (`sparc`, `arm64`). */
  readonly srcarch: string;
  /** Whether an include found in the tree is read (absent: every one is). */
  readonly follow?: (path: string) => boolean;
}

/** Unsigned fixed-width field types and their widths (include/linux/types.h names). */
const WIDTHS: Readonly<Record<string, number>> = {
  u8: 8,
  __u8: 8,
  uint8_t: 8,
  "unsigned char": 8,
  u16: 16,
  __u16: 16,
  uint16_t: 16,
  "unsigned short": 16,
  u32: 32,
  __u32: 32,
  uint32_t: 32,
  "unsigned int": 32,
};

/** What the compiler predefines and the configuration defines, as macros. */
function initialMacros(config: Config, predefined: readonly string[]): Map<string, Macro> {
  const m = new Map<string, Macro>();
  const def = (name: string, body: string) =>
    m.set(name, { name, body, file: "<config>", line: 0 });
  for (const p of predefined) def(p, "1");
  for (const [k, v] of Object.entries(config)) {
    if (v === "y") def(k, "1");
    else if (v === "m") def(`${k}_MODULE`, "1");
    else if (v !== "n") def(k, v);
  }
  return m;
}

/** A type's text with its whitespace runs made single spaces (`unsigned  char`). */
function words(text: string): string {
  let out = "";
  for (const ch of text) {
    const ws = ch === " " || ch === "\t" || ch === "\n";
    if (!ws) out += ch;
    else if (out !== "" && !out.endsWith(" ")) out += " ";
  }
  return out.trimEnd();
}

export function where(file: string, n: Node): string {
  return `${file}:${n.startPosition.row + 1}`;
}

/** A C integer literal's value (`0x1UL`, `192`, `07`). */
export function cNumber(text: string): number | undefined {
  let end = text.length;
  while (end > 0 && "uUlL".includes(text.charAt(end - 1))) end -= 1;
  const digits = text.slice(0, end);
  if (digits === "") return undefined;
  const v =
    digits.startsWith("0x") || digits.startsWith("0X")
      ? Number.parseInt(digits.slice(2), 16)
      : digits.length > 1 && digits.startsWith("0")
        ? Number.parseInt(digits.slice(1), 8)
        : Number(digits);
  return Number.isFinite(v) ? v : undefined;
}

export function preprocess(
  tree: KernelTree,
  parser: CParser,
  roots: readonly string[],
  paths: IncludePaths,
  config: Config,
  predefined: readonly string[],
): Unit {
  const macros = initialMacros(config, predefined);
  const functions = new Map<string, FnDef>();
  const files: string[] = [];
  const skipped: string[] = [];
  const unfollowed: string[] = [];
  const fieldWidths = new Map<string, number>();
  const ambiguous = new Set<string>();
  const undecided = new Map<string, string>();
  const seen = new Set<string>();

  function resolveInclude(from: string, node: Node): string | undefined {
    const pathNode = field(node, "path");
    if (!pathNode) return undefined;
    const raw = pathNode.text;
    const inner = raw.slice(1, -1);
    const candidates: string[] = [];
    if (pathNode.type === "string_literal") {
      const dir = from.includes("/") ? from.slice(0, from.lastIndexOf("/")) : "";
      candidates.push(dir === "" ? inner : `${dir}/${inner}`);
    }
    if (inner.startsWith("asm/")) {
      candidates.push(`arch/${paths.srcarch}/include/${inner}`);
      candidates.push(`include/asm-generic/${inner.slice(4)}`);
    } else candidates.push(`include/${inner}`, `arch/${paths.srcarch}/include/${inner}`);
    const found = candidates.find((c) => tree.read(c) !== undefined);
    if (found === undefined && !skipped.includes(inner)) skipped.push(inner);
    if (found !== undefined && paths.follow && !paths.follow(found)) {
      if (!unfollowed.includes(found)) unfollowed.push(found);
      return undefined;
    }
    return found;
  }

  function readFile(path: string, at: string): void {
    if (seen.has(path)) return;
    seen.add(path);
    const text = tree.read(path);
    if (text === undefined) {
      fail(
        "missing-file",
        at,
        `the tree has no ${path}`,
        "point --kernel at the top of a kernel tree",
      );
    }
    files.push(path);
    walk(kids(parser.parse(text)), path);
  }

  function evalCond(n: Node, file: string): number {
    return condValue(n, file, macros, parser, 0);
  }

  /** An #if whose condition cannot be evaluated: neither branch; its names remembered. */
  function undecidable(n: Node, file: string, why: SourceFailure): void {
    const reason = `${why.problem.at}: ${why.problem.message}`;
    const note = (name: string | undefined) => {
      if (name && !undecided.has(name)) undecided.set(name, reason);
    };
    for (const d of n.descendantsOfType(["preproc_def", "preproc_function_def"]))
      note(d ? field(d, "name")?.text : undefined);
    for (const d of n.descendantsOfType("function_definition"))
      note(d ? functionOf(d, file)?.name : undefined);
  }

  function fields(n: Node): void {
    for (const f of n.descendantsOfType("field_declaration")) {
      const t = f ? field(f, "type") : undefined;
      const type = t ? words(t.text) : undefined;
      const bits = type === undefined ? undefined : WIDTHS[type];
      for (const d of f ? kids(f) : []) {
        if (d.type !== "field_identifier") continue;
        const name = d.text;
        if (ambiguous.has(name)) continue;
        const was = fieldWidths.get(name);
        if (bits === undefined || (was !== undefined && was !== bits)) {
          if (was !== undefined) fieldWidths.delete(name);
          if (bits === undefined || was !== undefined) ambiguous.add(name);
          continue;
        }
        fieldWidths.set(name, bits);
      }
    }
  }

  function walk(items: readonly Node[], file: string): void {
    for (const n of items) {
      switch (n.type) {
        case "preproc_include": {
          const target = resolveInclude(file, n);
          if (target !== undefined) readFile(target, where(file, n));
          break;
        }
        case "preproc_def": {
          const name = field(n, "name")?.text ?? "";
          const body = field(n, "value")?.text.trim() ?? "";
          macros.set(name, { name, body, file, line: n.startPosition.row + 1 });
          break;
        }
        case "preproc_function_def": {
          const name = field(n, "name")?.text ?? "";
          const ps = field(n, "parameters");
          const params = ps ? kids(ps).map((p) => p.text) : [];
          const body = field(n, "value")?.text.trim() ?? "";
          macros.set(name, { name, params, body, file, line: n.startPosition.row + 1 });
          break;
        }
        case "preproc_call": {
          const directive = field(n, "directive")?.text;
          if (directive === "#undef") macros.delete(field(n, "argument")?.text.trim() ?? "");
          break;
        }
        case "preproc_if":
        case "preproc_elif": {
          const cond = field(n, "condition");
          if (!cond) fail("unsupported", where(file, n), "an #if without a condition", "");
          let value: number;
          try {
            value = evalCond(cond, file);
          } catch (e) {
            if (!(e instanceof SourceFailure)) throw e;
            undecidable(n, file, e);
            break;
          }
          if (value !== 0) walk(branchItems(n), file);
          else walkAlternative(n, file);
          break;
        }
        case "preproc_ifdef":
        case "preproc_elifdef": {
          const negate = n.child(0)?.text.endsWith("ndef") === true;
          const name = field(n, "name")?.text ?? "";
          if (macros.has(name) !== negate) walk(branchItems(n), file);
          else walkAlternative(n, file);
          break;
        }
        case "function_definition": {
          const def = functionOf(n, file);
          if (def) functions.set(def.name, def);
          break;
        }
        case "struct_specifier":
        case "declaration":
        case "type_definition":
          fields(n);
          break;
        default:
          break;
      }
    }
  }

  function walkAlternative(n: Node, file: string): void {
    const alt = field(n, "alternative");
    if (!alt) return;
    if (alt.type === "preproc_else") walk(kids(alt), file);
    else walk([alt], file);
  }

  for (const r of roots) readFile(r, "--kernel");
  for (const name of [...undecided.keys()])
    if (functions.has(name) || macros.has(name)) undecided.delete(name);
  return { functions, macros, files, skipped, unfollowed, fieldWidths, undecided };
}

/**
 * The items of the branch an #if/#ifdef inside a function body takes, judged by the macros
 * in force at the end of the unit (function bodies are compiled after reading).
 */
export function takenBranch(
  n: Node,
  file: string,
  macros: ReadonlyMap<string, Macro>,
  parser: CParser,
): Node[] {
  let cur: Node | undefined = n;
  while (cur) {
    if (cur.type === "preproc_else") return kids(cur);
    let taken: boolean;
    if (cur.type === "preproc_ifdef" || cur.type === "preproc_elifdef") {
      const negate = cur.child(0)?.text.endsWith("ndef") === true;
      taken = macros.has(field(cur, "name")?.text ?? "") !== negate;
    } else {
      const cond = field(cur, "condition");
      if (!cond) return [];
      taken = condValue(cond, file, macros, parser, 0) !== 0;
    }
    if (taken) return branchItems(cur);
    cur = field(cur, "alternative");
  }
  return [];
}

/** The items of an #if branch: its children, less the condition and the alternative. */
function branchItems(n: Node): Node[] {
  const skip = new Set([
    field(n, "condition")?.id,
    field(n, "name")?.id,
    field(n, "alternative")?.id,
  ]);
  return kids(n).filter((c) => !skip.has(c.id));
}

function declaratorName(
  d: Node | undefined,
): { name: string; params: Node | undefined } | undefined {
  let cur = d;
  while (cur && cur.type !== "function_declarator") cur = field(cur, "declarator");
  if (!cur) return undefined;
  const id = field(cur, "declarator");
  if (id?.type !== "identifier") return undefined;
  return { name: id.text, params: field(cur, "parameters") };
}

function functionOf(n: Node, file: string): FnDef | undefined {
  const d = declaratorName(field(n, "declarator"));
  if (!d) return undefined;
  const params: string[] = [];
  for (const p of d.params ? kids(d.params) : []) {
    if (p.type !== "parameter_declaration") continue;
    let cur = field(p, "declarator");
    while (cur && cur.type !== "identifier") cur = field(cur, "declarator");
    if (cur) params.push(cur.text);
  }
  return { name: d.name, node: n, file, line: n.startPosition.row + 1, params };
}

const IS_CONFIG = new Set(["IS_ENABLED", "IS_BUILTIN", "IS_MODULE", "IS_REACHABLE"]);

/**
 * include/linux/kconfig.h's IS_ENABLED(CONFIG_X) and friends, in #if and in C code alike:
 * undefined for another name.
 */
export function kconfigTest(
  fn: string,
  symbol: string,
  macros: ReadonlyMap<string, Macro>,
): number | undefined {
  if (!IS_CONFIG.has(fn)) return undefined;
  const builtin = macros.get(symbol)?.body === "1";
  const module = macros.get(`${symbol}_MODULE`)?.body === "1";
  if (fn === "IS_BUILTIN") return builtin ? 1 : 0;
  if (fn === "IS_MODULE") return module ? 1 : 0;
  return builtin || module ? 1 : 0;
}

/** An #if expression's value, as cpp computes it (an unknown identifier is 0). */
function condValue(
  n: Node,
  file: string,
  macros: ReadonlyMap<string, Macro>,
  parser: CParser,
  depth: number,
): number {
  const recur = (x: Node | undefined): number => {
    if (!x) fail("unsupported", where(file, n), `cannot evaluate #if ${n.text}`, "");
    return condValue(x, file, macros, parser, depth);
  };
  switch (n.type) {
    case "number_literal": {
      const v = cNumber(n.text);
      if (v === undefined) fail("unsupported", where(file, n), `bad number ${n.text} in #if`, "");
      return v;
    }
    case "identifier": {
      const m = macros.get(n.text);
      if (!m || m.params !== undefined) return 0;
      if (m.body === "" || depth > 16) return 0;
      const parsed = macroCondition(parser, m.body);
      if (!parsed) {
        fail(
          "unsupported",
          where(file, n),
          `cannot evaluate ${n.text} (defined at ${m.file}:${m.line} as \`${m.body}\`) in #if`,
          "give it a value with --config",
        );
      }
      return condValue(parsed, m.file, macros, parser, depth + 1);
    }
    case "preproc_defined": {
      const id = kids(n)[0]?.text ?? "";
      return macros.has(id) ? 1 : 0;
    }
    case "parenthesized_expression":
      return recur(kids(n)[0]);
    case "unary_expression": {
      const v = recur(field(n, "argument"));
      const op = field(n, "operator")?.text;
      if (op === "!") return v === 0 ? 1 : 0;
      if (op === "-") return -v;
      if (op === "~") return ~v;
      return v;
    }
    case "binary_expression": {
      const op = field(n, "operator")?.text;
      const l = recur(field(n, "left"));
      if (op === "&&") return l !== 0 && recur(field(n, "right")) !== 0 ? 1 : 0;
      if (op === "||") return l !== 0 || recur(field(n, "right")) !== 0 ? 1 : 0;
      const r = recur(field(n, "right"));
      switch (op) {
        case "==":
          return l === r ? 1 : 0;
        case "!=":
          return l !== r ? 1 : 0;
        case "<":
          return l < r ? 1 : 0;
        case ">":
          return l > r ? 1 : 0;
        case "<=":
          return l <= r ? 1 : 0;
        case ">=":
          return l >= r ? 1 : 0;
        case "+":
          return l + r;
        case "-":
          return l - r;
        case "*":
          return l * r;
        case "&":
          return l & r;
        case "|":
          return l | r;
        default:
          break;
      }
      break;
    }
    case "call_expression": {
      const fn = field(n, "function")?.text ?? "";
      const arg = kids(field(n, "arguments") ?? n)[0]?.text ?? "";
      const v = kconfigTest(fn, arg, macros);
      if (v !== undefined) return v;
      break;
    }
    default:
      break;
  }
  return fail(
    "unsupported",
    where(file, n),
    `cannot evaluate \`${n.text}\` in #if (supported: numbers, macros, defined(), IS_ENABLED(), ! && || and comparisons)`,
    "set the symbol with --config, or simplify the condition",
  );
}

const parsedBodies = new Map<string, Node | undefined>();

/** A macro body as an #if expression (parsed by tree-sitter, cached by text). */
function macroCondition(parser: CParser, body: string): Node | undefined {
  if (parsedBodies.has(body)) return parsedBodies.get(body);
  const root = parser.parse(`#if ${body}\n#endif\n`);
  const cond = kids(root)[0];
  const c = cond?.type === "preproc_if" ? field(cond, "condition") : undefined;
  parsedBodies.set(body, c);
  return c;
}

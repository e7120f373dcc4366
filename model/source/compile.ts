// The small-step interpreter of the kernel's C subset: each function becomes a procedure of
// atomic steps, one per statement or side-effecting call, so that preemption, interrupts and
// other CPUs land between any two statements as in the hand-written models. Expressions are
// compiled to closures over the state draft; if/else, loops, break/continue, goto and return
// become `{ goto }` jumps to label ops of the same procedure; a call of another function read
// from the tree is an engine call (a frame of its own in traces), its arguments computed at
// the call. A function called inside an expression is inlined when its body is a single
// `return expr;`; any other is an engine call made just before the statement's own step,
// its returned value landing in a local of the caller that the expression then reads
// (`if (!is_lazy_mmu_mode_active())`, `y = bar() + 1;`). Such a call is not hoisted out of
// the right operand of `&&`, `||` or `?:` (C may not evaluate it): that is an error.
//
// Labels are the real source: `arch/sparc/mm/tlb.c:57  b->active = 1;`.

import { PTE_WRITERS } from "../kernel/primitives";
import { goto, label, type Next, type Op, type Step, step } from "../kernel/program";
import type { Val } from "../kernel/state";
import type { ArchSource, Arg, Binding, Constant, PlaceEval } from "./bindings/types";
import { type Eval, load, member, mmPointer, ptePointer, type Run, store, truthy } from "./memory";
import { type CParser, field, kids, type Node } from "./parser";
import { cNumber, type FnDef, kconfigTest, type Macro, takenBranch, type Unit } from "./preprocess";
import { fail } from "./tree";

/** How a model caller's `{ addr, value }` fills an entry point's C parameters, by position. */
export type ParamKind = "mm" | "addr" | "ptep" | "pte" | "nr";

export const ENTRY_PARAMS: Readonly<Record<string, readonly ParamKind[]>> = {
  set_ptes: ["mm", "addr", "ptep", "pte", "nr"],
  set_pte_at: ["mm", "addr", "ptep", "pte"],
  pte_clear: ["mm", "addr", "ptep"],
  ptep_get_and_clear: ["mm", "addr", "ptep"],
  // The PMD, PUD and hugetlb writers the callers use (model/kernel/primitives.ts
  // PMD_WRITERS): a `pmd_t *`/`pud_t *` is a PTE pointer of the entry's model address
  // (`user:pmd0`). hugetlb's trailing `sz` (v6.7, v6.14) is not a parameter kind: it reads 0.
  set_pmd_at: ["mm", "addr", "ptep", "pte"],
  pmdp_huge_get_and_clear: ["mm", "addr", "ptep"],
  set_pmd: ["ptep", "pte"],
  set_pud: ["ptep", "pte"],
  set_huge_pte_at: ["mm", "addr", "ptep", "pte"],
  huge_ptep_get_and_clear: ["mm", "addr", "ptep"],
};

function conventional(kind: ParamKind, args: Readonly<Record<string, Val>>): Val {
  const addr = String(args.addr ?? "");
  switch (kind) {
    case "mm":
      return mmPointer(addr);
    case "addr":
      return addr;
    case "ptep":
      return ptePointer(addr);
    case "pte":
      return Number(args.value ?? 0);
    case "nr":
      return 1;
  }
}

/** What the compiler found: the procedures, and which names were bound or followed. */
export interface Compiled {
  readonly procs: Map<string, Op[]>;
  readonly bound: Map<string, string>;
  readonly macrosUsed: Map<string, Macro>;
  readonly functionsUsed: Map<string, FnDef>;
}

interface MacroArg {
  readonly node: Node;
  readonly scope: Scope;
}

interface Scope {
  readonly fn: string;
  readonly file: string;
  /** Parameters and locals of the C function being compiled. */
  readonly vars: ReadonlySet<string>;
  readonly entry?: readonly ParamKind[];
  readonly params: readonly string[];
  /** Macro parameters (and inlined functions' parameters) in force. */
  readonly subst: ReadonlyMap<string, MacroArg>;
  /** Macros being expanded (C does not expand a macro inside itself). */
  readonly expanding: ReadonlySet<string>;
  /**
   * Nodes parsed from a macro's text (parseStatements) count rows from the wrapper's second
   * line: this many lines more give the line in the file (the macro's line, minus 2).
   */
  readonly lineBase?: number;
}

/** For name lookups outside any function (no macro being expanded). */
const EMPTY_SCOPE: Scope = {
  fn: "",
  file: "",
  vars: new Set(),
  params: [],
  subst: new Map(),
  expanding: new Set(),
};

interface Loop {
  readonly brk: string;
  readonly cont: string;
}

function oneLine(text: string): string {
  let out = "";
  let space = false;
  for (const ch of text) {
    const ws = ch === " " || ch === "\t" || ch === "\n" || ch === "\r";
    if (ws) space = out !== "";
    else {
      if (space) out += " ";
      out += ch;
      space = false;
    }
  }
  return out.length > 120 ? `${out.slice(0, 117)}...` : out;
}

export class Compiler {
  private readonly bindings: Map<string, Binding>;
  private readonly constants: Readonly<Record<string, Constant>>;
  private labels = 0;
  /** Calls hoisted out of the expressions of the statement being compiled (see callExpr). */
  private hoisted: Op[] | undefined;
  /** > 0 inside an operand C may skip (the right of && and ||, the arms of ?:). */
  private conditional = 0;
  readonly out: Compiled = {
    procs: new Map(),
    bound: new Map(),
    macrosUsed: new Map(),
    functionsUsed: new Map(),
  };
  private readonly queue: string[] = [];

  constructor(
    private readonly unit: Unit,
    private readonly arch: ArchSource,
    private readonly parser: CParser,
    kernel: readonly Binding[],
    kernelConstants: Readonly<Record<string, Constant>>,
  ) {
    this.bindings = new Map([...kernel, ...arch.bindings].map((b) => [b.name, b]));
    this.constants = { ...kernelConstants, ...arch.constants };
  }

  /** Compiles `name` and everything it calls; returns false when the tree defines no such name. */
  root(name: string): boolean {
    if (this.out.procs.has(name)) return true;
    const def = this.unit.functions.get(name);
    const mac = this.unit.macros.get(name);
    if (def === undefined && (mac === undefined || mac.params === undefined) && !this.alias(name)) {
      this.undecided(name, name);
      return false;
    }
    this.queue.push(name);
    while (this.queue.length > 0) {
      const next = this.queue.shift();
      if (next !== undefined && !this.out.procs.has(next)) this.compileProc(next);
    }
    return true;
  }

  /**
   * An entry point the tree names with an object-like macro (arm64 without CONFIG_ARM64_CONTPTE:
   * `#define set_ptes __set_ptes`): the function or function-like macro it stands for.
   */
  private alias(name: string): string | undefined {
    const mac = this.unit.macros.get(name);
    if (mac === undefined || mac.params !== undefined || ENTRY_PARAMS[name] === undefined)
      return undefined;
    const target = this.resolveName(name, EMPTY_SCOPE);
    if (target === name) return undefined;
    const m = this.unit.macros.get(target);
    return this.unit.functions.has(target) || m?.params !== undefined ? target : undefined;
  }

  /** A name the tree defines only under an #if that could not be evaluated: say so. */
  private undecided(name: string, at: string): void {
    const why = this.unit.undecided.get(name);
    if (why === undefined) return;
    fail(
      "unsupported",
      at,
      `${name} is defined only under an #if the front end cannot evaluate (${why})`,
      "give the symbols of that condition a value with --config",
    );
  }

  private where(n: Node, scope: Scope): string {
    return `${scope.file}:${n.startPosition.row + 1 + (scope.lineBase ?? 0)}`;
  }

  private fresh(what: string): string {
    this.labels += 1;
    return `.${what}${this.labels}`;
  }

  private compileProc(name: string): void {
    const def = this.unit.functions.get(name);
    const ops: Op[] = [];
    this.out.procs.set(name, ops);
    if (def) {
      this.out.functionsUsed.set(name, def);
      const body = field(def.node, "body");
      const vars = new Set(def.params);
      if (body)
        for (const d of body.descendantsOfType("init_declarator")) {
          const id = d ? declName(d) : undefined;
          if (id) vars.add(id);
        }
      if (body)
        for (const d of body.descendantsOfType("declaration")) {
          for (const c of d ? kids(d) : []) {
            if (c.type === "identifier") vars.add(c.text);
            else if (c.type === "pointer_declarator" || c.type === "array_declarator") {
              const id = innerName(c);
              if (id) vars.add(id);
            }
          }
        }
      const scope: Scope = {
        fn: name,
        file: def.file,
        vars,
        params: def.params,
        subst: new Map(),
        expanding: new Set(),
        ...(ENTRY_PARAMS[name] ? { entry: ENTRY_PARAMS[name] } : {}),
      };
      if (body) ops.push(...this.stmt(body, scope, undefined));
    } else if (this.alias(name) !== undefined) {
      // `#define set_ptes __set_ptes`: a call of what it names, with the entry's parameters.
      const mac = this.unit.macros.get(name);
      const params = [...(ENTRY_PARAMS[name] ?? [])];
      if (!mac) throw new Error(`model error: no definition of ${name}`);
      this.out.macrosUsed.set(name, mac);
      const scope: Scope = {
        fn: name,
        file: mac.file,
        vars: new Set(params),
        params,
        subst: new Map(),
        expanding: new Set(),
        lineBase: mac.line - 2,
        ...(ENTRY_PARAMS[name] ? { entry: ENTRY_PARAMS[name] } : {}),
      };
      const call = this.parseStatements(`${mac.body}(${params.join(", ")});`)[0];
      if (!call) throw new Error("model error: cannot parse a synthetic call");
      const at = `${mac.file}:${mac.line}`;
      const label = `#define ${name} ${mac.body}`;
      for (const o of this.stmt(call, scope, undefined))
        ops.push(o.op === "step" ? step(name, `${at}  ${label}`, at, o.run) : o);
    } else {
      // An entry point the tree defines as a function-like macro (set_pte_at, pte_clear).
      const mac = this.unit.macros.get(name);
      if (!mac?.params) throw new Error(`model error: no definition of ${name}`);
      const params = mac.params;
      this.out.macrosUsed.set(name, mac);
      const scope: Scope = {
        fn: name,
        file: mac.file,
        vars: new Set(params),
        params,
        subst: new Map(),
        expanding: new Set(),
        lineBase: mac.line - 2,
        ...(ENTRY_PARAMS[name] ? { entry: ENTRY_PARAMS[name] } : {}),
      };
      const call = this.parseStatements(`${name}(${params.join(", ")});`)[0];
      if (!call) throw new Error("model error: cannot parse a synthetic call");
      ops.push(
        ...this.expandMacroStatement(
          mac,
          kids(field(kids(call)[0] ?? call, "arguments") ?? call),
          scope,
          `${mac.file}:${mac.line}`,
          `#define ${name}(${params.join(", ")}) ${mac.body}`,
        ),
      );
    }
    if (!ops.some((o) => o.op !== "label")) {
      // An empty body, or a macro that expands to nothing (`do {} while (0)`): one step, at
      // the definition.
      const mac = this.unit.macros.get(name);
      const at = def ? `${def.file}:${def.line}` : mac ? `${mac.file}:${mac.line}` : name;
      const text =
        def || !mac
          ? "{ }  /* empty */"
          : `#define ${name}${mac.params ? `(${mac.params.join(", ")})` : ""} ${mac.body}`;
      ops.unshift(step(name, `${at}  ${text}`, at, () => undefined));
    }
  }

  private parseStatements(text: string): Node[] {
    const root = this.parser.parse(`void __lazymmu_expand(void) {\n${text}\n}\n`);
    const fn = kids(root)[0];
    const body = fn ? field(fn, "body") : undefined;
    return body ? kids(body) : [];
  }

  private mkStep(n: Node, scope: Scope, run: Step["run"], text?: string): Step {
    const at = this.where(n, scope);
    return step(scope.fn, `${at}  ${text ?? oneLine(n.text)}`, at, run);
  }

  // ---- statements -----------------------------------------------------------------------

  private stmt(n: Node, scope: Scope, loop: Loop | undefined): Op[] {
    switch (n.type) {
      case "compound_statement":
        return kids(n).flatMap((c) => this.stmt(c, scope, loop));
      case "comment":
      case "preproc_call":
        return [];
      case "declaration":
        return this.declaration(n, scope);
      case "expression_statement": {
        const e = kids(n)[0];
        return e ? this.exprStatement(e, n, scope) : [];
      }
      case "if_statement":
        return this.ifStatement(n, scope, loop);
      case "return_statement": {
        const e = kids(n)[0];
        const [pre, v] = this.hoisting(() => (e ? this.expr(e, scope) : undefined));
        return [
          ...pre,
          this.mkStep(n, scope, (d, env): Next => {
            if (!v) return "return";
            return { return: v({ d, env }) };
          }),
        ];
      }
      case "goto_statement": {
        return [goto(`c:${field(n, "label")?.text ?? ""}`)];
      }
      case "labeled_statement": {
        const name = `c:${field(n, "label")?.text ?? ""}`;
        const rest = kids(n).filter((c) => c.type !== "statement_identifier");
        return [label(name), ...rest.flatMap((c) => this.stmt(c, scope, loop))];
      }
      case "break_statement":
        if (!loop) fail("unsupported", this.where(n, scope), "break outside a loop", "");
        return [goto(loop.brk)];
      case "continue_statement":
        if (!loop || loop.cont === "")
          fail("unsupported", this.where(n, scope), "continue outside a loop", "");
        return [goto(loop.cont)];
      case "for_statement":
      case "while_statement":
      case "do_statement":
        return this.loopStatement(n, scope);
      case "switch_statement":
        return this.switchStatement(n, scope, loop);
      case "preproc_if":
      case "preproc_ifdef":
        return takenBranch(n, scope.file, this.unit.macros, this.parser).flatMap((c) =>
          this.stmt(c, scope, loop),
        );
      default:
        return fail(
          "unsupported",
          this.where(n, scope),
          `unsupported statement (${n.type}): ${oneLine(n.text)}`,
          "rewrite it with if/else, goto, for/while, assignments and calls",
        );
    }
  }

  private declaration(n: Node, scope: Scope): Op[] {
    const ops: Op[] = [];
    for (const d of kids(n)) {
      if (d.type !== "init_declarator") continue;
      const name = declName(d);
      const value = field(d, "value");
      if (!name || !value) continue;
      const [pre, v] = this.hoisting(() => this.expr(value, scope));
      ops.push(
        ...pre,
        this.mkStep(n, scope, (dr, env) => {
          env.locals[name] = v({ d: dr, env });
        }),
      );
    }
    return ops;
  }

  /** A call statement: an engine call, a macro expanded in place, or an expression step. */
  private exprStatement(e: Node, stmtNode: Node, scope: Scope): Op[] {
    if (e.type === "call_expression") {
      const fnNode = field(e, "function");
      const args = kids(field(e, "arguments") ?? e);
      if (fnNode?.type === "identifier") {
        const name = this.resolveName(fnNode.text, scope);
        const mac = this.unit.macros.get(name);
        // READ_ONCE()/WRITE_ONCE() are plain accesses (callExpr), whatever a tree's
        // asm-generic/rwonce.h expands them to.
        const access = name === "READ_ONCE" || name === "WRITE_ONCE";
        if (
          !access &&
          !this.bindings.has(name) &&
          mac?.params !== undefined &&
          !scope.expanding.has(name)
        ) {
          this.out.macrosUsed.set(name, mac);
          return this.expandMacroStatement(
            mac,
            args,
            scope,
            this.where(stmtNode, scope),
            oneLine(stmtNode.text),
          );
        }
        if (!this.bindings.has(name) && this.unit.functions.has(name)) {
          // Its arguments may call functions of their own (`f(mm, g(pte))`): those first.
          const [pre, call] = this.hoisting(() => this.callStep(name, args, stmtNode, scope));
          return [...pre, call];
        }
      }
    }
    const [pre, v] = this.hoisting(() => this.expr(e, scope));
    return [
      ...pre,
      this.mkStep(stmtNode, scope, (d, env) => {
        v({ d, env });
      }),
    ];
  }

  /** Compiles an expression of one statement; returns the calls hoisted out of it first. */
  private hoisting<T>(f: () => T): [Op[], T] {
    const outer = this.hoisted;
    const outerConditional = this.conditional;
    const mine: Op[] = [];
    this.hoisted = mine;
    this.conditional = 0;
    try {
      return [mine, f()];
    } finally {
      this.hoisted = outer;
      this.conditional = outerConditional;
    }
  }

  /** An operand C evaluates only sometimes: no call may be hoisted out of it. */
  private maybe<T>(f: () => T): T {
    this.conditional += 1;
    try {
      return f();
    } finally {
      this.conditional -= 1;
    }
  }

  private callStep(
    name: string,
    argNodes: readonly Node[],
    at: Node,
    scope: Scope,
    result?: string,
  ): Step {
    const callee = this.unit.functions.get(name);
    if (!callee) throw new Error(`model error: ${name} is not a function`);
    if (!this.out.procs.has(name)) this.queue.push(name);
    const params = callee.params;
    const args = argNodes.map((a) => this.expr(a, scope));
    const kinds = ENTRY_PARAMS[name];
    return this.mkStep(at, scope, (d, env): Next => {
      const r = { d, env };
      const out: Record<string, Val> = {};
      args.forEach((a, i) => {
        const p = params[i];
        if (p !== undefined) out[p] = a(r);
      });
      // The PTE being written stays known below the PTE writers (arm64's
      // pte_valid_not_user() binding asks whose it is): callees without an `addr` get it.
      const through = env.args.addr;
      if (out.addr === undefined && through !== undefined) out.addr = through;
      // The engine's PTE bookkeeping reads `addr` and `value` of set_ptes & co.
      if (kinds && PTE_WRITERS.has(name)) {
        const ai = kinds.indexOf("addr");
        const qi = kinds.indexOf("ptep");
        const pi = kinds.indexOf("pte");
        // set_pmd(pmdp, pmd) has no address parameter: the entry's pointer names it.
        const ptr = ai < 0 && qi >= 0 && args[qi] ? args[qi](r) : undefined;
        const addr =
          ai >= 0 && args[ai]
            ? args[ai](r)
            : typeof ptr === "string" && ptr.startsWith("pte:")
              ? ptr.slice(4)
              : undefined;
        if (addr !== undefined) out.addr = addr;
        out.value = pi >= 0 && args[pi] ? args[pi](r) : 0;
      }
      return result === undefined ? { call: name, args: out } : { call: name, args: out, result };
    });
  }

  private expandMacroStatement(
    mac: Macro,
    args: readonly Node[],
    scope: Scope,
    at: string,
    text: string,
  ): Op[] {
    const inner = this.macroScope(mac, args, scope);
    const body = this.parseStatements(`${mac.body};`).filter(
      (s) => s.type !== "expression_statement" || kids(s).length > 0,
    );
    // `do { } while (0)` and an empty body: nothing happens here.
    if (body.length === 0 || (body.length === 1 && isEmptyDoWhile(body[0]))) return [];
    const ops = body.flatMap((s) => this.stmt(s, inner, undefined));
    // Steps inside a macro carry the use's position and text when it is one step.
    if (ops.length === 1 && ops[0]?.op === "step") {
      const s = ops[0];
      return [step(scope.fn, `${at}  ${text}`, at, s.run)];
    }
    return ops;
  }

  private macroScope(mac: Macro, args: readonly Node[], scope: Scope): Scope {
    const subst = new Map(scope.subst);
    (mac.params ?? []).forEach((p, i) => {
      const a = args[i];
      if (a) subst.set(p, { node: a, scope });
    });
    return {
      ...scope,
      file: mac.file,
      subst,
      expanding: new Set([...scope.expanding, mac.name]),
      lineBase: mac.line - 2,
    };
  }

  private ifStatement(n: Node, scope: Scope, loop: Loop | undefined): Op[] {
    const condNode = field(n, "condition");
    const cons = field(n, "consequence");
    const altClause = field(n, "alternative");
    // `else /* comment */ stmt;`: the comment is a child of the else clause too.
    const alt = altClause ? kids(altClause).find((c) => c.type !== "comment") : undefined;
    if (!condNode || !cons) fail("unsupported", this.where(n, scope), "malformed if", "");
    const [pre, cond] = this.hoisting(() => this.expr(condNode, scope));
    return [...pre, ...this.ifBody(n, condNode, cond, cons, alt, scope, loop)];
  }

  private ifBody(
    n: Node,
    condNode: Node,
    cond: Eval,
    cons: Node,
    alt: Node | undefined,
    scope: Scope,
    loop: Loop | undefined,
  ): Op[] {
    const then = this.stmt(cons, scope, loop);
    const only = then[0];
    if (!alt && then.length === 1 && only?.op === "goto") {
      // `if (c) goto out;` / `break;`: the test is the step, the jump is not one.
      const target: Next = { goto: only.label };
      return [
        this.mkStep(
          n,
          scope,
          (d, env) => (truthy(cond({ d, env })) ? target : undefined),
          oneLine(n.text),
        ),
      ];
    }
    if (!alt && then.length === 1 && only?.op === "step") {
      // `if (c) stmt;` with a one-step body is one step, as the kernel's code reads.
      const run = only.run;
      return [
        this.mkStep(
          n,
          scope,
          (d, env) => (truthy(cond({ d, env })) ? run(d, env) : undefined),
          oneLine(n.text),
        ),
      ];
    }
    const end = this.fresh("endif");
    const otherwise = alt ? this.fresh("else") : end;
    const ops: Op[] = [
      this.mkStep(
        n,
        scope,
        (d, env) => (truthy(cond({ d, env })) ? undefined : { goto: otherwise }),
        `if ${oneLine(condNode.text)}`,
      ),
      ...then,
    ];
    if (alt) {
      if (!endsInJump(then)) ops.push(goto(end));
      ops.push(label(otherwise), ...this.stmt(alt, scope, loop));
    }
    ops.push(label(end));
    return ops;
  }

  /** One step picks the case (C evaluates the controlling expression once); cases fall through. */
  private switchStatement(n: Node, scope: Scope, loop: Loop | undefined): Op[] {
    const condNode = field(n, "condition");
    const body = field(n, "body");
    if (!condNode || !body) fail("unsupported", this.where(n, scope), "malformed switch", "");
    const [pre, cond] = this.hoisting(() => this.expr(condNode, scope));
    const end = this.fresh("endswitch");
    // `#ifndef __PAGETABLE_PMD_FOLDED  case PUD_SIZE: ... #endif` among the cases: the branch
    // the unit's macros take.
    const flat = (items: readonly Node[]): Node[] =>
      items.flatMap((c) =>
        c.type === "preproc_if" || c.type === "preproc_ifdef"
          ? flat(takenBranch(c, scope.file, this.unit.macros, this.parser))
          : [c],
      );
    const cases = flat(kids(body)).filter((c) => c.type === "case_statement");
    const targets: { value: ((r: Run) => Val) | undefined; label: string }[] = cases.map((c) => {
      const v = field(c, "value");
      return { value: v ? this.expr(v, scope) : undefined, label: this.fresh("case") };
    });
    const inner: Loop = { brk: end, cont: loop?.cont ?? "" };
    const ops: Op[] = [
      ...pre,
      this.mkStep(
        n,
        scope,
        (d, env): Next => {
          const r = { d, env };
          const v = cond(r);
          const hit = targets.find((t) => t.value !== undefined && t.value(r) === v);
          const dflt = targets.find((t) => t.value === undefined);
          return { goto: (hit ?? dflt)?.label ?? end };
        },
        `switch ${oneLine(condNode.text)}`,
      ),
    ];
    cases.forEach((c, i) => {
      const value = field(c, "value");
      ops.push(label(targets[i]?.label ?? end));
      for (const st of kids(c)) if (st.id !== value?.id) ops.push(...this.stmt(st, scope, inner));
    });
    ops.push(label(end));
    return ops;
  }

  private loopStatement(n: Node, scope: Scope): Op[] {
    const top = this.fresh("loop");
    const brk = this.fresh("break");
    const cont = this.fresh("continue");
    const body = field(n, "body");
    const condNode = field(n, "condition");
    const update = field(n, "update");
    const init = field(n, "initializer");
    const ops: Op[] = [];
    if (init)
      ops.push(
        ...(init.type === "declaration"
          ? this.declaration(init, scope)
          : this.exprStatement(init, init, scope)),
      );
    ops.push(label(top));
    const [pre, cond] = this.hoisting(() => (condNode ? this.expr(condNode, scope) : undefined));
    const test = cond
      ? this.mkStep(
          condNode ?? n,
          scope,
          (d, env) => (truthy(cond({ d, env })) ? undefined : { goto: brk }),
          `while ${oneLine((condNode ?? n).text)}`,
        )
      : undefined;
    if (n.type !== "do_statement" && test) ops.push(...pre, test);
    if (body) ops.push(...this.stmt(body, scope, { brk, cont }));
    ops.push(label(cont));
    if (update) ops.push(...this.exprStatement(update, update, scope));
    if (n.type === "do_statement" && test) {
      ops.push(
        ...pre,
        this.mkStep(
          condNode ?? n,
          scope,
          (d, env) => (truthy(cond?.({ d, env }) ?? 0) ? { goto: top } : undefined),
          `} while ${oneLine((condNode ?? n).text)}`,
        ),
      );
    } else ops.push(goto(top));
    ops.push(label(brk));
    return ops;
  }

  // ---- expressions ----------------------------------------------------------------------

  /** An identifier through object-like macros that name another function (`#define f g`). */
  private resolveName(name: string, scope: Scope): string {
    let cur = name;
    for (let i = 0; i < 8; i++) {
      const m = this.unit.macros.get(cur);
      if (!m || m.params !== undefined || scope.expanding.has(cur) || m.body === cur) return cur;
      const body = m.body;
      if (!isIdentifier(body)) return cur;
      cur = body;
    }
    return cur;
  }

  private argOf(n: Node, scope: Scope): Arg {
    return { node: n, value: () => this.expr(n, scope), place: () => this.place(n, scope) };
  }

  place(n: Node, scope: Scope): PlaceEval {
    const at = this.where(n, scope);
    switch (n.type) {
      case "parenthesized_expression": {
        const inner = kids(n)[0];
        if (!inner) break;
        return this.place(inner, scope);
      }
      case "identifier": {
        const s = scope.subst.get(n.text);
        if (s) return this.place(s.node, s.scope);
        if (scope.vars.has(n.text)) {
          const name = n.text;
          return () => ({ local: name });
        }
        break;
      }
      case "field_expression": {
        const obj = field(n, "argument");
        const f = field(n, "field")?.text ?? "";
        const arrow = n.children.some((c) => c?.type === "->");
        if (!obj) break;
        if (arrow) {
          const p = this.expr(obj, scope);
          return (r) => ({ mem: member(p(r), f) });
        }
        const base = this.place(obj, scope);
        return (r) => {
          const b = base(r);
          return "mem" in b ? { mem: `${b.mem}.${f}` } : { local: `${b.local}.${f}` };
        };
      }
      case "subscript_expression": {
        const arr = field(n, "argument");
        const idx = field(n, "index");
        if (!arr || !idx) break;
        const base = this.place(arr, scope);
        const i = this.expr(idx, scope);
        const value = this.read(base, scope, arr.type === "identifier" ? arr.text : undefined);
        return (r) => {
          const b = base(r);
          const k = Number(i(r));
          if ("mem" in b) return { mem: `${b.mem}.${k}` };
          // `ptep[i]` through a PTE pointer (hugetlb's loop over a huge page's entries):
          // one model address stands for the entry and every entry under it, so element 0
          // is the entry; any other would be a PTE the model does not have.
          const v = value(r);
          if (typeof v === "string" && v.startsWith("pte:")) {
            if (k !== 0) throw new Error(`model error: ${at}: element ${k} of the PTE ${v}`);
            return { mem: v };
          }
          return { local: `${b.local}.${k}` };
        };
      }
      case "pointer_expression": {
        const op = n.child(0)?.text;
        const arg = field(n, "argument");
        if (op === "*" && arg) {
          const p = this.expr(arg, scope);
          return (r) => ({ mem: String(p(r)) });
        }
        break;
      }
      case "call_expression": {
        const fnNode = field(n, "function");
        const args = kids(field(n, "arguments") ?? n);
        const b = fnNode ? this.bindings.get(fnNode.text) : undefined;
        if (b?.transparent && args[0]) return this.place(args[0], scope);
        if (b && fnNode) {
          // get_cpu_var(x).field: the binding yields the object's pointer.
          this.out.bound.set(b.name, b.does);
          const v = b.use(
            args.map((a) => this.argOf(a, scope)),
            at,
            scope.fn,
          );
          return (r) => ({ mem: String(v(r)) });
        }
        break;
      }
      default:
        break;
    }
    return fail(
      "unsupported",
      at,
      `cannot assign to ${oneLine(n.text)}`,
      "assign to a local, a parameter, or through a per-CPU or PTE pointer",
    );
  }

  private read(p: PlaceEval, scope: Scope, name?: string): Eval {
    const entry = scope.entry;
    const idx = name === undefined ? -1 : scope.params.indexOf(name);
    const kind = entry && idx >= 0 ? entry[idx] : undefined;
    return (r) => {
      const pl = p(r);
      if ("mem" in pl) return load(r, pl.mem);
      const v = r.env.locals[pl.local] ?? r.env.args[pl.local];
      if (v !== undefined) return v;
      return kind !== undefined ? conventional(kind, r.env.args) : 0;
    };
  }

  private write(p: PlaceEval): (r: Run, v: Val) => void {
    const pteStore = this.arch.pteStore;
    const widths = this.unit.fieldWidths;
    return (r, v) => {
      const pl = p(r);
      if ("mem" in pl) store(r, pl.mem, wrapTo(widths, pl.mem, v), pteStore);
      else r.env.locals[pl.local] = v;
    };
  }

  expr(n: Node, scope: Scope): Eval {
    const at = this.where(n, scope);
    switch (n.type) {
      case "number_literal": {
        const v = cNumber(n.text);
        if (v === undefined) fail("unsupported", at, `cannot read the number ${n.text}`, "");
        return () => v;
      }
      case "true":
        return () => 1;
      case "false":
        return () => 0;
      case "null":
        return () => 0;
      case "parenthesized_expression": {
        const inner = kids(n)[0];
        if (inner) return this.expr(inner, scope);
        break;
      }
      case "cast_expression": {
        const v = field(n, "value");
        if (v) return this.expr(v, scope);
        break;
      }
      case "identifier":
        return this.identifier(n, scope);
      case "field_expression":
      case "subscript_expression":
        return this.read(this.place(n, scope), scope);
      case "pointer_expression": {
        const op = n.child(0)?.text;
        const arg = field(n, "argument");
        if (!arg) break;
        if (op === "*") return this.read(this.place(n, scope), scope);
        // &x: the pointer to an object (its place), or an mm/per-CPU pointer value as is.
        if (arg.type === "identifier" && !scope.vars.has(arg.text) && !scope.subst.has(arg.text))
          return this.expr(arg, scope);
        const p = this.place(arg, scope);
        return (r) => {
          const pl = p(r);
          if ("mem" in pl) return pl.mem;
          return fail(
            "unsupported",
            at,
            `the address of the local ${pl.local}`,
            "pass per-CPU or PTE pointers only",
          );
        };
      }
      case "unary_expression": {
        const op = field(n, "operator")?.text;
        const a = field(n, "argument");
        if (!a) break;
        const v = this.expr(a, scope);
        if (op === "!") return (r) => (truthy(v(r)) ? 0 : 1);
        if (op === "-") return (r) => -Number(v(r));
        if (op === "~") return (r) => Number(~BigInt(Number(v(r))));
        if (op === "+") return v;
        break;
      }
      case "update_expression": {
        const a = field(n, "argument");
        if (!a) break;
        const p = this.place(a, scope);
        const get = this.read(p, scope, a.type === "identifier" ? a.text : undefined);
        const set = this.write(p);
        const prefix = n.child(0)?.type === "++" || n.child(0)?.type === "--";
        const delta = n.text.includes("++") ? 1 : -1;
        return (r) => {
          const old = get(r);
          if (typeof old !== "number")
            throw new Error(`model error: ${at}: ${oneLine(n.text)} on ${String(old)}`);
          set(r, old + delta);
          return prefix ? old + delta : old;
        };
      }
      case "assignment_expression": {
        const l = field(n, "left");
        const rNode = field(n, "right");
        const op = field(n, "operator")?.text ?? "=";
        if (!l || !rNode) break;
        const p = this.place(l, scope);
        const rhs = this.expr(rNode, scope);
        const set = this.write(p);
        if (op === "=")
          return (r) => {
            const v = rhs(r);
            set(r, v);
            return v;
          };
        const get = this.read(p, scope, l.type === "identifier" ? l.text : undefined);
        const bin = binary(op.slice(0, -1), at);
        return (r) => {
          const v = bin(get(r), rhs(r));
          set(r, v);
          return v;
        };
      }
      case "binary_expression": {
        const op = field(n, "operator")?.text ?? "";
        const l = field(n, "left");
        const rNode = field(n, "right");
        if (!l || !rNode) break;
        const a = this.expr(l, scope);
        const lazy = op === "&&" || op === "||";
        const b = lazy ? this.maybe(() => this.expr(rNode, scope)) : this.expr(rNode, scope);
        if (op === "&&") return (r) => (truthy(a(r)) && truthy(b(r)) ? 1 : 0);
        if (op === "||") return (r) => (truthy(a(r)) || truthy(b(r)) ? 1 : 0);
        const f = binary(op, at);
        return (r) => f(a(r), b(r));
      }
      case "conditional_expression": {
        const c = field(n, "condition");
        const t = field(n, "consequence");
        const e = field(n, "alternative");
        if (!c || !t || !e) break;
        const cv = this.expr(c, scope);
        const [tv, ev] = this.maybe(() => [this.expr(t, scope), this.expr(e, scope)]);
        return (r) => (truthy(cv(r)) ? tv(r) : ev(r));
      }
      case "call_expression":
        return this.callExpr(n, scope);
      case "comma_expression": {
        // `i++, ptep++, addr += PAGE_SIZE` (a for loop's update): left to right, the last
        // one's value.
        const l = field(n, "left");
        const rNode = field(n, "right");
        if (!l || !rNode) break;
        const a = this.expr(l, scope);
        const b = this.expr(rNode, scope);
        return (r) => {
          a(r);
          return b(r);
        };
      }
      case "compound_statement":
        // A GNU statement expression, `({ unsigned long b = ...; b < end ? b : end; })`
        // (arm64's pte_cont_addr_end()): its declarations, then its last expression's value.
        return this.statementExpression(n, scope);
      case "initializer_list":
      case "compound_literal_expression":
        // A struct built on the stack (`struct vm_area_struct vma = TLB_FLUSH_VMA(mm, 0)`):
        // its fields are not modelled; a binding that takes its address ignores it.
        return () => 0;
      default:
        break;
    }
    return fail(
      "unsupported",
      at,
      `unsupported expression (${n.type}): ${oneLine(n.text)}`,
      "rewrite it with the operators, calls and member accesses the front end reads",
    );
  }

  private statementExpression(n: Node, scope: Scope): Eval {
    const stmts = kids(n).filter((c) => c.type !== "comment");
    const vars = new Set(scope.vars);
    for (const st of stmts) {
      if (st.type !== "declaration") continue;
      for (const d of kids(st)) {
        const name = d.type === "init_declarator" ? declName(d) : undefined;
        if (name) vars.add(name);
      }
    }
    const inner: Scope = { ...scope, vars };
    const parts: Eval[] = [];
    let last: Eval = () => 0;
    stmts.forEach((st, i) => {
      if (st.type === "declaration") {
        for (const d of kids(st)) {
          const name = d.type === "init_declarator" ? declName(d) : undefined;
          const value = field(d, "value");
          if (!name || !value) continue;
          const v = this.expr(value, inner);
          parts.push((r) => {
            r.env.locals[name] = v(r);
            return 0;
          });
        }
      } else if (st.type === "expression_statement") {
        const e = kids(st)[0];
        const v = e ? this.expr(e, inner) : () => 0;
        if (i === stmts.length - 1) last = v;
        else parts.push(v);
      } else {
        fail(
          "unsupported",
          this.where(st, scope),
          `a ${st.type} inside a statement expression: ${oneLine(st.text)}`,
          "write the macro's value as declarations and a final expression",
        );
      }
    });
    return (r) => {
      for (const p of parts) p(r);
      return last(r);
    };
  }

  private identifier(n: Node, scope: Scope): Eval {
    const name = n.text;
    const s = scope.subst.get(name);
    if (s) return this.expr(s.node, s.scope);
    if (scope.vars.has(name)) return this.read(this.place(n, scope), scope, name);
    const c = this.constants[name];
    if (c) {
      this.out.bound.set(name, c.does);
      return c.value;
    }
    const m = this.unit.macros.get(name);
    if (m && m.params === undefined && !scope.expanding.has(name) && m.body !== "") {
      this.out.macrosUsed.set(name, m);
      const e = this.parseExpression(m.body);
      if (e)
        return this.expr(e, {
          ...scope,
          file: m.file,
          expanding: new Set([...scope.expanding, name]),
          lineBase: m.line - 2,
        });
    }
    this.undecided(name, this.where(n, scope));
    return fail(
      "unbound",
      this.where(n, scope),
      `\`${name}\` is neither a local, a macro of the files read, nor a bound constant`,
      `define it in the tree's headers, or bind it in model/source/bindings/${this.arch.arch}.ts`,
    );
  }

  private parseExpression(text: string): Node | undefined {
    const s = this.parseStatements(`(${text});`)[0];
    return s?.type === "expression_statement" ? kids(s)[0] : undefined;
  }

  /**
   * A call of a tree function inside an expression: an engine call made as a step before the
   * statement's own (a frame of its own, where preemption and interrupts land as anywhere),
   * whose `return` value the expression reads from a local of this frame.
   */
  private hoistCall(
    name: string,
    def: FnDef,
    n: Node,
    argNodes: readonly Node[],
    scope: Scope,
    at: string,
  ): Eval {
    const into = this.hoisted;
    if (into === undefined || this.conditional > 0) {
      return fail(
        "unsupported",
        at,
        `${name}() (${def.file}:${def.line}) is called where C may not evaluate it (the right of && or ||, an arm of ?:) and is not a single \`return expr;\``,
        "test it in an if of its own, or bind it",
      );
    }
    const local = this.fresh("ret");
    into.push(this.callStep(name, argNodes, n, scope, local));
    return (r) => r.env.locals[local] ?? 0;
  }

  private callExpr(n: Node, scope: Scope): Eval {
    const at = this.where(n, scope);
    const fnNode = field(n, "function");
    const argNodes = kids(field(n, "arguments") ?? n);
    // `(phys_addr_t)(pfn)`: the grammar cannot tell a cast to a typedef it was never shown
    // from a call through a parenthesized name; a kernel type name (`*_t`, `u64`) decides.
    const cast = castType(fnNode);
    if (cast && argNodes.length === 1 && argNodes[0]) return this.expr(argNodes[0], scope);
    if (fnNode?.type !== "identifier") {
      return fail(
        "unsupported",
        at,
        `a call through ${fnNode?.text ?? "?"}`,
        "call functions by name",
      );
    }
    const name = this.resolveName(fnNode.text, scope);
    // include/linux/compiler.h's single-access macros are plain accesses here: every step is
    // atomic already.
    if (name === "WRITE_ONCE" && argNodes[0] && argNodes[1]) {
      const set = this.write(this.place(argNodes[0], scope));
      const v = this.expr(argNodes[1], scope);
      return (r) => {
        const x = v(r);
        set(r, x);
        return x;
      };
    }
    if (name === "READ_ONCE" && argNodes[0]) return this.expr(argNodes[0], scope);
    const kconfig = kconfigTest(name, argNodes[0]?.text ?? "", this.unit.macros);
    if (kconfig !== undefined) return () => kconfig;
    // arch/arm64's __ptep_get_and_clear_anysz(): `xchg_relaxed(&pte_val(*ptep), 0)`, the
    // atomic exchange of the entry (one step, as every statement is): the old value, and
    // the store of the new one through the architecture's PTE store.
    if ((name === "xchg_relaxed" || name === "xchg") && argNodes.length === 2) {
      const [ptr, nv] = argNodes;
      const target = ptr && ptr.type === "pointer_expression" && ptr.child(0)?.text === "&";
      const obj = target ? field(ptr, "argument") : undefined;
      if (!obj || !nv) {
        return fail("unsupported", at, `${name}() of ${oneLine(n.text)}`, `pass ${name}() &object`);
      }
      const place = this.place(obj, scope);
      const old = this.read(place, scope);
      const set = this.write(place);
      const v = this.expr(nv, scope);
      return (r) => {
        const was = old(r);
        set(r, v(r));
        return was;
      };
    }
    const b = this.bindings.get(name);
    if (b) {
      this.out.bound.set(b.name, b.does);
      return b.use(
        argNodes.map((a) => this.argOf(a, scope)),
        at,
        scope.fn,
      );
    }
    const mac = this.unit.macros.get(name);
    if (mac?.params !== undefined && !scope.expanding.has(name)) {
      this.out.macrosUsed.set(name, mac);
      const body = this.parseExpression(mac.body);
      if (!body) {
        return fail(
          "unsupported",
          at,
          `the macro ${name} (${mac.file}:${mac.line}) is not an expression but is used as one`,
          "use it as a statement",
        );
      }
      return this.expr(body, this.macroScope(mac, argNodes, scope));
    }
    const def = this.unit.functions.get(name);
    if (def) {
      const ret = singleReturn(def);
      if (!ret) return this.hoistCall(name, def, n, argNodes, scope, at);
      this.out.functionsUsed.set(name, def);
      const subst = new Map<string, MacroArg>();
      def.params.forEach((p, i) => {
        const a = argNodes[i];
        if (a) subst.set(p, { node: a, scope });
      });
      return this.expr(ret, {
        ...scope,
        file: def.file,
        subst,
        vars: new Set(),
        expanding: new Set([...scope.expanding, name]),
        lineBase: 0,
      });
    }
    this.undecided(name, at);
    return fail(
      "unbound",
      at,
      `${name}() is neither defined in the files read nor bound`,
      `add the file that defines it to the tree, or bind it in model/source/bindings/${this.arch.arch}.ts`,
    );
  }
}

/** A store into an unsigned field of fixed width wraps as in C (`u8 enable_count`). */
function wrapTo(widths: ReadonlyMap<string, number>, place: string, v: Val): Val {
  if (typeof v !== "number") return v;
  const bits = widths.get(place.slice(place.lastIndexOf(".") + 1));
  if (bits === undefined) return v;
  const m = 2 ** bits;
  return ((v % m) + m) % m;
}

function declName(d: Node): string | undefined {
  const inner = field(d, "declarator");
  return inner ? innerName(inner) : undefined;
}

/** The identifier a declarator declares (through `*p`, `a[N]`). */
function innerName(d: Node): string | undefined {
  let cur: Node | undefined = d;
  while (cur && cur.type !== "identifier") cur = field(cur, "declarator");
  return cur?.text;
}

function isIdentifier(s: string): boolean {
  if (s === "") return false;
  for (const [i, ch] of [...s].entries()) {
    const alpha = (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || ch === "_";
    if (!alpha && !(i > 0 && ch >= "0" && ch <= "9")) return false;
  }
  return true;
}

function isEmptyDoWhile(n: Node | undefined): boolean {
  if (n?.type !== "do_statement") return false;
  const body = field(n, "body");
  const cond = field(n, "condition");
  return (
    body !== undefined &&
    kids(body).length === 0 &&
    cond !== undefined &&
    cNumber(kids(cond)[0]?.text ?? "") === 0
  );
}

function endsInJump(ops: readonly Op[]): boolean {
  const last = ops[ops.length - 1];
  if (last?.op === "goto") return true;
  if (last?.op !== "step") return false;
  return last.label.slice(last.label.indexOf("  ") + 2).startsWith("return");
}

function singleReturn(def: FnDef): Node | undefined {
  const body = field(def.node, "body");
  const stmts = body ? kids(body).filter((c) => c.type !== "comment") : [];
  const only = stmts[0];
  if (stmts.length !== 1 || !only || only.type !== "return_statement") return undefined;
  return kids(only)[0];
}

function num(v: Val, at: string, op: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  throw new Error(`model error: ${at}: ${op} on the address ${v}`);
}

function binary(op: string, at: string): (a: Val, b: Val) => Val {
  switch (op) {
    case "==":
      return (a, b) => (a === b || (num0(a) && num0(b)) ? 1 : 0);
    case "!=":
      return (a, b) => (a === b || (num0(a) && num0(b)) ? 0 : 1);
    case "<":
      return (a, b) => (num(a, at, op) < num(b, at, op) ? 1 : 0);
    case ">":
      return (a, b) => (num(a, at, op) > num(b, at, op) ? 1 : 0);
    case "<=":
      return (a, b) => (num(a, at, op) <= num(b, at, op) ? 1 : 0);
    case ">=":
      return (a, b) => (num(a, at, op) >= num(b, at, op) ? 1 : 0);
    case "+":
      // An offset inside the page or huge page a model address names is that address
      // (`addr + REAL_HPAGE_SIZE`, sparc64's second half of a huge page): one model address
      // stands for an entry and the translations under it.
      return (a, b) =>
        typeof a === "string" && typeof b === "number" && b >= 0
          ? a
          : num(a, at, op) + num(b, at, op);
    case "-":
      return (a, b) => num(a, at, op) - num(b, at, op);
    case "*":
      return (a, b) => num(a, at, op) * num(b, at, op);
    case "/":
      return (a, b) => Math.trunc(num(a, at, op) / num(b, at, op));
    case "%":
      return (a, b) => num(a, at, op) % num(b, at, op);
    case "<<":
      return (a, b) => Number(BigInt(num(a, at, op)) << BigInt(num(b, at, op)));
    case ">>":
      // A model address is the first page of every naturally aligned block, so its index
      // inside one (`(addr >> PAGE_SHIFT) & (CONT_PTES - 1)`, arm64's contpte_try_fold()) is 0.
      return (a, b) =>
        typeof a === "string" && typeof b === "number"
          ? 0
          : Number(BigInt(num(a, at, op)) >> BigInt(num(b, at, op)));
    case "&":
      // A model address is page-aligned: masking it with PAGE_MASK leaves it unchanged.
      return (a, b) =>
        typeof a === "string"
          ? a
          : typeof b === "string"
            ? b
            : Number(BigInt(num(a, at, op)) & BigInt(num(b, at, op)));
    case "|":
      return (a, b) =>
        typeof a === "string" && b === 0
          ? a
          : Number(BigInt(num(a, at, op)) | BigInt(num(b, at, op)));
    case "^":
      return (a, b) => Number(BigInt(num(a, at, op)) ^ BigInt(num(b, at, op)));
    default:
      return () => {
        throw new Error(`model error: ${at}: operator ${op}`);
      };
  }
}

function num0(v: Val): boolean {
  return v === 0 || v === false;
}

/** The type of `(T)(x)` read as a call: a parenthesized kernel type name, else undefined. */
function castType(fnNode: Node | null | undefined): string | undefined {
  if (fnNode?.type !== "parenthesized_expression") return undefined;
  const inner = kids(fnNode);
  const id = inner.length === 1 ? inner[0] : undefined;
  if (id?.type !== "identifier") return undefined;
  return /^(?:[a-z_][a-z0-9_]*_t|[us](?:8|16|32|64))$/.test(id.text) ? id.text : undefined;
}

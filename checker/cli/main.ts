// The lazymmu command line. The only module that touches process, the file system and
// the console: it parses flags, resolves them into options (bad input exits 2 before
// anything is written), runs the pure checker and hands results to the reporters.

import { Command, CommanderError, Option } from "commander";
import { architectures } from "../../model/arch/index";
import { scenarios } from "../../model/scenarios/index";
import { formatError, type UserError } from "../errors";
import { overallVerdict, reportJson } from "../report/json";
import { matrixJson, matrixMarkdown } from "../report/matrix";
import { tracePath } from "../report/paths";
import { reportText } from "../report/text";
import { type CellResult, runCell } from "../run";
import { traceDocument } from "../trace/document";
import { traceText } from "../trace/text";
import { bundledSpecs, resolveSpec, writeAtomic } from "./files";
import { type RawRunFlags, resolveRun } from "./options";

export const EXIT = { ok: 0, violation: 1, usage: 2, incomplete: 3 } as const;

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

function die(e: UserError): never {
  process.stderr.write(`${formatError(e)}\n`);
  throw new Exit(EXIT.usage);
}

interface RunFlags extends RawRunFlags {
  readonly spec?: string;
  readonly format: string;
  readonly out: string;
}

function runAll(flags: RunFlags): CellResult[] {
  const spec = resolveSpec(flags.spec);
  if (!spec.ok) die(spec.error);
  const opts = resolveRun(spec.value, flags);
  if (!opts.ok) die(opts.error);
  const now = () => performance.now();
  const results = opts.value.cells.map((cell) =>
    runCell(cell, {
      maxStates: opts.value.maxStates,
      timeoutMs: opts.value.timeoutSeconds * 1000,
      now,
    }),
  );
  for (const r of results) {
    for (const v of r.violations) {
      const base = `${flags.out}/${tracePath(r, v)}`;
      writeAtomic(`${base}.itf.json`, `${JSON.stringify(traceDocument(r, v), null, 1)}\n`);
      writeAtomic(`${base}.txt`, traceText(r, v));
    }
  }
  return results;
}

function checkFormat(format: string, allowed: readonly string[]): void {
  if (!allowed.includes(format)) {
    die({
      code: "bad-usage",
      message: `--format expects one of ${allowed.join(", ")}, got "${format}"`,
    });
  }
}

function runOptions(cmd: Command): Command {
  return cmd
    .option("--spec <file>", "contract: a bundled spec id or a spec file", undefined)
    .option("--arch <id...>", "architecture model(s) (default: all)")
    .option("--scenario <id...>", "scenario(s) (default: all)")
    .addOption(
      new Option(
        "--preemption <model>",
        "preemption model: none, full or rt (default: each scenario's)",
      ),
    )
    .option("--max-states <n>", "stop a run after this many distinct states (verdict incomplete)")
    .option("--timeout <seconds>", "stop a run after this many seconds (verdict incomplete)")
    .option("--out <dir>", "where counterexamples are written", "counterexamples");
}

export function program(): Command {
  const root = new Command("lazymmu")
    .description("Explicit-state model checker for the Linux kernel's lazy MMU mode contract")
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeErr: () => undefined });

  root
    .command("list")
    .description("list architecture models, scenarios and specs")
    .option("--format <format>", "text or json", "text")
    .action((flags: { format: string }) => {
      checkFormat(flags.format, ["text", "json"]);
      const specs = bundledSpecs().map((r) => {
        if (!r.ok) die(r.error);
        return r.value;
      });
      const data = {
        architectures: architectures.map((a) => ({
          id: a.id,
          arch: a.arch,
          era: a.era,
          commits: a.commits,
          summary: a.summary,
        })),
        scenarios: scenarios.map((s) => ({
          id: s.id,
          summary: s.summary,
          preemption: s.preemption,
        })),
        specs: specs.map((s) => ({
          id: s.id,
          path: s.path,
          kernel: s.kernel,
          rules: s.rules.map((r) => ({ id: r.id, obligation: r.obligation })),
        })),
      };
      if (flags.format === "json") {
        process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
        return;
      }
      const out = ["Architecture models:"];
      for (const a of data.architectures)
        out.push(`  ${a.id.padEnd(18)} ${a.summary} [${a.commits.join(", ")}]`);
      out.push("Scenarios:");
      for (const s of data.scenarios) out.push(`  ${s.id.padEnd(28)} ${s.summary}`);
      out.push("Specs:");
      for (const s of data.specs)
        out.push(`  ${s.id.padEnd(18)} ${s.path}: ${s.rules.map((r) => r.id).join(", ")}`);
      process.stdout.write(`${out.join("\n")}\n`);
    });

  runOptions(
    root
      .command("verify")
      .description(
        "check models against a contract; exit 0 pass, 1 violation, 2 bad input, 3 incomplete",
      ),
  )
    .option("--format <format>", "text or json", "text")
    .action((flags: RunFlags) => {
      checkFormat(flags.format, ["text", "json"]);
      const results = runAll(flags);
      process.stdout.write(
        flags.format === "json" ? reportJson(results, flags.out) : reportText(results, flags.out),
      );
      const v = overallVerdict(results);
      throw new Exit(v === "pass" ? EXIT.ok : v === "fail" ? EXIT.violation : EXIT.incomplete);
    });

  runOptions(
    root
      .command("matrix")
      .description("the verdict of every architecture model on every scenario, as a table"),
  )
    .option("--format <format>", "markdown or json", "markdown")
    .action((flags: RunFlags) => {
      checkFormat(flags.format, ["markdown", "json"]);
      const results = runAll(flags);
      process.stdout.write(
        flags.format === "json" ? matrixJson(results, flags.out) : matrixMarkdown(results),
      );
      throw new Exit(results.some((r) => r.verdict === "incomplete") ? EXIT.incomplete : EXIT.ok);
    });
  return root;
}

export function main(argv: readonly string[]): number {
  try {
    program().parse([...argv], { from: "user" });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof Exit) return err.code;
    if (err instanceof CommanderError) {
      if (
        err.code === "commander.helpDisplayed" ||
        err.code === "commander.version" ||
        err.code === "commander.help"
      )
        return EXIT.ok;
      process.stderr.write(
        `${formatError({ code: "bad-usage", message: err.message.replace(/^error: /, "") })}\n`,
      );
      return EXIT.usage;
    }
    throw err;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

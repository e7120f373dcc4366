// Reading a trace named on the command line, and finding the model it was made with: what
// `show`, `replay` and `html` share. Bad input is returned as a user error.

import { findArch } from "../../../model/arch/index";
import type { ArchModel } from "../../../model/arch/types";
import type { ProcTable } from "../../../model/kernel/program";
import type { PreemptionModel } from "../../../model/kernel/state";
import { buildMachine, type Machine } from "../../../model/machine/machine";
import { findScenario } from "../../../model/scenarios/index";
import type { Scenario } from "../../../model/scenarios/types";
import { fail, type Result } from "../../errors";
import { type AnyTrace, currentTrace, type LoadedTrace, readTrace } from "../../trace/read";
import type { Outcome } from "../command";
import { readText } from "../files";
import { PREEMPTION_MODELS } from "../options";

/** A trace of any format lazymmu has written (what `replay` checks). */
export function loadTrace(file: string): Result<AnyTrace> {
  const text = readText(file);
  if (!text.ok) return text;
  const itf = textTraceSibling(file);
  if (itf !== undefined && !text.value.trimStart().startsWith("{"))
    return fail({
      code: "bad-trace",
      file,
      message: `this is the text form of a counterexample, written for people to read; the commands read its ITF form: use ${itf} beside it`,
    });
  return readTrace(text.value, file);
}

/** For `X.txt`, the `X.itf.json` that verify and matrix write beside it. */
function textTraceSibling(file: string): string | undefined {
  return file.endsWith(".txt") ? `${file.slice(0, -".txt".length)}.itf.json` : undefined;
}

/** A trace of the current format, whose steps carry their events as data (what renders). */
export function loadCurrentTrace(file: string): Result<LoadedTrace> {
  const trace = loadTrace(file);
  if (!trace.ok) return trace;
  return currentTrace(trace.value, file);
}

export interface TraceModel {
  readonly arch: ArchModel;
  readonly scenario: Scenario;
  readonly machine: Machine;
}

/** The machine a trace names, or the user error saying which of its names is unknown. */
export function traceModel(
  trace: Pick<AnyTrace, "meta">,
  file: string,
  derived: readonly ArchModel[] = [],
): Result<TraceModel> {
  const { meta } = trace;
  const arch = derived.find((a) => a.id === meta.arch) ?? findArch(meta.arch);
  if (!arch) {
    return fail({
      code: "unknown-arch",
      file,
      where: "/#meta/arch",
      message: !meta.arch.includes("@tree:")
        ? `no architecture model "${meta.arch}" (see \`lazymmu list\`)`
        : derived.length === 0
          ? `no architecture model "${meta.arch}": a model derived from a kernel tree; give the tree with --kernel DIR (and the --config the trace was made with)`
          : `no architecture model "${meta.arch}": --kernel derived ${derived.map((a) => a.id).join(", ")} instead`,
    });
  }
  const scenario = findScenario(meta.scenario);
  if (!scenario) {
    return fail({
      code: "unknown-scenario",
      file,
      where: "/#meta/scenario",
      message: `no scenario "${meta.scenario}" (see \`lazymmu list\`)`,
    });
  }
  if (!(PREEMPTION_MODELS as readonly string[]).includes(meta.preemption)) {
    return fail({
      code: "unknown-preemption",
      file,
      where: "/#meta/preemption",
      message: `unknown preemption model "${meta.preemption}"; expected one of: ${PREEMPTION_MODELS.join(", ")}`,
    });
  }
  const machine = buildMachine(arch, scenario, meta.preemption as PreemptionModel);
  return { ok: true, value: { arch, scenario, machine } };
}

/** `--kernel DIR` and `--config` for show, replay and html: the trace's model read from a tree. */
export interface TreeFlags {
  readonly kernel?: string;
  readonly config?: readonly string[];
}

/**
 * The models derived from --kernel for the architecture a trace names (`arm64@tree:...`
 * reads arm64 only). Async: the C parser loads first; imported only with --kernel.
 */
export async function treeModels(file: string, flags: TreeFlags): Promise<Result<ArchModel[]>> {
  if (flags.kernel === undefined) return { ok: true, value: [] };
  const trace = loadTrace(file);
  if (!trace.ok) return trace;
  const { deriveFromTree, derivedModels, preloadParser } = await import("../kernel");
  await preloadParser();
  const family = trace.value.meta.arch.split("@")[0] ?? "";
  const r = deriveFromTree(flags.kernel, [family], flags.config ?? []);
  if ("error" in r) return fail(r.error);
  return { ok: true, value: derivedModels(r.derived) };
}

/**
 * What `show` and `html` render: a current-format trace, and the procedures of the model it
 * names when that model is known here (they give the source positions; absent, the trace's own
 * labels are shown).
 */
export function renderableTrace(
  file: string,
  derived: readonly ArchModel[],
): Result<{ readonly trace: LoadedTrace; readonly procs: ProcTable | undefined }> {
  const trace = loadCurrentTrace(file);
  if (!trace.ok) return trace;
  const model = traceModel(trace.value, file, derived);
  return {
    ok: true,
    value: { trace: trace.value, procs: model.ok ? model.value.machine.procs : undefined },
  };
}

/** Runs `body` with the --kernel models: synchronously when there is no --kernel. */
export function withTreeModels(
  file: string,
  flags: TreeFlags,
  body: (derived: readonly ArchModel[]) => Outcome,
): Outcome | Promise<Outcome> {
  if (flags.kernel === undefined) return body([]);
  return treeModels(file, flags).then((m) => (m.ok ? body(m.value) : { error: m.error }));
}

// `lazymmu extract` as text: the steps read from the tree, each with its file:line and source
// line, the procedures they form, the macros followed, the bindings used and the files read.

import type { Derived } from "./derive";

export function describeDerived(x: Derived): string {
  const { model, unit, compiled } = x;
  const out: string[] = [`${model.id}`, ""];
  out.push("Files read (in include order):");
  for (const f of unit.files) out.push(`  ${f}`);
  if (unit.skipped.length > 0)
    out.push(`Includes not in the tree (not followed): ${unit.skipped.join(", ")}`);
  if (unit.unfollowed.length > 0)
    out.push(
      `Includes off the lazy MMU path (in the tree, not read): ${unit.unfollowed.length} (${unit.unfollowed.slice(0, 8).join(", ")}${unit.unfollowed.length > 8 ? ", ..." : ""})`,
    );
  const overridden = Object.entries(x.config).map(([k, v]) => `${k}=${v}`);
  out.push(`Configuration: ${overridden.join(" ")}`, "");
  for (const p of model.procs) {
    const def = compiled.functionsUsed.get(p.name);
    const mac = compiled.macrosUsed.get(p.name);
    const from = def ? `${def.file}:${def.line}` : mac ? `${mac.file}:${mac.line} (macro)` : "";
    out.push(`${p.name}()  ${from}`);
    let n = 0;
    for (const op of p.ops) {
      if (op.op === "label") {
        if (op.name.startsWith("c:")) out.push(`      ${op.name.slice(2)}:`);
        continue;
      }
      if (op.op === "goto") {
        // A jump is a position change, not a step: nothing can happen at it.
        if (op.label.startsWith("c:")) out.push(`      goto ${op.label.slice(2)};`);
        continue;
      }
      n += 1;
      out.push(
        op.op === "step"
          ? `  ${String(n).padStart(2)}  ${op.label}`
          : `  ${String(n).padStart(2)}  call ${op.proc}()`,
      );
    }
    out.push("");
  }
  if (x.generic.length > 0) {
    out.push(
      `Not defined by the tree (the engine's generic procedures): ${x.generic.join(", ")}`,
      "",
    );
  }
  out.push("Macros followed:");
  for (const m of [...compiled.macrosUsed.values()].sort((a, b) => a.name.localeCompare(b.name)))
    out.push(`  ${m.name}  ${m.file}:${m.line}`);
  out.push("", "Bindings (not read from the tree):");
  for (const [name, does] of [...compiled.bound].sort((a, b) => a[0].localeCompare(b[0])))
    out.push(`  ${name}: ${does}`);
  return `${out.join("\n")}\n`;
}

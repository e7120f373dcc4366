// `lazymmu extract --kernel DIR --arch ARCH`: the steps read from a kernel tree, with their
// file:line, the macros followed and the bindings used. Exit 0, or 2 when the tree cannot be
// read (an unsupported construct or an unbound call, with file:line and the fix).

import { describeDerived } from "../../../model/source/describe";
import { type Outcome, output, userError } from "../command";
import { deriveFromTree, preloadParser } from "../kernel";

interface ExtractFlags {
  readonly kernel: string;
  readonly arch?: readonly string[];
  readonly config?: readonly string[];
}

export async function run(_args: readonly string[], flags: ExtractFlags): Promise<Outcome> {
  await preloadParser();
  const r = deriveFromTree(flags.kernel, flags.arch, flags.config ?? []);
  if ("error" in r) return userError(r.error);
  return output(r.derived.map(describeDerived).join("\n"));
}

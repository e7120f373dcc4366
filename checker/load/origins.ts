// Whether the model files a trace was made with are loaded now, unchanged: a trace whose
// architecture model or scenario came from a file (--load) replays only against the same
// content, since any edit could change the states it reaches. Pure.

import type { Origin } from "../../model/registry";
import type { UserError } from "../errors";

/** The first recorded file that is not loaded now or whose content changed; or undefined. */
export function originMismatch(
  recorded: readonly Origin[],
  loaded: readonly Origin[],
  traceFile: string,
): UserError | undefined {
  for (const r of recorded) {
    // The same content loaded from elsewhere (the file was moved) is the same model.
    if (loaded.some((o) => o.sha256 === r.sha256)) continue;
    const now = loaded.find((o) => o.file === r.file);
    if (now === undefined) {
      return {
        code: "model-file-changed",
        file: traceFile,
        where: "/#meta/loaded",
        message: `the trace was made with models from ${r.file}; load it with --load ${r.file}`,
      };
    }
    return {
      code: "model-file-changed",
      file: traceFile,
      where: "/#meta/loaded",
      message: `${r.file} has changed since the trace was made (sha256 ${r.sha256.slice(0, 12)} then, ${now.sha256.slice(0, 12)} now): the trace would not replay the same model`,
    };
  }
  return undefined;
}

// The V8 flags the lazymmu command and the bench set (checker/cli/engine.ts) exist in this
// Node's V8: for a flag it does not know, setFlagsFromString prints "unrecognized flag" on
// stderr and goes on, so a rename in a later V8 would drop the tuning and put that line
// into every command's output.

import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ENGINE_FLAGS } from "../checker/cli/engine";

describe("engine flags", () => {
  it("each is one of this V8's options, with a value of its type", () => {
    const options = spawnSync(process.execPath, ["--v8-options"], { encoding: "utf8" }).stdout;
    for (const flag of ENGINE_FLAGS) {
      const [name, value] = flag.split("=");
      expect(options).toContain(`  ${name} (`);
      // The flags set are integers (budgets and a growth factor).
      expect(value).toMatch(/^\d+$/);
    }
  });
});

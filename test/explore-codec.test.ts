// The packed state keys derived from the state's declaration: a key decodes back to an
// equal state, the collapsed key (components stored once) and the whole-state key agree on
// which states are equal, and the store keeps exactly one entry per distinct key.

import { describe, expect, it } from "vitest";
import { CollapsedKernelCodec, KernelCodec, mutableCopy } from "../checker/explore/kernel-codec";
import { StateStore } from "../checker/explore/store";
import type { Kernel } from "../model/kernel/state";
import { machine, reachable, sortedJson } from "./explore-helpers";

const cells: [string, string][] = [
  ["sparc64@v6.15", "bench-reference"],
  ["x86-xen-pv@v6.15", "apply-to-pte-range-init-mm"],
  ["arm64@b81c688426a9", "vmap-pte-range"],
];

describe("packed state keys", () => {
  for (const [arch, scenario] of cells) {
    it(`${arch} ${scenario}: keys round-trip and agree on equality`, () => {
      const states: Kernel[] = reachable(machine(arch, scenario, "full"), 1000).flatMap((x) => [
        x.state,
        ...x.out.map((t) => t.next),
      ]);
      const whole = new KernelCodec();
      const collapsed = new CollapsedKernelCodec();
      const byWhole = new Map<string, string>();
      const store = new StateStore();
      for (const s of states) {
        const w = Buffer.from(whole.key(s)).toString("latin1");
        const key = collapsed.key(s).slice();
        expect(sortedJson(whole.decode(whole.key(s)))).toBe(sortedJson(s));
        expect(sortedJson(collapsed.decode(key))).toBe(sortedJson(s));
        expect(sortedJson(mutableCopy(s))).toBe(sortedJson(s));
        const c = Buffer.from(key).toString("latin1");
        const seen = byWhole.get(w);
        if (seen === undefined) byWhole.set(w, c);
        else expect(c).toBe(seen);
        store.add(key);
      }
      expect(new Set(byWhole.values()).size).toBe(byWhole.size);
      expect(store.size).toBe(byWhole.size);
    });
  }
});

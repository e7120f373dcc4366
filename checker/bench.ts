// What ../shared/bench/spin/run-side-by-side.sh runs by default, from the project root
// (`node -r ts-node/register/transpile-only checker/bench.ts`): `npm run bench`'s
// reference configuration (scripts/bench.ts, which prints the lines the script reads),
// from the TypeScript sources. `npm run bench` runs it compiled, and `npm run bench:spin`
// runs the side by side on this project's mirror (bench/spin/), whose graph is the
// corrected model's (the shared mirror's predates the corrections: 108,240 states).
//
// The script takes lazymmu's exploration CPU as this process's CPU less that of a process
// that only loads checker/run, model/arch/index and model/scenarios/index under ts-node,
// with V8's default flags. So this process loads those first, with the same flags, and
// sets the checker's flags (checker/cli/engine.ts) only then: its start-up is the one
// subtracted. (Loading fewer modules, or with the checker's flags, which make the
// TypeScript compiler ts-node runs cheaper to compile, gave negative exploration times.)

require("./run");
require("../model/arch/index");
require("../model/scenarios/index");
// scripts/bench.ts sets the checker's flags, then explores.
require("../scripts/bench");

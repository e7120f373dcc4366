// `npm run spec-schema`: writes the list of triggers (event kinds and `state`) into
// specs/spec.schema.json from their declaration (model/kernel/events.ts, through
// model/machine/vocabulary.ts TRIGGERS). The schema stays a file because editors read it
// (a spec's "$schema"); test/rule-language.test.ts fails while the committed file lists
// other triggers, and checker/spec/parse.ts refuses to start with one.

import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applyEdits, modify } from "jsonc-parser";
import { TRIGGERS } from "../model/machine/vocabulary";

const file = join(__dirname, "..", "specs", "spec.schema.json");
const text = readFileSync(file, "utf8");
const path = ["definitions", "trigger", "properties", "event", "enum"];
const listed = path.reduce<unknown>(
  (o, k) => (o as Record<string, unknown> | undefined)?.[k],
  JSON.parse(text),
);
if (JSON.stringify(listed) === JSON.stringify(TRIGGERS)) {
  process.stdout.write("specs/spec.schema.json lists the declared triggers already\n");
} else {
  writeFileSync(file, applyEdits(text, modify(text, path, [...TRIGGERS], {})));
  // Laid out as the repository formats JSON.
  execFileSync(join(__dirname, "..", "node_modules", ".bin", "biome"), ["format", "--write", file]);
  process.stdout.write("specs/spec.schema.json: the declared triggers written\n");
}

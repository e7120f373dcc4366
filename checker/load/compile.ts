// Turns a user's model file (TypeScript or JavaScript, ES module or CommonJS syntax) into
// CommonJS code Node can run, with the TypeScript compiler's transpiler: types are erased,
// nothing is type-checked (run `tsc` on the file for that). Syntax errors come back as
// values naming the file, line and column. Also finds where in the source an id is written,
// so that a problem with a model can name its line. Pure.

import type TS from "typescript";
import { fail, ok, type Result } from "../errors";

/**
 * The TypeScript compiler, loaded the first time a model file is compiled: every command
 * imports this module, most never load a model file, and loading the compiler costs about
 * 0.3 s of CPU.
 */
let compiler: typeof TS | undefined;
function typescript(): typeof TS {
  compiler ??= require("typescript") as typeof TS;
  return compiler;
}

export function compileModelFile(source: string, file: string): Result<string> {
  const ts = typescript();
  const out = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      allowJs: true,
    },
  });
  const d = (out.diagnostics ?? []).find((x) => x.category === ts.DiagnosticCategory.Error);
  if (d !== undefined) {
    const where =
      d.file !== undefined && d.start !== undefined
        ? d.file.getLineAndCharacterOfPosition(d.start)
        : undefined;
    return fail({
      code: "bad-model-file",
      file,
      ...(where === undefined ? {} : { where: `${where.line + 1}:${where.character + 1}` }),
      message: `syntax error: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`,
    });
  }
  return ok(out.outputText);
}

/**
 * The line (1-based) of the `id: "<id>"` property that names a model or scenario in the
 * source, or undefined when the id is computed rather than written out.
 */
export function lineOfId(source: string, file: string, id: string): number | undefined {
  const ts = typescript();
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
  let found: number | undefined;
  const visit = (n: TS.Node): void => {
    if (found !== undefined) return;
    if (
      ts.isPropertyAssignment(n) &&
      n.name.getText(sf) === "id" &&
      (ts.isStringLiteral(n.initializer) || ts.isNoSubstitutionTemplateLiteral(n.initializer)) &&
      n.initializer.text === id
    ) {
      found = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

// The C parser: tree-sitter's C grammar (the tree-sitter-c package's wasm) through
// web-tree-sitter. No native build and nothing fetched at run time; loading is async, so the
// CLI loads it once before deriving a model.

import { Language, type Node, Parser } from "web-tree-sitter";

export type { Node } from "web-tree-sitter";

export interface CParser {
  /** The syntax tree of one file's text (tree-sitter recovers from what it cannot parse). */
  parse(text: string): Node;
}

let loaded: Promise<CParser> | undefined;

export function loadCParser(): Promise<CParser> {
  loaded ??= (async () => {
    await Parser.init();
    const c = await Language.load(require.resolve("tree-sitter-c/tree-sitter-c.wasm"));
    const parser = new Parser();
    parser.setLanguage(c);
    return {
      parse(text: string): Node {
        const tree = parser.parse(text);
        if (tree === null) throw new Error("tree-sitter returned no tree");
        return tree.rootNode;
      },
    };
  })();
  return loaded;
}

/** The named children of a node, without the nulls web-tree-sitter's typing allows. */
export function kids(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null);
}

/** A required field of a node; absent means the grammar changed under us. */
export function field(n: Node, name: string): Node | undefined {
  return n.childForFieldName(name) ?? undefined;
}

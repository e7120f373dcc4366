// Word wrapping for terminal text: breaks at spaces, splits words longer than the width,
// keeps a line's leading spaces, and indents continuation lines so a wrapped item still
// reads as one.

export function wrap(text: string, width: number, indent = 2): string[] {
  const lead = /^ */.exec(text)?.[0] ?? "";
  const cont = lead.length + indent;
  const w = Math.max(width, cont + 4);
  const out: string[] = [];
  let line = lead;
  const push = () => {
    out.push(line);
    line = " ".repeat(cont);
  };
  for (const word of text.slice(lead.length).split(" ")) {
    let rest = word;
    const sep = line.trim() === "" ? "" : " ";
    if (line.length + sep.length + rest.length <= w) {
      line += sep + rest;
      continue;
    }
    if (line.trim() !== "") push();
    while (line.length + rest.length > w) {
      const room = w - line.length;
      line += rest.slice(0, room);
      rest = rest.slice(room);
      push();
    }
    line += rest;
  }
  if (line.trim() !== "" || out.length === 0) out.push(line);
  return out;
}

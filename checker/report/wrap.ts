// Word wrapping for terminal text, measured in display columns (string-width: a CJK
// character takes two, a combining mark none). Lines break at spaces; a token too long for
// the room left moves to the next line whole, so an identifier (`arch_enter_lazy_mmu_mode`),
// a field (`tb->active`) or a path (`arch/sparc/mm/tlb.c:55`) is never cut. Only a token
// wider than a whole line is split, and then at a seam between its parts (after `(`, `,`,
// `[`, `=` or `|`; failing that after a `/` between path components) before, as a last
// resort, at the column. A line's leading spaces are kept, and continuation lines are
// indented so that a wrapped item still reads as one.

import stringWidth from "string-width";

export const columns = (s: string): number => stringWidth(s);

/** Where a token wider than a line may be split: after one of these. */
const SEAMS = new Set(["(", ",", "[", "=", "|"]);
const PATH_SEAM = "/";

/** Where to split `token` so that its head fits in `room` columns (a UTF-16 index). */
function splitPoint(token: string, room: number): number {
  let width = 0;
  let at = 0;
  let seam = 0;
  let path = 0;
  for (const ch of token) {
    width += columns(ch);
    if (width > room) break;
    at += ch.length;
    if (at === token.length) break;
    if (SEAMS.has(ch)) seam = at;
    else if (ch === PATH_SEAM) path = at;
  }
  const cut = seam || path || at;
  if (cut > 0) return cut;
  // Room for not even one character: take it anyway, so that wrapping ends.
  return String.fromCodePoint(token.codePointAt(0) ?? 32).length;
}

function leadingSpaces(text: string): number {
  let n = 0;
  while (text[n] === " ") n++;
  return n;
}

export function wrap(text: string, width: number, indent = 2): string[] {
  const lead = leadingSpaces(text);
  const cont = " ".repeat(lead + indent);
  const w = Math.max(width, cont.length + 4);
  const out: string[] = [];
  let line = " ".repeat(lead);
  let used = lead;
  const fresh = () => line.trim() === "";
  const push = () => {
    out.push(line);
    line = cont;
    used = cont.length;
  };
  for (const token of text.slice(lead).split(" ")) {
    let rest = token;
    const sep = fresh() ? "" : " ";
    if (used + sep.length + columns(rest) <= w) {
      line += sep + rest;
      used += sep.length + columns(rest);
      continue;
    }
    if (!fresh()) push();
    while (used + columns(rest) > w) {
      const cut = splitPoint(rest, w - used);
      line += rest.slice(0, cut);
      rest = rest.slice(cut);
      push();
    }
    line += rest;
    used += columns(rest);
  }
  if (!fresh() || out.length === 0) out.push(line);
  return out;
}

// Reading JSON that a user hands us (specs, traces) without crashing, hanging or echoing
// raw bytes: the nesting depth is bounded by an iterative scan before any recursive code
// (a parser, ajv, a decoder) sees the value, and a syntax error is reported as
// line:column with a sentence, located by jsonc-parser (strict: no comments, no trailing
// commas) because Node 20's JSON.parse messages often carry no position.

import { type ParseError, parse, printParseErrorCode } from "jsonc-parser";
import { fail, ok, type Result } from "./errors";

/** Deeper nesting than this is refused: no spec or trace lazymmu writes comes close. */
export const MAX_JSON_DEPTH = 200;

const SYNTAX: Readonly<Record<string, string>> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "malformed number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: 'expected ":" after the property name',
  CommaExpected: 'expected "," or the end of the list or object',
  CloseBraceExpected: 'expected "}" to close the object',
  CloseBracketExpected: 'expected "]" to close the list',
  EndOfFileExpected: "expected the end of the file after the value",
  InvalidCommentToken: "comments are not JSON",
  UnexpectedEndOfComment: "comments are not JSON",
  UnexpectedEndOfString: "a string is not closed before the end of its line",
  UnexpectedEndOfNumber: "malformed number",
  InvalidUnicode: "malformed \\u escape",
  InvalidEscapeCharacter: "malformed escape in a string",
  InvalidCharacter: "a control character inside a string",
};

/** `text` as JSON, or a `bad-json` error naming `file`, line:column and what is wrong. */
export function parseJsonText(text: string, file: string): Result<unknown> {
  // A byte-order mark is allowed before JSON text (RFC 8259 section 8.1); editors write one.
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const bad = (offset: number, message: string): Result<unknown> =>
    fail<unknown>({ code: "bad-json", file, where: lineColumn(body, offset), message });
  if (body.trim() === "") return bad(body.length, "not valid JSON: the file is empty");
  const deep = tooDeep(body);
  if (deep !== undefined) {
    return bad(
      deep,
      `nested deeper than ${MAX_JSON_DEPTH} lists and objects; lazymmu reads nothing that deep`,
    );
  }
  try {
    return ok(JSON.parse(body) as unknown);
  } catch {
    const errors: ParseError[] = [];
    parse(body, errors, { disallowComments: true, allowTrailingComma: false });
    const first = errors[0];
    if (first === undefined) return bad(0, "not valid JSON");
    const code = printParseErrorCode(first.error);
    const what = SYNTAX[code] ?? "not valid JSON";
    const found = code === "UnexpectedEndOfString" ? "" : near(body, first.offset);
    return bad(first.offset, `not valid JSON: ${what}${found}`);
  }
}

/** Where the first list or object deeper than the limit opens, if one does. Iterative. */
function tooDeep(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

/** "line L, column C" (both from 1) of an offset. */
export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

/** The character at `offset`, shown safely: printable ASCII quoted, anything else as U+XXXX. */
function near(text: string, offset: number): string {
  const c = text.codePointAt(offset);
  if (c === undefined) return " (at the end of the file)";
  if (c === 0x22) return " (found a string)";
  if (c >= 0x21 && c <= 0x7e) return ` (found ${JSON.stringify(String.fromCodePoint(c))})`;
  return ` (found U+${c.toString(16).toUpperCase().padStart(4, "0")})`;
}

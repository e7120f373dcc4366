// How wide and whether coloured `show` prints, from what the command line and the terminal
// say, by the conventions a terminal user expects. Pure: the CLI passes in the flags, the
// environment and what it knows of standard output.
// Width: --width, else $COLUMNS (what shells and Python's shutil read first), else the
// terminal's width, else 100. Colour: --color / --no-color, else FORCE_COLOR (set and not
// "0" or "false": on, as Node's own tty.getColorDepth reads it, which lets it win over
// NO_COLOR), else NO_COLOR (set and not empty: off, https://no-color.org), else TERM=dumb
// (off), else colour only on a terminal.

export const DEFAULT_WIDTH = 100;
export const MIN_WIDTH = 40;
export const MAX_WIDTH = 1000;

export interface TerminalInput {
  /** --width as typed, if given. */
  readonly width?: string;
  /** --color (true) or --no-color (false), if given. */
  readonly color?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTTY: boolean;
  /** The terminal's width, when standard output is one. */
  readonly columns?: number;
}

export type Terminal =
  | { readonly ok: true; readonly width: number; readonly color: boolean }
  | { readonly ok: false; readonly message: string };

/** A whole number as typed, without reading more into it than digits. */
function wholeNumber(raw: string): number | undefined {
  const t = raw.trim();
  if (t === "" || [...t].some((c) => c < "0" || c > "9")) return undefined;
  return Number(t);
}

function color(i: TerminalInput): boolean {
  if (i.color !== undefined) return i.color;
  const force = i.env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  if ((i.env.NO_COLOR ?? "") !== "") return false;
  if (i.env.TERM === "dumb") return false;
  return i.isTTY;
}

export function showTerminal(i: TerminalInput): Terminal {
  const c = color(i);
  if (i.width !== undefined) {
    const n = wholeNumber(i.width);
    if (n === undefined || n < MIN_WIDTH || n > MAX_WIDTH)
      return {
        ok: false,
        message: `--width expects a whole number from ${MIN_WIDTH} to ${MAX_WIDTH}, got "${i.width}"`,
      };
    return { ok: true, width: n, color: c };
  }
  // $COLUMNS is a hint, not a flag: a value out of range is brought into it, not refused.
  const env = i.env.COLUMNS === undefined ? undefined : wholeNumber(i.env.COLUMNS);
  const w = env ?? i.columns ?? DEFAULT_WIDTH;
  return { ok: true, width: Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, w)), color: c };
}

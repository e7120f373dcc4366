// Draws run progress on stderr: on a terminal one line redrawn in place (at most ten times
// a second, cut to the terminal's width so that it never wraps and `\r` can redraw it);
// otherwise, as TLC does when piped, a plain line every few seconds, so that a CI log shows
// the run is alive without filling up. Two escapes (carriage return, erase to end of line)
// are all it takes, so no terminal library is loaded for it.

import { progressLine, type RunProgress } from "../report/progress";

export interface ProgressWriter {
  readonly update: (p: RunProgress) => void;
  /** Clears the line on a terminal, before the report is printed. */
  readonly end: () => void;
}

export function progressWriter(
  write: (s: string) => void,
  tty: boolean,
  now: () => number,
  { plainEveryMs = 5000, columns }: { plainEveryMs?: number; columns?: number } = {},
): ProgressWriter {
  // Off a terminal, a run shorter than the interval prints no progress at all.
  let last = tty ? Number.NEGATIVE_INFINITY : now();
  let drawn = false;
  const every = tty ? 100 : plainEveryMs;
  return {
    update(p) {
      const t = now();
      if (t - last < every) return;
      last = t;
      if (tty) {
        const line = progressLine(p);
        const fit = columns !== undefined && columns > 1 ? line.slice(0, columns - 1) : line;
        write(`\r\x1b[K${fit}`);
        drawn = true;
      } else write(`progress: ${progressLine(p)}\n`);
    },
    end() {
      if (tty && drawn) write("\r\x1b[K");
      drawn = false;
    },
  };
}

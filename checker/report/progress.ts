// How far a run of many cells got, as one line for stderr: runs done of total, states,
// states per second, elapsed time and an estimate of the time left.

export interface RunProgress {
  readonly done: number;
  readonly total: number;
  /** Distinct states found so far, in finished and running cells. */
  readonly states: number;
  readonly elapsedSeconds: number;
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * The time left, from the runs done so far: their mean wall time times the runs left. Cells
 * differ by orders of magnitude, so it is a rough guide; none before the first run ends.
 */
export function eta(p: RunProgress): number | undefined {
  if (p.done === 0 || p.done >= p.total) return undefined;
  return (p.elapsedSeconds / p.done) * (p.total - p.done);
}

export function progressLine(p: RunProgress): string {
  const rate = p.elapsedSeconds > 0 ? Math.round(p.states / p.elapsedSeconds) : 0;
  const left = eta(p);
  return [
    `${p.done}/${p.total} runs`,
    `${p.states.toLocaleString("en-US")} states`,
    `${rate.toLocaleString("en-US")} states/s`,
    `${clock(p.elapsedSeconds)} elapsed`,
    left === undefined ? "ETA -" : `ETA ${clock(left)}`,
  ].join(", ");
}

// `lazymmu show`: a trace as text swimlanes, one column per CPU (and one for memory and the
// MMU when the terminal is wide enough, else those changes go under each row), one row per
// step, then what went wrong in words. Pure: width and colour are given by the caller;
// colour is ANSI escapes, applied after padding so that columns line up.

import { type Change, initiallyShown, type StepView, type TraceView } from "./lanes";
import type { Story } from "./story";
import { columns, wrap } from "./wrap";

export interface ShowOptions {
  readonly width: number;
  readonly color: boolean;
  /** Whole states in every row instead of what changed. */
  readonly full: boolean;
}

type Style =
  | "plain"
  | "bold"
  | "dim"
  | "bug"
  | "change"
  | "head"
  | "ctx0"
  | "ctx1"
  | "ctx2"
  | "irq";

interface Line {
  readonly text: string;
  readonly style: Style;
}

const ANSI: Record<Style, string> = {
  plain: "",
  bold: "\x1b[1m",
  dim: "\x1b[2m",
  bug: "\x1b[1;31m",
  change: "\x1b[33m",
  head: "\x1b[1;4m",
  ctx0: "\x1b[1;36m",
  ctx1: "\x1b[1;35m",
  ctx2: "\x1b[1;34m",
  irq: "\x1b[1;33m",
};

const GUTTER = 4;
const SEP = " │ ";
const MIN_LANE = 26;
const MAX_LANE = 72;

function paint(l: Line, color: boolean, pad = 0): string {
  const fill = " ".repeat(Math.max(0, pad - columns(l.text)));
  if (!color || l.style === "plain") return l.text + fill;
  return `${ANSI[l.style]}${l.text}\x1b[0m${fill}`;
}

function lines(text: string, width: number, style: Style): Line[] {
  return wrap(text, width).map((t) => ({ text: t, style }));
}

interface Layout {
  readonly laneWidth: number;
  /** 1 with several CPUs: too narrow for side by side, each lane's lines come in turn. */
  /** How many lanes are columns: the CPUs, plus memory when it fits. */
  readonly columns: number;
  readonly memoryColumn: boolean;
}

/** Below this, side-by-side CPU lanes wrap every other word: lanes are stacked instead. */
const MIN_SIDE_BY_SIDE = 24;
const TAG = 6;

function layout(view: TraceView, width: number): Layout {
  const all = view.lanes.length;
  const widthFor = (n: number) => Math.floor((width - GUTTER) / n) - SEP.length;
  if (widthFor(all) >= MIN_LANE)
    return { laneWidth: Math.min(widthFor(all), MAX_LANE), columns: all, memoryColumn: true };
  const cpus = all - 1;
  if (widthFor(cpus) < MIN_SIDE_BY_SIDE)
    return { laneWidth: width - GUTTER - SEP.length - TAG, columns: 1, memoryColumn: false };
  return { laneWidth: Math.min(widthFor(cpus), MAX_LANE), columns: cpus, memoryColumn: false };
}

function contextStyles(view: TraceView): Map<string, Style> {
  const styles = new Map<string, Style>();
  const palette: Style[] = ["ctx0", "ctx1", "ctx2"];
  for (const s of view.steps) {
    if (s.context === undefined || styles.has(s.context.id)) continue;
    styles.set(
      s.context.id,
      s.context.kind === "irq" ? "irq" : (palette[styles.size % palette.length] ?? "bold"),
    );
  }
  return styles;
}

function changeLines(changes: readonly Change[], w: number): Line[] {
  return changes.flatMap((c) => lines(c.text, w, "change"));
}

/** Whole facts; when `changed` is given, those this step changed are marked "*". */
function fullLines(
  facts: readonly { name: string; value: string }[],
  changed: readonly Change[] | undefined,
  w: number,
): Line[] {
  const names = new Set((changed ?? []).map((c) => c.fact));
  const mark = (n: string) => (changed === undefined ? "" : names.has(n) ? "*" : " ");
  return facts
    .filter((f) => f.value !== "-" && f.value !== "[]")
    .flatMap((f) =>
      lines(`${mark(f.name)}${f.name} = ${f.value}`, w, names.has(f.name) ? "change" : "dim"),
    );
}

function actionLines(s: StepView, w: number, ctx: Map<string, Style>): Line[] {
  const out: Line[] = [];
  if (s.context !== undefined) {
    const kind = s.context.kind === "irq" ? "interrupt" : "task";
    out.push({ text: `${s.context.id} (${kind})`, style: ctx.get(s.context.id) ?? "bold" });
  }
  if (s.fn !== undefined) out.push(...lines(`${s.fn}()`, w, "bold"));
  out.push(...lines(s.label, w, "plain"));
  if (s.at !== undefined) out.push(...lines(s.at, w, "dim"));
  for (const h of s.hooks) out.push(...lines(`hook: ${h}`, w, "dim"));
  for (const e of s.events)
    out.push(...lines(e.bug ? `!! ${e.text}` : e.text, w, e.bug ? "bug" : "dim"));
  return out;
}

function verdictLines(view: TraceView, s: StepView, w: number): Line[] {
  if (s.index !== view.steps.length - 1) return [];
  return lines(`=> violates ${view.meta.rule}`, w, "bug");
}

/** What one lane says in one step: the action if it acted there, then what changed. */
function cellLines(
  view: TraceView,
  s: StepView,
  lane: number,
  w: number,
  o: ShowOptions,
  ctx: Map<string, Style>,
): Line[] {
  const cell: Line[] = s.lane === lane ? actionLines(s, w, ctx) : [];
  const who = s.index === 0 ? s.running[lane] : undefined;
  if (who !== undefined) cell.push({ text: `runs ${who.text}`, style: "bold" });
  const changed = s.changes[lane] ?? [];
  const full = s.full[lane] ?? [];
  if (o.full) cell.push(...fullLines(full, changed, w));
  else if (s.index === 0) cell.push(...fullLines(full.filter(initiallyShown), undefined, w));
  else cell.push(...changeLines(changed, w));
  if (lane === (s.lane ?? 0)) cell.push(...verdictLines(view, s, w));
  return cell;
}

function stepRows(
  view: TraceView,
  s: StepView,
  l: Layout,
  o: ShowOptions,
  ctx: Map<string, Style>,
): string[] {
  const w = l.laneWidth;
  const memory = view.lanes.length - 1;
  const sideBySide = l.columns > 1 || memory === 1;
  if (!sideBySide) return stackedRows(view, s, l, o, ctx);
  const cells: Line[][] = [];
  for (let lane = 0; lane < l.columns; lane++) cells.push(cellLines(view, s, lane, w, o, ctx));
  const height = Math.max(1, ...cells.map((c) => c.length));
  const rows: string[] = [];
  for (let r = 0; r < height; r++) {
    const gutter = r === 0 ? String(s.index).padStart(GUTTER) : " ".repeat(GUTTER);
    const parts = cells.map((c, i) =>
      paint(c[r] ?? { text: "", style: "plain" }, o.color, i === cells.length - 1 ? 0 : w),
    );
    rows.push(`${gutter}${SEP}${parts.join(SEP)}`.trimEnd());
  }
  if (!l.memoryColumn) {
    const mw = o.width - GUTTER - SEP.length - 7;
    cellLines(view, s, memory, mw, o, ctx).forEach((m, i) => {
      rows.push(
        `${" ".repeat(GUTTER)}${SEP}${i === 0 ? "memory " : "       "}${paint(m, o.color)}`,
      );
    });
  }
  return rows;
}

/** Too narrow for lanes side by side: each lane's lines in turn, tagged with the lane. */
function stackedRows(
  view: TraceView,
  s: StepView,
  l: Layout,
  o: ShowOptions,
  ctx: Map<string, Style>,
): string[] {
  const rows: string[] = [];
  view.lanes.forEach((name, lane) => {
    const tag = lane === view.lanes.length - 1 ? "mem" : name;
    cellLines(view, s, lane, l.laneWidth, o, ctx).forEach((line, i) => {
      const gutter = rows.length === 0 ? String(s.index).padStart(GUTTER) : " ".repeat(GUTTER);
      const t = i === 0 ? tag.padEnd(TAG) : " ".repeat(TAG);
      rows.push(`${gutter}${SEP}${t}${paint(line, o.color)}`.trimEnd());
    });
  });
  if (rows.length === 0) rows.push(String(s.index).padStart(GUTTER) + SEP.trimEnd());
  return rows;
}

function header(view: TraceView, o: ShowOptions): string[] {
  const m = view.meta;
  const w = o.width;
  const out: Line[] = [
    ...lines(
      `lazymmu trace: ${m.arch} [${m.commits.join(", ")}], scenario ${m.scenario}, preemption ${m.preemption}, spec ${m.spec}`,
      w,
      "bold",
    ),
    ...lines(`violates ${m.rule} (${m.obligation}): ${m.text}`, w, "plain"),
    { text: "", style: "plain" },
  ];
  return out.map((l) => paint(l, o.color));
}

function laneHeader(view: TraceView, l: Layout, o: ShowOptions): string[] {
  const stacked = l.columns === 1 && view.lanes.length > 2;
  const names = stacked ? ["lane  what happened"] : view.lanes.slice(0, l.columns);
  const head = names.map((n, i) =>
    paint({ text: n, style: "head" }, o.color, i === names.length - 1 ? 0 : l.laneWidth),
  );
  const rule = names.map(() => "─".repeat(l.laneWidth + (stacked ? TAG : 0))).join("─┼─");
  return [`${"step".padStart(GUTTER)}${SEP}${head.join(SEP)}`, `${"─".repeat(GUTTER)}─┼─${rule}`];
}

function storyLines(st: Story, o: ShowOptions): string[] {
  const w = o.width;
  const out: Line[] = [
    { text: "", style: "plain" },
    { text: "What went wrong", style: "head" },
  ];
  out.push(...lines(st.headline, w, "bug"));
  out.push(...lines(`Rule: ${st.rule}`, w, "plain"));
  const section = (title: string, items: readonly string[]) => {
    if (items.length === 0) return;
    out.push({ text: title, style: "bold" });
    for (const i of items) out.push(...lines(`  ${i}`, w, "plain"));
  };
  section("What happened:", st.happened);
  section("PTEs:", st.ptes);
  section("Lazy MMU mode at the end:", st.lazy);
  section("Kernel debug checks that fired:", st.checks);
  section("Stuck:", st.stuck);
  return out.map((l) => paint(l, o.color));
}

export function renderShow(view: TraceView, st: Story, o: ShowOptions): string {
  const l = layout(view, o.width);
  const ctx = contextStyles(view);
  const out: string[] = [...header(view, o), ...laneHeader(view, l, o)];
  view.steps.forEach((s, i) => {
    if (i > 0)
      out.push(
        `${" ".repeat(GUTTER)}${SEP}${view.lanes
          .slice(0, l.columns)
          .map(() => " ".repeat(l.laneWidth))
          .join(SEP)}`.trimEnd(),
      );
    out.push(...stepRows(view, s, l, o, ctx));
  });
  out.push(...storyLines(st, o));
  return `${out.join("\n")}\n`;
}

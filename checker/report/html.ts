// `lazymmu html`: a counterexample as one self-contained HTML page (no network, no external
// script, style or font): the swimlane timeline, one lane per CPU and one for memory and
// the MMU, drawn here as static HTML; a panel with the step under the cursor (its action,
// events, what changed, the whole state), driven by a small inline script from the trace
// data embedded as JSON; the violated rule and what went wrong. Pure: returns the page.

import { VIEWER_CSS, VIEWER_JS } from "./html-assets";
import {
  type Change,
  initiallyShown,
  type LaneFact,
  type Running,
  type StepView,
  type TraceView,
} from "./lanes";
import type { Story } from "./story";

export function escapeHtml(s: string): string {
  return s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** JSON safe inside a <script> element: no "</script>", no line separators. */
export function scriptJson(x: unknown): string {
  return JSON.stringify(x)
    .replaceAll("<", "\\u003c")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

const e = escapeHtml;

/**
 * Lane text as HTML that wraps only where a reader expects: at spaces, and inside a path
 * after a `/`. A browser may also break after any `-`, which would cut `tb->active` or
 * `-user:0` in two: each piece holding a `-` is kept on one line (white-space: nowrap).
 */
export function laneText(text: string): string {
  return text
    .split(" ")
    .map((token) => {
      if (token.length <= 1 || !token.includes("-")) return e(token);
      const pieces = token.split("/").map((p, i, all) => (i < all.length - 1 ? `${p}/` : p));
      return pieces
        .map((p) => (p.includes("-") ? `<span class="nw">${e(p)}</span>` : e(p)))
        .join("<wbr>");
    })
    .join(" ");
}

function contextClass(view: TraceView): Map<string, string> {
  const out = new Map<string, string>();
  let tasks = 0;
  for (const s of view.steps) {
    if (s.context === undefined || out.has(s.context.id)) continue;
    out.set(s.context.id, s.context.kind === "irq" ? "ctx-irq" : `ctx-${tasks++ % 4}`);
  }
  return out;
}

function changeList(cs: readonly Change[]): string {
  if (cs.length === 0) return "";
  return `<ul class="changes">${cs.map((c) => `<li>${laneText(c.text)}</li>`).join("")}</ul>`;
}

function actionCard(s: StepView, ctx: Map<string, string>, last: boolean, rule: string): string {
  const parts: string[] = [];
  if (s.context !== undefined) {
    const kind = s.context.kind === "irq" ? "interrupt" : "task";
    parts.push(
      `<span class="ctx ${ctx.get(s.context.id) ?? ""}" title="${kind}">${e(s.context.id)}</span>`,
    );
  }
  if (s.fn !== undefined) parts.push(`<span class="fn">${e(s.fn)}()</span>`);
  parts.push(`<div class="label">${laneText(s.label)}</div>`);
  if (s.at !== undefined) parts.push(`<div class="at">${laneText(s.at)}</div>`);
  for (const ev of s.events.filter((x) => x.bug))
    parts.push(`<div class="bug">${laneText(ev.text)}</div>`);
  if (last) parts.push(`<div class="verdict-badge">violates ${e(rule)}</div>`);
  return parts.join("");
}

function row(view: TraceView, s: StepView, ctx: Map<string, string>): string {
  const last = s.index === view.steps.length - 1;
  const cells = view.lanes.map((_, lane) => {
    const acting = s.lane === lane || (s.lane === null && lane === 0 && last);
    let body = "";
    if (s.index === 0) {
      const who = s.running[lane];
      body =
        who === undefined
          ? changeList(initialFacts(s.full[lane] ?? []))
          : `<div class="runs">runs <b>${laneText(who.text)}</b></div>${changeList(initialFacts(s.full[lane] ?? []))}`;
    } else {
      body = `${acting ? actionCard(s, ctx, last, view.meta.rule) : ""}${changeList(s.changes[lane] ?? [])}`;
    }
    const cls = [
      "cell",
      ...laneClasses(s.running[lane], ctx),
      acting && s.index > 0 ? "acting" : "",
    ]
      .filter((c) => c !== "")
      .join(" ");
    return `<div class="${cls}" data-lane="${lane}" data-lane-name="${e(view.lanes[lane] ?? "")}">${body}</div>`;
  });
  const cls = `row${last ? " violation" : ""}${s.halted ? " halted" : ""}`;
  return `<div class="${cls}" data-step="${s.index}" id="step-${s.index}"><div class="num">${s.index}</div>${cells.join("")}</div>`;
}

/**
 * A CPU lane is drawn in the colour of what runs there after the step (the task, or the
 * interrupt over it), dotted when idle: the swimlane a context follows across steps.
 */
function laneClasses(running: Running | undefined, ctx: Map<string, string>): string[] {
  if (running === undefined) return [];
  if (running.irq !== null) return ["run", "ctx-irq"];
  if (running.task === null) return ["idle"];
  return ["run", ctx.get(running.task) ?? "ctx-0"];
}

/** The initial row: per-CPU architecture state and the PTEs, not every zero counter. */
function initialFacts(facts: readonly LaneFact[]): Change[] {
  return facts.filter(initiallyShown).map((f) => ({
    name: f.name,
    fact: f.name,
    before: f.value,
    after: f.value,
    text: `${f.name} = ${f.value}`,
  }));
}

function storyHtml(st: Story): string {
  const section = (title: string, items: readonly string[]) =>
    items.length === 0
      ? ""
      : `<h3>${e(title)}</h3><ul>${items.map((i) => `<li>${e(i)}</li>`).join("")}</ul>`;
  return [
    `<p class="headline">${e(st.headline)}</p>`,
    section("What happened", st.happened),
    section("PTEs", st.ptes),
    section("Lazy MMU mode at the end", st.lazy),
    section("Kernel debug checks that fired", st.checks),
    section("Stuck", st.stuck),
  ].join("");
}

export function renderHtml(view: TraceView, st: Story): string {
  const m = view.meta;
  const ctx = contextClass(view);
  const n = view.steps.length - 1;
  const title = `${m.rule}: ${m.arch}, ${m.scenario}, preemption ${m.preemption}`;
  const lanesHead = view.lanes.map((l) => `<div class="lane-head">${e(l)}</div>`).join("");
  // The panel needs each step but not its flat fact list (the text trace's): it shows `full`.
  const steps = view.steps.map(({ facts: _facts, ...s }) => s);
  const data = { meta: m, lanes: view.lanes, steps, contexts: Object.fromEntries(ctx) };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>lazymmu: ${e(title)}</title>
<style>${VIEWER_CSS}</style>
</head>
<body style="--lanes: ${view.lanes.length}">
<header>
  <div class="where">lazymmu counterexample · <b>${e(m.arch)}</b> [${e(m.commits.join(", "))}] · scenario <b>${e(m.scenario)}</b> · preemption <b>${e(m.preemption)}</b> · spec ${e(m.spec)}</div>
  <div class="rule" id="rule"><span class="rule-id">${e(m.rule)}</span> <span class="obligation">${e(m.obligation)}</span> <span class="rule-text">${e(m.text)}</span></div>
  <div class="message" id="violation">${e(m.violation)}</div>
</header>
<main>
  <section class="timeline" aria-label="trace timeline">
    <div class="lanes sticky"><div class="num">step</div>${lanesHead}</div>
    ${view.steps.map((s) => row(view, s, ctx)).join("\n    ")}
  </section>
  <aside class="panel" aria-live="polite">
    <div class="controls">
      <button id="prev" title="previous step (←)" aria-label="previous step">◀</button>
      <input id="slider" type="range" min="0" max="${n}" value="0" step="1" aria-label="step">
      <button id="next" title="next step (→)" aria-label="next step">▶</button>
      <span id="step-label">step 0 / ${n}</span>
    </div>
    <div class="keys">← → or ↑ ↓ to step · Home / End · click a row</div>
    <div id="step-detail"></div>
  </aside>
</main>
<section class="story" id="story"><h2>What went wrong</h2>${storyHtml(st)}</section>
<script type="application/json" id="trace-data">${scriptJson(data)}</script>
<script>${VIEWER_JS}</script>
</body>
</html>
`;
}
